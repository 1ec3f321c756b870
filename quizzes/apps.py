from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Câu hỏi và bài kiểm tra")

    def ready(self):
        from lms.core.audit import AuditKind, audit_model_changes

        from .models import QuestionBank

        # Banks are created and renamed in the Wagtail admin; their questions by import.
        audit_model_changes(
            QuestionBank,
            create=AuditKind.QUESTION_BANK_CREATE,
            update=AuditKind.QUESTION_BANK_UPDATE,
        )

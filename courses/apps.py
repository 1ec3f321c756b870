from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Khóa học và lớp học")

    def ready(self):
        from lms.core.audit import AuditKind, audit_model_changes

        from . import receivers  # noqa: F401
        from .models import ClassSession, TrainingClass

        # Classes and sessions are edited directly in the Wagtail admin: audit the rows.
        audit_model_changes(
            TrainingClass, create=AuditKind.CLASS_CREATE, update=AuditKind.CLASS_UPDATE
        )
        audit_model_changes(
            ClassSession, create=AuditKind.SESSION_CREATE, update=AuditKind.SESSION_UPDATE
        )

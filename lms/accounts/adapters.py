from allauth.account.adapter import DefaultAccountAdapter

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext as _

from lms.core.addresses import client_address
from lms.core.queue import enqueue

from . import roles
from .services import user_add_role

CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.full_name = data.get("full_name", "")
        user.agency = data.get("agency")
        user.position = data.get("position", "")
        user.preferred_language = getattr(request, "LANGUAGE_CODE", "vi") or "vi"
        if commit:
            user.save()
            user_add_role(user=user, role=roles.TRAINEE)
            from .tasks import send_welcome_email

            transaction.on_commit(lambda: enqueue(send_welcome_email, user.pk))
        return user

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        super().send_confirmation_mail(request, emailconfirmation, signup)
        if settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
            # The default run (`make run`, no EMAIL_URL) sends no real mail: say where it went.
            messages.info(
                request,
                _(
                    "Máy chủ đang chạy với cấu hình mặc định nên không gửi thư thật: thư xác "
                    "nhận được in ra cửa sổ dòng lệnh (console) đang chạy máy chủ. Hãy mở "
                    "liên kết trong thư đó để xác nhận e-mail."
                ),
            )

    def get_client_ip(self, request):
        # One definition of "the client" for allauth's limits and ours; a malformed
        # X-Forwarded-For falls back to the peer address instead of raising.
        return client_address(request)

from allauth.account.adapter import DefaultAccountAdapter

from django.db import transaction

from lms.core.addresses import client_address
from lms.core.queue import enqueue

from . import roles
from .services import user_add_role


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

    def get_client_ip(self, request):
        # One definition of "the client" for allauth's limits and ours; a malformed
        # X-Forwarded-For falls back to the peer address instead of raising.
        return client_address(request)

from celery import shared_task

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from lms.core.links import site_url
from lms.core.queue import MAIL_TASK_OPTIONS


@shared_task(name="lms.accounts.tasks.send_welcome_email", **MAIL_TASK_OPTIONS)
def send_welcome_email(user_id: int) -> bool:
    """Welcome a new trainee in their language. Returns False when the user is gone."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": site_url()}
        subject = render_to_string("account/email/welcome_subject.txt", context).strip()
        body = render_to_string("account/email/welcome_message.txt", context)
    send_mail(subject, body, None, [user.email])
    return True

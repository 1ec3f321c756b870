"""E-mails sent to each person once per reason (a month's digest, a cancelled session, a
transition): the one helper that sends them and records them in `Notice`.

A message is recorded only after the mail server accepted it, so a job interrupted by an SMTP
error and retried sends to the people not yet written to, and nobody gets the same one twice.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .links import site_url
from .models import Notice


def notified(kind: str, key: str) -> set[int]:
    """Ids of the people already sent this notice."""
    return set(Notice.objects.filter(kind=kind, key=key).values_list("user_id", flat=True))


def notice_send(*, user, kind: str, key: str, subject_template: str, body_template: str,
                context: dict, attachment: tuple | None = None) -> None:  # fmt: skip
    """Render the message in the person's language, send it, then record it. Raises on a
    mail-server error (the calling task retries; nothing is recorded for this person)."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": site_url(), **context}
        subject = render_to_string(subject_template, context).strip()
        body = render_to_string(body_template, context)
    message = EmailMessage(subject, body, to=[user.email])
    if attachment:
        message.attach(*attachment)
    message.send()
    Notice.objects.create(user=user, kind=kind, key=key)

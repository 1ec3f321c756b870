"""Certificate tasks: render a PDF, build a bulk ZIP, remind holders before expiry.

Each takes ids, looks rows up and calls a service; running one twice does no extra work.
"""

from celery import shared_task

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lms.core.queue import MAIL_TASK_OPTIONS

__all__ = [
    "build_certificate_zip",
    "issue_certificates_due",
    "render_certificate_pdf",
    "send_expiry_reminders",
]


@shared_task(name="courses.tasks.render_certificate_pdf", acks_late=True)
def render_certificate_pdf(certificate_id: int) -> bool:
    """Render and store the certificate's PDF unless it already has one."""
    from courses.certificates.services import certificate_render_pdf

    return bool(certificate_render_pdf(certificate_id=certificate_id).pdf)


@shared_task(name="courses.tasks.issue_certificates_due", acks_late=True)
def issue_certificates_due(course_id: int | None = None, session_id: int | None = None) -> dict:
    """Bulk issue; safe to re-run after a crash: each certificate commits on its own and the
    unique (user, course, cycle) constraint stops a second copy."""
    from courses.certificates.services import certificates_issue_due
    from courses.classes.models import ClassSession
    from courses.learning.pages import CoursePage

    course = CoursePage.objects.filter(pk=course_id).first() if course_id else None
    session = ClassSession.objects.filter(pk=session_id).first() if session_id else None
    summary = certificates_issue_due(course=course, session=session)
    return {"issued": summary.issued, "already_had": summary.already_had}


@shared_task(name="courses.tasks.build_certificate_zip", acks_late=True)
def build_certificate_zip(job_id: str) -> str:
    from courses.certificates.services import certificate_zip_build

    return certificate_zip_build(job_id=job_id)["zip"]


@shared_task(name="courses.tasks.send_expiry_reminders", **MAIL_TASK_OPTIONS)
def send_expiry_reminders(days: int = 30) -> int:
    """E-mail each holder once when their valid certificate expires within `days` days.

    Each certificate is marked after its message was accepted: a retry after an SMTP error
    mails only the holders not yet reminded."""
    from courses.certificates.selectors import certificates_due_reminder
    from courses.certificates.services import certificate_mark_reminded, renewal_url, verify_url

    sent = 0
    for certificate in certificates_due_reminder(days=days):
        with translation.override(certificate.language or settings.LANGUAGE_CODE):
            context = {
                "certificate": certificate,
                "verify_url": verify_url(certificate.code),
                "renewal_url": renewal_url(certificate.course_id),
            }
            subject = _("Chứng nhận %(code)s sắp hết hạn") % {"code": certificate.code}
            body = render_to_string("courses/certificates/email_expiry_reminder.txt", context)
        send_mail(subject, body, None, [certificate.user.email])
        # Marked one by one: a crash halfway leaves the rest to the next run, never a duplicate.
        certificate_mark_reminded(certificate_ids=[certificate.pk])
        sent += 1
    return sent


@shared_task(name="courses.tasks.send_transition_invitations", **MAIL_TASK_OPTIONS)
def send_transition_invitations(transition_id: int) -> int:
    """E-mail each person enrolled by a transition once: which course, and the deadline."""
    from courses.certificates.models import EditionTransition
    from courses.learning.models import Enrolment
    from lms.core.models import NoticeKind
    from lms.core.notices import notice_send, notified

    transition = EditionTransition.objects.select_related("course").filter(pk=transition_id).first()
    if transition is None:
        return 0
    key = f"transition-{transition_id}"
    enrolments = (
        Enrolment.objects.current()
        .filter(course=transition.course)
        .exclude(user_id__in=notified(NoticeKind.TRANSITION, key))
    )
    enrolments = list(enrolments.select_related("user"))
    for enrolment in enrolments:
        notice_send(
            user=enrolment.user,
            kind=NoticeKind.TRANSITION,
            key=key,
            subject_template="courses/certificates/email_transition_subject.txt",
            body_template="courses/certificates/email_transition.txt",
            context={"transition": transition},
        )
    return len(enrolments)

"""Reminder e-mails to the roster of a class session, the day before it starts.

Invariant: a person is recorded as reminded (`SessionReminder`) only after the mail server
accepted their message, and nobody is mailed twice for a session. An SMTP error halfway through
the roster leaves the rest unrecorded; the retried task mails only them. One run at a time works
on a session (a lease on the session row, renewed per message, that a dead run lets expire).
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.classes.models import ClassMember, ClassSession, SessionReminder, SessionStatus
from lms.core.links import site_url

REMINDER_LEASE = timedelta(minutes=10)


def sessions_due_reminder() -> QuerySet[ClassSession]:
    """Planned or open sessions starting from now to the end of tomorrow (local date) whose
    roster is not all mailed: tomorrow's at the morning run, and a session added after that run
    for the next day still gets its reminder at the next one, on the morning itself."""
    day_after = timezone.localdate() + timedelta(days=2)
    return ClassSession.objects.filter(
        Q(status=SessionStatus.PLANNED) | Q(status=SessionStatus.OPEN),
        starts_at__gt=timezone.now(),
        starts_at__lt=timezone.make_aware(datetime.combine(day_after, time.min)),
        reminder_sent_at__isnull=True,
    )


def _lease(session_id: int, *, take: bool) -> bool:
    """Take (or renew) the session's lease when free or expired; False when another run has it."""
    now = timezone.now()
    free = Q(reminder_lease_until__isnull=True) | Q(reminder_lease_until__lt=now)
    sessions = ClassSession.objects.filter(pk=session_id, reminder_sent_at__isnull=True)
    if take:
        sessions = sessions.filter(free)
    return bool(sessions.update(reminder_lease_until=now + REMINDER_LEASE))


def _send_reminder(session: ClassSession, user) -> None:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"session": session, "user": user, "site_url": site_url()}
        subject = render_to_string("courses/classes/email/reminder_subject.txt", context).strip()
        body = render_to_string("courses/classes/email/reminder_body.txt", context)
    send_mail(subject, body, None, [user.email])


def session_reminders_send(*, session_id: int) -> int:
    """Mail everyone on the session's roster not yet reminded; return how many were mailed.

    Queries: 3 to start, then 2 per person (the record and the lease), 1 at the end. An error
    from the mail server is raised after the lease is released, for the task to retry.
    """
    if not _lease(session_id, take=True):
        return 0
    session = ClassSession.objects.select_related("training_class__course").get(pk=session_id)
    members = (
        ClassMember.objects.filter(training_class_id=session.training_class_id)
        .exclude(user__session_reminders__session_id=session_id)
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    try:
        for member in members:
            _send_reminder(session, member.user)
            SessionReminder.objects.create(
                session_id=session_id, user_id=member.user_id, sent_at=timezone.now()
            )
            sent += 1
            _lease(session_id, take=False)
    except BaseException:
        ClassSession.objects.filter(pk=session_id).update(reminder_lease_until=None)
        raise
    ClassSession.objects.filter(pk=session_id).update(
        reminder_sent_at=timezone.now(), reminder_lease_until=None
    )
    return sent

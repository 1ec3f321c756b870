"""Background work of in-person classes: completion after marking, reminders the day before."""

from celery import shared_task

from lms.core.queue import MAIL_TASK_OPTIONS

__all__ = [
    "evaluate_session_completions",
    "remove_stale_roster_uploads",
    "send_session_cancelled",
    "send_session_changed",
    "send_session_reminders",
]


@shared_task(name="courses.tasks.classes.remove_stale_roster_uploads", acks_late=True)
def remove_stale_roster_uploads() -> int:
    """Delete roster files uploaded for a preview and never confirmed (older than a day)."""
    from courses.classes.roster import roster_uploads_remove_stale

    return roster_uploads_remove_stale()


@shared_task(name="courses.tasks.classes.evaluate_session_completions", acks_late=True)
def evaluate_session_completions(session_id: int) -> int:
    """Re-evaluate course completion of the session's roster; safe to run twice (completion is
    set at most once per enrolment). Returns how many enrolments are complete."""
    from courses.classes.models import ClassSession
    from courses.learning.completion import completion_evaluate
    from courses.learning.models import Enrolment

    session = ClassSession.objects.select_related("training_class__course").filter(pk=session_id)
    session = session.first()
    if session is None or not session.training_class.course.requires_attendance:
        return 0
    enrolments = (
        Enrolment.objects.current()
        .select_related("course")
        .filter(
            course_id=session.training_class.course_id,
            user__class_memberships__training_class_id=session.training_class_id,
            completed_at__isnull=True,
        )
    )
    return sum(completion_evaluate(enrolment=enrolment) for enrolment in enrolments)


@shared_task(name="courses.tasks.classes.send_session_reminders", **MAIL_TASK_OPTIONS)
def send_session_reminders() -> int:
    """E-mail the roster of every session starting before the end of tomorrow (local date),
    once per person.

    Safe to run twice or to retry after an SMTP error: people already reminded are skipped
    (courses.classes.reminders). Returns how many messages were sent.
    """
    from courses.classes.reminders import session_reminders_send, sessions_due_reminder

    due = list(sessions_due_reminder().values_list("pk", flat=True))
    return sum(session_reminders_send(session_id=session_id) for session_id in due)


@shared_task(name="courses.tasks.classes.send_session_cancelled", **MAIL_TASK_OPTIONS)
def send_session_cancelled(session_id: int) -> int:
    """Tell everyone on the roster that the session is cancelled; each person once (a retry
    after a mail-server error skips those already told)."""
    from courses.classes.models import ClassSession
    from lms.core.models import NoticeKind

    session = (
        ClassSession.objects.select_related("training_class__course").filter(pk=session_id).first()
    )
    if session is None or session.status != "cancelled":
        return 0
    return _notify_roster(
        session, NoticeKind.SESSION_CANCELLED, f"session-{session_id}", "cancelled"
    )


@shared_task(name="courses.tasks.classes.send_session_changed", **MAIL_TASK_OPTIONS)
def send_session_changed(session_id: int, key: str) -> int:
    """Tell everyone on the roster the session's new time and place; each person once per
    change (`key` names the change), so a retry skips those already told."""
    from courses.classes.models import ClassSession
    from lms.core.models import NoticeKind

    session = (
        ClassSession.objects.select_related("training_class__course").filter(pk=session_id).first()
    )
    if session is None or session.status == "cancelled":
        return 0  # cancelled since: the cancellation notice says all there is to say
    return _notify_roster(session, NoticeKind.SESSION_CHANGED, key, "changed")


def _notify_roster(session, kind: str, key: str, template: str) -> int:
    from courses.classes.models import ClassMember
    from lms.core.notices import notice_send, notified

    members = ClassMember.objects.filter(training_class_id=session.training_class_id)
    members = members.select_related("user").exclude(user_id__in=notified(kind, key))
    for member in members:
        notice_send(
            user=member.user,
            kind=kind,
            key=key,
            subject_template=f"courses/classes/email/{template}_subject.txt",
            body_template=f"courses/classes/email/{template}_body.txt",
            context={"session": session},
        )
    return len(members)

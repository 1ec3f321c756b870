"""Background work of in-person classes: completion after marking, reminders the day before."""

from celery import shared_task

from lms.core.queue import MAIL_TASK_OPTIONS

__all__ = ["evaluate_session_completions", "send_session_reminders"]


@shared_task(acks_late=True)
def evaluate_session_completions(session_id: int) -> int:
    """Re-evaluate course completion of the session's roster; safe to run twice (completion is
    set at most once per enrolment). Returns how many enrolments are complete."""
    from courses.models import ClassSession, Enrolment
    from courses.services.completion import completion_evaluate

    session = ClassSession.objects.select_related("training_class__course").filter(pk=session_id)
    session = session.first()
    if session is None or not session.training_class.course.requires_attendance:
        return 0
    enrolments = Enrolment.objects.select_related("course").filter(
        course_id=session.training_class.course_id,
        user__class_memberships__training_class_id=session.training_class_id,
        completed_at__isnull=True,
    )
    return sum(completion_evaluate(enrolment=enrolment) for enrolment in enrolments)


@shared_task(**MAIL_TASK_OPTIONS)
def send_session_reminders() -> int:
    """E-mail the roster of every session starting before the end of tomorrow (local date),
    once per person.

    Safe to run twice or to retry after an SMTP error: people already reminded are skipped
    (courses.services.reminders). Returns how many messages were sent.
    """
    from courses.services.reminders import session_reminders_send, sessions_due_reminder

    due = list(sessions_due_reminder().values_list("pk", flat=True))
    return sum(session_reminders_send(session_id=session_id) for session_id in due)

"""Signals other apps listen to; courses never imports the apps that react to them."""

from django.dispatch import Signal

# Sent once when an enrolment's course is completed: kwargs enrolment.
course_completed = Signal()

# Sent after the commit that created a learning record other systems may mirror (a learning
# record store): kwargs kind and ids. Kinds and their ids: "enrolment" (Enrolment pks),
# "activity" (ActivityCompletion pks), "attempt" (graded quizzes.Attempt pks), "attendance"
# ([session_id, user_id] pairs), "certificate" (Certificate pks). Receivers must be idempotent.
learning_recorded = Signal()


def send_learning_recorded(kind: str, ids) -> None:
    """Send `learning_recorded` once the current transaction commits (now, outside one)."""
    from django.db import transaction

    ids = [value for value in ids if value is not None]
    if ids:
        transaction.on_commit(lambda: learning_recorded.send(sender=kind, kind=kind, ids=ids))

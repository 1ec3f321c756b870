"""Signals other apps listen to; courses never imports the apps that react to them."""

from django.dispatch import Signal

# Sent once when an enrolment's course is completed: kwargs enrolment.
course_completed = Signal()

# Sent inside the transaction that created a learning record other systems may mirror (a
# learning record store): kwargs kind and ids. Kinds and their ids: "enrolment" (Enrolment pks),
# "activity" (ActivityCompletion pks), "attempt" (graded quizzes.Attempt pks), "attendance"
# ([session_id, user_id] pairs), "certificate" (Certificate pks). Receivers defer their work
# to transaction.on_commit (the records may yet be rolled back) and must be idempotent.
learning_recorded = Signal()


def send_learning_recorded(kind: str, ids) -> None:
    ids = [value for value in ids if value is not None]
    if ids:
        learning_recorded.send(sender=kind, kind=kind, ids=ids)

"""Statements follow the records: each learning record queues its statement after commit."""

import logging

from django.db import transaction
from django.dispatch import receiver

from courses.learning.signals import course_completed, learning_recorded
from lms.core.queue import enqueue

from . import client
from .tasks import send_statements

logger = logging.getLogger(__name__)

# Records per task: a class's attendance or a bulk enrolment is split into tasks this large.
BATCH = 100


def queue_statements(kind: str, ids: list) -> int:
    """Queue the statements of `ids` in tasks of BATCH; how many tasks the broker took."""
    queued = 0
    for start in range(0, len(ids), BATCH):
        try:
            queued += enqueue(send_statements, kind, list(ids[start : start + BATCH]))
        except Exception:
            # Without a broker the task ran in this request: a failing LRS (retries exhausted)
            # must not fail the trainee's page after their record is saved. `xapi_resend`.
            logger.exception("xAPI statements of %s %s were not sent", kind, ids)
    return queued


@receiver(learning_recorded, dispatch_uid="xapi.learning_recorded")
def send_learning_record(sender, kind, ids, **kwargs):
    # Sent inside the recording transaction: the statements leave once it commits.
    if client.configured():
        transaction.on_commit(lambda: queue_statements(kind, ids))


@receiver(course_completed, dispatch_uid="xapi.course_completed")
def send_course_completion(sender, enrolment, **kwargs):
    # Sent on commit already (courses.learning.completion).
    if client.configured():
        queue_statements("course", [enrolment.pk])

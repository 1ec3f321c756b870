"""The celery task that sends statements, and how it retries."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import client
from .statements import statements_for

logger = logging.getLogger(__name__)

# As for e-mail (lms.core.queue.MAIL_TASK_OPTIONS): an LRS that is down is tried again after
# 1, 2, 4 … minutes (at most an hour apart, with jitter), eight times; each retry sends only
# the statements the LRS has not taken yet.
RETRY_BACKOFF = 60
RETRY_BACKOFF_MAX = 60 * 60
MAX_RETRIES = 8


def deliver(kind: str, ids: list) -> tuple[int, list]:
    """Send the statements of `kind` for `ids`; (how many the LRS holds, keys still to send).

    Stops at the first statement the LRS cannot take now: the rest would fail the same way.
    """
    sent = 0
    pending = statements_for(kind, ids)
    for index, (key, statement) in enumerate(pending):
        try:
            accepted = client.put_statement(statement)
        except client.LrsUnavailable as error:
            logger.warning(
                "LRS unavailable, %s %s statements wait: %s", len(pending) - index, kind, error
            )
            return sent, [key for key, _statement in pending[index:]]
        sent += accepted
    return sent, []


@shared_task(
    bind=True, name="lms.xapi.tasks.send_statements", acks_late=True, max_retries=MAX_RETRIES
)
def send_statements(self, kind: str, ids: list) -> int:
    """Send the statements of these records; safe to run twice (statement ids are fixed).

    Nothing happens when XAPI_ENDPOINT is not set.
    """
    if not client.configured() or not ids:
        return 0
    sent, remaining = deliver(kind, ids)
    if remaining:
        countdown = get_exponential_backoff_interval(
            factor=RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        raise self.retry(kwargs={"kind": kind, "ids": remaining}, args=(), countdown=countdown)
    return sent

"""Handing work to celery without letting a broker outage break the web request."""

import logging
from smtplib import SMTPException

from celery.exceptions import Retry
from kombu.exceptions import OperationalError

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Give up quickly: the person is waiting on the page; beat jobs and lazy rendering catch up.
QUEUE_DOWN_MESSAGE = _(
    "Hệ thống xử lý nền đang tạm ngừng nên chưa nhận được yêu cầu này. "
    "Vui lòng thử lại sau ít phút."
)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# Options of every task that sends e-mail: a refused or dropped SMTP connection is retried
# after 1, 2, 4 … minutes (at most an hour apart, with jitter), eight times. The tasks record
# each recipient once their message is accepted, so a retry mails only those left.
MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` to the broker; False (and a log line) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, ConnectionError, OSError, Retry) as exc:
        # Retry: without a broker the task ran in-process and asked for a retry nobody can
        # schedule (an SMTP error of a mail task); the request goes on.
        logger.error("could not queue %s%r: %s", task.name, args, exc)
        return False
    return True

"""Handing work to celery without letting a broker outage break the web request."""

import logging

from kombu.exceptions import OperationalError

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Give up quickly: the person is waiting on the page; beat jobs and lazy rendering catch up.
QUEUE_DOWN_MESSAGE = _(
    "Hệ thống xử lý nền đang tạm ngừng nên chưa nhận được yêu cầu này. "
    "Vui lòng thử lại sau ít phút."
)
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, *args, **kwargs) -> bool:
    """Send `task` to the broker; False (and a log line) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, ConnectionError, OSError) as exc:
        logger.error("could not queue %s%r: %s", task.name, args, exc)
        return False
    return True

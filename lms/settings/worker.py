"""Settings for a celery worker serving the test database in CI."""

from .base import env
from .test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
WORKER_CLEARS_CONTENT_TYPE_CACHE = True
# A test can keep every task of its own worker on one private queue.
_route_all_to = env("CELERY_ROUTE_ALL_TO_QUEUE", default="")
if _route_all_to:
    CELERY_TASK_ROUTES = {"*": {"queue": _route_all_to}}

"""Celery's autodiscovery imports `courses.tasks`; each domain keeps its tasks beside it."""

from courses.certificates.tasks import *  # noqa: F403
from courses.classes.tasks import *  # noqa: F403
from courses.learning.tasks import *  # noqa: F403

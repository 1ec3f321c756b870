"""Celery discovers `courses.tasks`; each area keeps its tasks in its own module."""

from .certificates import *  # noqa: F403
from .classes import *  # noqa: F403
from .learning import *  # noqa: F403

"""Wagtail discovers `courses.wagtail_hooks`; each domain registers its own admin pieces."""

from courses.certificates import wagtail_hooks as certificates_hooks  # noqa: F401
from courses.classes import wagtail_hooks as classes_hooks  # noqa: F401
from courses.learning import wagtail_hooks as learning_hooks  # noqa: F401

"""Wagtail admin registration, one module per area."""

from . import certificates, classes, learning  # noqa: F401

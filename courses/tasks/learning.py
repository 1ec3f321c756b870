"""Placeholder: filled in by the learning feature."""

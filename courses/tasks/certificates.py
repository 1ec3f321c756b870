"""Placeholder: filled in by the certificates feature."""

"""Placeholder: filled in by the classes feature."""

"""Work waiting between a preview and its confirmation, kept in the shared cache.

A preview stores what it read under a random token; the confirmation takes it once. Two
confirmations of one preview (a double click, two tabs) must not both import: `take_once`
hands the value to the caller whose delete removed the key, and None to every other.
"""

from django.core.cache import cache


def take_once(key: str):
    """The value stored under `key`, for one caller only; None if missing or already taken."""
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return value

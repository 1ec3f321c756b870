"""A fixed-window rate limit on the Django cache (no extra package needed)."""

from django.core.cache import cache


def rate_limit_exceeded(key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one hit for `key`; True once more than `limit` hits fall in the current period."""
    cache_key = f"ratelimit:{key}"
    # add() only sets when absent, so the period starts at the first hit and is not extended.
    if cache.add(cache_key, 1, timeout=period_seconds):
        return False
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=period_seconds)
        return False
    return hits > limit

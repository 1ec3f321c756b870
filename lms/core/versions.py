"""Version numbers in the shared cache that writes move on, so that entries stored under an
older number are read no more (the page tree, the coverage data, a person's standing).

A missing number (first use, expired, evicted) starts from the clock, above every number used
before. A write moves it at once (the writing request reads its own write) and again after
commit: a request between the two still reads the rows before the write and must not store
what it built under the number after it.
"""

import time

from django.core.cache import cache
from django.db import transaction


def fresh() -> int:
    return time.time_ns() // 1000


def current(key: str, timeout: int | None = None) -> int:
    return cache.get_or_set(key, fresh, timeout)


def start(keys, timeout: int | None = None) -> None:
    """Set the numbers that are missing."""
    for key in keys:
        cache.add(key, fresh(), timeout)


def move(keys, timeout: int | None = None) -> None:
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # missing: entries stored under no number are never current
            cache.set(key, fresh(), timeout)


def written(keys, timeout: int | None = None) -> None:
    """Rows these numbers stand for were written: move them now and again after commit."""
    move(keys, timeout)
    transaction.on_commit(lambda: move(keys, timeout))

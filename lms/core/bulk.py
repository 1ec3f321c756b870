"""Helpers for writes of thousands of rows at once (roster imports, bulk enrolment)."""

import gc
from contextlib import contextmanager


@contextmanager
def collection_paused():
    """Run the block without the cyclic garbage collector.

    An import of thousands of rows allocates hundreds of thousands of short-lived objects
    (cells, model instances, SQL parameters); each 700 allocations start a young collection
    and every few hundred of those a full one, which walks the whole process heap (Django,
    Wagtail, pandas: about a quarter of a million objects) — a third of a 5 000-row roster
    import went there. Those objects are freed by reference counting anyway; the collector
    resumes when the block ends, however it ends. Nested blocks leave that to the outermost.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

"""A preview is confirmed once: a double click or a second tab imports nothing more."""

import threading

from django.core.cache import cache

from lms.core.pending import take_once


def test_a_pending_value_is_taken_once():
    cache.set("pending:test:1", ("ds.xlsx", b"data"), 60)

    assert take_once("pending:test:1") == ("ds.xlsx", b"data")
    assert take_once("pending:test:1") is None
    assert take_once("pending:test:missing") is None


def test_two_confirmations_at_once_take_it_once():
    cache.set("pending:test:2", "file", 60)
    barrier = threading.Barrier(8)
    taken = []

    def confirm():
        barrier.wait()
        taken.append(take_once("pending:test:2"))

    threads = [threading.Thread(target=confirm) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert taken.count("file") == 1

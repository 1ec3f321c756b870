"""Helpers of lms.core.bulk for writes of thousands of rows."""

import gc

import pytest

from lms.core.bulk import collection_paused


def test_collection_paused_resumes_the_collector_however_the_block_ends():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():  # nested: the outer block resumes it
            pass
        assert not gc.isenabled()
    assert gc.isenabled()

    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_collection_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

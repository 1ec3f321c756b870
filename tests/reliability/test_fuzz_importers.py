"""Importers never crash, always locate their errors, and write nothing when a file fails.

The default run uses a few hundred examples per test; `pytest -m slow` runs the Hypothesis
profile named by FUZZ_SLOW_PROFILE: `fuzz-slow` (10 000 examples, the default) or `fuzz-slow-ci`
(sized so `.ci/run` finishes the three slow tests in a few minutes on two cores).
"""

import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.learning.roster_reader import read_roster
from quizzes.formats import parse_aiken, parse_gift

FILES = Path(__file__).resolve().parents[1]
GIFT_FILES = sorted((FILES / "quizzes" / "files").glob("*.gift"))
AIKEN_FILES = sorted((FILES / "quizzes" / "files").glob("*.txt"))
ROSTER_FILES = sorted((FILES / "courses" / "files").glob("roster_*"))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile(
    "fuzz-slow", max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "fuzz-slow-ci", settings.get_profile("fuzz-slow"), max_examples=5_000, print_blob=True
)
SLOW = settings.get_profile(os.environ.get("FUZZ_SLOW_PROFILE", "fuzz-slow"))
SPECIALS = "{}~=#:\\-> %\n\r\t[]$ĐđăâêôơưỆệ\u0301\u0303\ufeff"


@st.composite
def mutated_text(draw, sources):
    """A real file with a few characters deleted, inserted or duplicated."""
    text = sources[draw(st.integers(0, len(sources) - 1))].read_text(encoding="utf-8-sig")
    rng = random.Random(draw(st.integers(0, 2**32)))
    chars = list(text)
    for _ in range(draw(st.integers(1, 8))):
        position = rng.randrange(len(chars) + 1)
        action = rng.choice(("delete", "insert", "duplicate"))
        if action == "delete" and chars and position < len(chars):
            del chars[position]
        elif action == "insert":
            chars.insert(position, rng.choice(SPECIALS))
        elif chars:
            start = rng.randrange(len(chars))
            chars[position:position] = chars[start : start + rng.randint(1, 40)]
    return "".join(chars)


def _assert_located(result, text):
    # CR, LF and CRLF all end a line, as in Moodle.
    lines = max(text.count("\n"), text.count("\r"), len(text.splitlines())) + 1
    for error in result.errors:
        assert 0 < error.line <= lines, (error.line, error.message)
        assert error.message.strip()


def _check_gift(text):
    result = parse_gift(text)
    _assert_located(result, text)
    assert parse_gift(text) == result  # deterministic


def _check_aiken(text):
    result = parse_aiken(text)
    _assert_located(result, text)


@FUZZ
@given(mutated_text(GIFT_FILES))
def test_gift_parser_survives_mutated_real_files(text):
    _check_gift(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list(SPECIALS) + list("abc T F 1.5 ::")), max_size=300))
def test_gift_parser_survives_random_text(text):
    _check_gift(text)


@FUZZ
@given(mutated_text(AIKEN_FILES))
def test_aiken_parser_survives_mutated_real_files(text):
    _check_aiken(text)


def _check_roster(data: bytes, filename: str):
    result = read_roster(data, filename)
    for error in result.errors:
        assert error.row >= 0 and error.message.strip()
    rows = [row.row for row in result.rows]
    assert len(rows) == len(set(rows))
    assert not {row.row for row in result.rows} & {e.row for e in result.errors if e.row}


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_roster_reader_survives_random_bytes(data, filename):
    _check_roster(data, filename)


@FUZZ
@given(st.data())
def test_roster_reader_survives_mutated_real_files(data):
    source = data.draw(st.sampled_from(ROSTER_FILES))
    raw = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        if not raw:
            break
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    _check_roster(bytes(raw), source.name)


@pytest.mark.slow
@SLOW
@given(mutated_text(GIFT_FILES))
def test_gift_parser_slow_run(text):
    _check_gift(text)


@pytest.mark.slow
@SLOW
@given(mutated_text(AIKEN_FILES))
def test_aiken_parser_slow_run(text):
    _check_aiken(text)


@pytest.mark.slow
@SLOW
@given(st.binary(max_size=4000), st.sampled_from(["a.csv", "a.xlsx"]))
def test_roster_reader_slow_run(data, filename):
    _check_roster(data, filename)

"""A failing file leaves the database exactly as it was."""

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import Question, QuestionBank, QuestionCategory
from quizzes.services import questions_import

FILES = Path(__file__).resolve().parents[1] / "quizzes" / "files"
GOOD = (FILES / "vi_iso9001.gift").read_text(encoding="utf-8")
BREAKERS = ["{", "}", "->", "~%abc%", "{#x..}", "::"]


def _snapshot():
    return (
        QuestionBank.objects.count(),
        QuestionCategory.objects.count(),
        Question.objects.count(),
    )


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32))
def test_gift_import_is_all_or_nothing(seed):
    rng = random.Random(seed)
    lines = GOOD.splitlines()
    position = rng.randrange(len(lines))
    lines.insert(position, f"::Hỏng::Câu hỏi hỏng {rng.choice(BREAKERS)} ở dòng này")
    text = "\n".join(lines)
    before = _snapshot()
    result = questions_import(bank_name="Ngân hàng thử", text=text, fmt="gift")
    if result.errors:
        assert _snapshot() == before
        assert all(error.line > 0 for error in result.errors)
    else:
        assert _snapshot()[2] > before[2]


@pytest.mark.django_db
def test_broken_file_writes_nothing_even_when_most_questions_are_valid():
    head = GOOD.rstrip("\n") + "\n\n"
    text = head + "::Hỏng::Thiếu dấu đóng {=đúng ~sai\n"
    result = questions_import(bank_name="Ngân hàng thử", text=text, fmt="gift")
    broken_line = head.count("\n") + 1
    assert [error.line for error in result.errors] == [broken_line]
    assert _snapshot() == (0, 0, 0)

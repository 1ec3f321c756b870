"""Real concurrency on PostgreSQL: two submissions and two starts at the same moment."""

import pytest

from django.db import connection

from courses.models import ActivityCompletion
from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from tests.conftest import run_concurrently

from .test_attempts import right_answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_are_graded_once(bank_quiz, trainee):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    answers = right_answers(attempt)
    results, errors = run_concurrently(
        5, lambda: attempt_submit(attempt=attempt, responses=answers)
    )
    assert errors == []
    assert len({(r.submitted_at, r.score) for r in results}) == 1
    assert ActivityCompletion.objects.filter(page_id=bank_quiz.pk).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_make_one_attempt(bank_quiz, trainee):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    results, errors = run_concurrently(5, lambda: attempt_start(user=trainee, quiz=bank_quiz).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(user=trainee).count() == 1

"""The essay grading form in Vietnamese: number inputs in machine format, both decimal marks."""

import re

import pytest

from django.urls import reverse
from django.utils import translation

from courses.models import ClassMember, TrainingClass
from lms.core.numbers import DecimalInputField
from quizzes.models import Attempt, QuestionType
from quizzes.services import attempt_start, attempt_submit


@pytest.fixture
def essay_attempt(course, question_bank, make_quiz, enrol, trainee, trainer):
    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    enrol(trainee, course)
    training_class = TrainingClass.objects.create(course=course, title="Lớp 1")
    training_class.trainers.add(trainer)
    ClassMember.objects.create(training_class=training_class, user=trainee)
    attempt = attempt_submit(
        attempt=attempt_start(user=trainee, quiz=quiz), responses={str(essay.pk): "Ý kiến"}
    )
    return attempt, essay


def _mark_input(html: str) -> str:
    return re.search(r'<input type="number" name="mark"[^>]*>', html).group(0)


@pytest.mark.parametrize("typed", ["0,5", "0.5"])
def test_mark_typed_with_either_decimal_mark_is_saved_and_shown_again(
    client, essay_attempt, trainer, typed
):
    attempt, essay = essay_attempt
    client.force_login(trainer)
    url = reverse("quizzes:grade_essays", args=[attempt.pk])
    response = client.post(
        url, {"question_id": str(essay.pk), "mark": typed}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert float(attempt.marks[str(essay.pk)]["mark"]) == 0.5
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    field = _mark_input(page)
    assert re.search(r'value="0\.50?"', field), field
    assert re.search(r'max="1(\.0+)?"', field), field
    assert "," not in field


def test_empty_mark_input_has_machine_format_max_in_vietnamese(client, essay_attempt, trainer):
    attempt, essay = essay_attempt
    essay.mark = 1.5
    attempt.questions[0]["mark"] = 1.5
    attempt.save(update_fields=["questions"])
    client.force_login(trainer)
    page = client.get(reverse("quizzes:grade_essays", args=[attempt.pk])).content.decode()
    assert 'max="1.5"' in _mark_input(page)


@pytest.mark.parametrize(
    ("typed", "value"), [("0,5", "0.5"), ("0.25", "0.25"), (" 1,75 ", "1.75"), ("2", "2")]
)
def test_decimal_input_field_takes_comma_and_point_in_vietnamese(typed, value):
    with translation.override("vi"):
        assert str(DecimalInputField().clean(typed)) == value


def test_decimal_input_field_refuses_ambiguous_grouping():
    from django.core.exceptions import ValidationError

    with translation.override("vi"), pytest.raises(ValidationError):
        DecimalInputField().clean("1.000,5")

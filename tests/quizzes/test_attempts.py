"""Attempt flow through the services: start, draw, autosave, deadline, submit once, essays."""

from datetime import timedelta

import pytest

from django.utils import timezone

from courses.models import ActivityCompletion
from quizzes.models import Attempt, AttemptStatus, Question, QuestionType
from quizzes.services import (
    QuizError,
    attempt_grade_essay,
    attempt_save_responses,
    attempt_start,
    attempt_submit,
)


def right_answers(attempt):
    """Responses scoring full marks on every auto-graded question of the snapshot."""
    responses = {}
    for q in attempt.questions:
        if q["qtype"] in ("single_choice", "true_false"):
            responses[q["id"]] = max(q["answers"], key=lambda a: a["fraction"])["id"]
        elif q["qtype"] == "multiple_choice":
            responses[q["id"]] = [a["id"] for a in q["answers"] if a["fraction"] > 0]
        elif q["qtype"] == "short_answer":
            responses[q["id"]] = max(q["answers"], key=lambda a: a["fraction"])["text"]
        elif q["qtype"] == "numerical":
            responses[q["id"]] = str(q["answers"][0]["value"])
        elif q["qtype"] == "matching":
            choice_id = {c["text"]: c["id"] for c in q["choices"]}
            responses[q["id"]] = {a["id"]: choice_id[a["match"]] for a in q["answers"]}
    return responses


def test_attempt_start_refuses_a_user_not_enrolled(bank_quiz, other_trainee):
    with pytest.raises(QuizError):
        attempt_start(user=other_trainee, quiz=bank_quiz)
    assert not Attempt.objects.exists()


def test_attempt_start_resumes_the_attempt_in_progress(bank_quiz, trainee):
    first = attempt_start(user=trainee, quiz=bank_quiz)
    again = attempt_start(user=trainee, quiz=bank_quiz)
    assert again.pk == first.pk
    assert again.questions == first.questions
    assert Attempt.objects.count() == 1


def test_attempt_deadline_is_start_plus_time_limit(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=bank_quiz.time_limit_minutes)


def test_attempts_limit_is_enforced(course, question_bank, make_quiz, enrol, trainee):
    quiz = make_quiz(course, slots=[{"bank": question_bank, "draw_count": 2}], attempts_allowed=2)
    enrol(trainee, course)
    for _ in range(2):
        attempt_submit(attempt=attempt_start(user=trainee, quiz=quiz))
    with pytest.raises(QuizError, match="hết số lần"):
        attempt_start(user=trainee, quiz=quiz)
    assert Attempt.objects.filter(user=trainee).count() == 2
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2]


def test_random_draw_has_no_duplicates_and_is_stable_within_an_attempt(
    course, question_bank, make_quiz, enrol, trainee
):
    category = question_bank.categories.get(path="Xây dựng")
    fixed = Question.objects.filter(category__path="Xây dựng/Tài liệu và hồ sơ").first()
    quiz = make_quiz(
        course,
        slots=[
            {"question": fixed},
            # Subcategories included: the fixed question is in the pool and must not repeat.
            {"category": category, "draw_count": 10},
            {"bank": question_bank, "draw_count": 3},
        ],
    )
    enrol(trainee, course)
    attempt = attempt_start(user=trainee, quiz=quiz)
    ids = [q["question_id"] for q in attempt.questions]
    assert len(ids) == len(set(ids))
    building = set(
        Question.objects.filter(category__path__startswith="Xây dựng").values_list("pk", flat=True)
    )
    assert ids[0] == fixed.pk
    assert set(ids[: len(building)]) == building
    assert len(ids) == len(building) + 3
    attempt.refresh_from_db()
    assert [q["question_id"] for q in attempt_start(user=trainee, quiz=quiz).questions] == ids


def test_snapshot_is_frozen_against_later_question_edits(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    snapshot = next(q for q in attempt.questions if q["qtype"] == "single_choice")
    question = Question.objects.get(pk=snapshot["question_id"])
    question.text = "Nội dung đã sửa"
    question.answers = [{"text": "Mới", "fraction": 1.0, "feedback": ""}]
    question.save()
    attempt.refresh_from_db()
    frozen = next(q for q in attempt.questions if q["id"] == snapshot["id"])
    assert frozen["text"] != "Nội dung đã sửa"
    submitted = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert submitted.percent == 100


def test_shuffled_choices_keep_their_ids_so_grading_does_not_depend_on_order(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    multiple = next(q for q in attempt.questions if q["qtype"] == "multiple_choice")
    by_text = {a["text"]: a["id"] for a in multiple["answers"]}
    attempt_save_responses(
        attempt=attempt,
        responses={multiple["id"]: [by_text["Hoạch định (Plan)"], by_text["Thực hiện (Do)"]]},
    )
    submitted = attempt_submit(attempt=attempt)
    assert submitted.marks[multiple["id"]]["fraction"] == 0.5


def test_passing_submission_is_graded_and_marks_the_activity_done(
    bank_quiz, trainee, django_capture_on_commit_callbacks
):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert submitted.status == AttemptStatus.GRADED
    assert submitted.passed is True
    assert submitted.percent == 100
    assert ActivityCompletion.objects.filter(enrolment__user=trainee, page_id=bank_quiz.pk).exists()


def test_failing_submission_does_not_mark_the_activity_done(
    bank_quiz, trainee, django_capture_on_commit_callbacks
):
    started = attempt_start(user=trainee, quiz=bank_quiz)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt = attempt_submit(attempt=started, responses={})
    assert callbacks == []
    assert attempt.passed is False
    assert attempt.score == 0
    assert not ActivityCompletion.objects.exists()


def test_double_submission_is_graded_once(bank_quiz, trainee, django_capture_on_commit_callbacks):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = attempt_submit(attempt=attempt, responses=right_answers(attempt))
        second = attempt_submit(attempt=attempt, responses={})
    # One pass recorded; the other callbacks re-announce cache versions after commit.
    recorded = [c for c in callbacks if c.__module__ == "quizzes.services"]
    assert len(recorded) == 1
    assert second.score == first.score and second.passed is True
    assert second.submitted_at == first.submitted_at
    assert ActivityCompletion.objects.count() == 1


def test_autosave_is_refused_after_submission(bank_quiz, trainee):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=bank_quiz))
    with pytest.raises(QuizError):
        attempt_save_responses(attempt=attempt, responses={})


def test_responses_after_the_deadline_are_ignored(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    attempt_save_responses(attempt=attempt, responses={})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    attempt.refresh_from_db()
    with pytest.raises(QuizError):
        attempt_save_responses(attempt=attempt, responses=right_answers(attempt))
    late = attempt_submit(attempt=attempt, responses=right_answers(attempt))
    assert late.status == AttemptStatus.GRADED
    assert late.score == 0  # graded on what was saved before the deadline


def test_saved_responses_count_when_submitted_late(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    attempt_save_responses(attempt=attempt, responses=right_answers(attempt))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    late = attempt_submit(attempt=attempt, responses={})
    assert late.percent == 100


def test_expired_attempt_is_closed_when_the_user_starts_again(bank_quiz, trainee):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    new = attempt_start(user=trainee, quiz=bank_quiz)
    assert new.pk != attempt.pk and new.number == 2
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED


def test_essay_marked_by_trainer_completes_the_grade_and_can_pass(
    course,
    question_bank,
    make_quiz,
    enrol,
    trainee,
    trainer,
    training_class,
    add_member,
    django_capture_on_commit_callbacks,
):
    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    enrol(trainee, course)
    add_member(training_class, trainee)
    attempt = attempt_start(user=trainee, quiz=quiz)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt = attempt_submit(attempt=attempt, responses={str(essay.pk): "Cải tiến quy trình."})
    assert callbacks == []
    assert attempt.status == AttemptStatus.NEEDS_GRADING and attempt.passed is None
    with pytest.raises(QuizError):
        attempt_grade_essay(attempt=attempt, question_id=str(essay.pk), mark=99, grader=trainer)
    with django_capture_on_commit_callbacks(execute=True):
        graded = attempt_grade_essay(
            attempt=attempt, question_id=str(essay.pk), mark="0,8", feedback="Khá", grader=trainer
        )
    assert graded.status == AttemptStatus.GRADED
    assert graded.passed is True
    assert graded.marks[str(essay.pk)]["feedback"] == "Khá"
    assert ActivityCompletion.objects.filter(page_id=quiz.pk).exists()


def test_random_draw_can_leave_out_essays_and_never_draws_descriptions(
    course, question_bank, make_quiz, enrol, trainee
):
    quiz = make_quiz(
        course, slots=[{"bank": question_bank, "draw_count": 50, "exclude_essays": True}]
    )
    enrol(trainee, course)
    attempt = attempt_start(user=trainee, quiz=quiz)
    types = {q["qtype"] for q in attempt.questions}
    assert "essay" not in types and "description" not in types
    assert len(attempt.questions) == question_bank.questions.count() - 2


def test_a_trainer_cannot_grade_a_trainee_outside_their_classes(
    course, question_bank, make_quiz, enrol, trainee, trainer, training_class, make_user
):
    """The grading service itself refuses, whichever door calls it."""
    from django.core.exceptions import PermissionDenied

    from lms.accounts import roles

    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    enrol(trainee, course)  # enrolled in the course, but on no roster of this trainer
    attempt = attempt_submit(
        attempt=attempt_start(user=trainee, quiz=quiz), responses={str(essay.pk): "Ý kiến"}
    )
    with pytest.raises(PermissionDenied):
        attempt_grade_essay(attempt=attempt, question_id=str(essay.pk), mark=1, grader=trainer)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING
    assert attempt.marks[str(essay.pk)]["mark"] is None

    officer = make_user(roles.DOST_OFFICER)
    graded = attempt_grade_essay(attempt=attempt, question_id=str(essay.pk), mark=1, grader=officer)
    assert graded.status == AttemptStatus.GRADED

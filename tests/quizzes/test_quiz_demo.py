"""The quizzes demo steps on the real fixtures/ files."""

from io import StringIO
from pathlib import Path

from django.conf import settings

from courses.models import Enrolment
from quizzes import demo
from quizzes.models import Attempt, QuestionBank, QuizPage

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_demo_banks_load_once_with_every_question_type(db):
    demo.load_question_banks(fixtures=FIXTURES, stdout=StringIO())
    again = demo.load_question_banks(fixtures=FIXTURES, stdout=StringIO())
    assert "4 bank(s) already loaded" in again
    bank = QuestionBank.objects.get(name=demo.bank_name("awareness"))
    assert bank.questions.count() >= 15
    assert set(bank.questions.values_list("qtype", flat=True)) == {
        "single_choice", "multiple_choice", "true_false", "short_answer", "numerical",
        "matching", "essay", "description",
    }  # fmt: skip


def test_demo_without_courses_does_nothing(db):
    demo.load_question_banks(fixtures=FIXTURES, stdout=StringIO())
    assert "skipped" in demo.load_quizzes(fixtures=FIXTURES, stdout=StringIO())
    assert not QuizPage.objects.exists()


def test_demo_quiz_and_attempts_for_the_awareness_course(
    db, make_course, make_user, django_capture_on_commit_callbacks
):
    course = make_course(track="awareness", language="vi")
    users = [make_user(email=f"hocvien{n:02d}@demo.vn") for n in range(1, 7)]
    for user in users:
        Enrolment.objects.create(user=user, course=course)
    demo.load_question_banks(fixtures=FIXTURES, stdout=StringIO())
    demo.load_quizzes(fixtures=FIXTURES, stdout=StringIO())
    quiz = QuizPage.objects.child_of(course).get()
    assert quiz.title == "Bài kiểm tra nhận thức chung về TCVN ISO 9001:2015"
    assert quiz.time_limit_minutes == 20 and quiz.slots.get().draw_count == 10
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_attempts(fixtures=FIXTURES, stdout=StringIO())
    attempts = list(Attempt.objects.filter(quiz=quiz))
    assert len(attempts) == 4
    assert {a.passed for a in attempts} == {True, False}
    assert all(len(a.questions) == 10 for a in attempts)
    demo.load_quizzes(fixtures=FIXTURES, stdout=StringIO())
    demo.load_attempts(fixtures=FIXTURES, stdout=StringIO())
    assert Attempt.objects.count() == 4
    assert QuizPage.objects.count() == 1

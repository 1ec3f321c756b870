import pytest

from django.urls import reverse

from courses.models import ActivityCompletion, Enrolment, LessonPage
from quizzes.services import attempt_start, attempt_submit
from tests.quizzes.test_attempts import right_answers

pytestmark = pytest.mark.django_db


def test_passing_the_last_activity_points_to_the_certificate(
    client, bank_quiz, trainee, course, django_capture_on_commit_callbacks
):
    enrolment = Enrolment.objects.get(user=trainee, course=course)
    for lesson in LessonPage.objects.child_of(course):
        ActivityCompletion.objects.create(enrolment=enrolment, page=lesson)
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, responses=right_answers(attempt))
    client.force_login(trainee)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Bạn đã hoàn thành khóa học." in page
    assert reverse("certificates:mine") in page


def test_a_pass_that_leaves_lessons_unread_does_not_claim_completion(
    client, bank_quiz, trainee, django_capture_on_commit_callbacks
):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, responses=right_answers(attempt))
    client.force_login(trainee)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Bạn đã hoàn thành khóa học." not in page


def test_late_submission_says_answers_after_the_deadline_were_not_counted(
    client, bank_quiz, trainee
):
    from datetime import timedelta

    from django.utils import timezone

    from quizzes.models import Attempt

    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    attempt.refresh_from_db()
    client.force_login(trainee)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "các câu trả lời đưa ra sau thời hạn không được tính" in page


def test_submission_in_time_has_no_late_notice(client, bank_quiz, trainee):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=bank_quiz))
    client.force_login(trainee)
    page = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "data-late-submission" not in page

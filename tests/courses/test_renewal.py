"""Renewal cycles: "Học lại để gia hạn" starts a new cycle; earlier cycles stay in history."""

import re
from datetime import timedelta

import pytest

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.certificates.selectors import renewal_due
from courses.certificates.services import certificate_issue
from courses.certificates.tasks import send_expiry_reminders
from courses.learning.completion import completion_recompute
from courses.learning.enrolment import EnrolmentNotAllowed, enrolment_renew
from courses.models import (
    ActivityCompletion,
    Certificate,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
)
from lms.core.models import AuditEvent
from lms.coverage.selectors import CoverageFilter, measure_counts
from quizzes.models import QuestionType
from quizzes.services import attempt_start, attempt_submit, attempts_left

from ..quizzes.test_attempts import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def renewable(make_course, make_quiz, question_bank):
    """A two-lesson course with a one-attempt quiz and certificates valid 12 months."""
    course = make_course(lessons=2, certificate_validity_months=12)
    auto = question_bank.questions.filter(qtype=QuestionType.TRUE_FALSE)[:2]
    quiz = make_quiz(course, slots=[{"question": q} for q in auto], attempts_allowed=1)
    return course, quiz


def _learn(client, user, course, quiz, capture):
    """Read every lesson over HTTP and pass the quiz, as the person would."""
    for lesson in LessonPage.objects.child_of(course).live():
        client.post(reverse("courses:activity_done", args=[lesson.pk]))
    attempt = attempt_start(user=user, quiz=quiz)
    with capture(execute=True):
        attempt_submit(attempt=attempt, responses=right_answers(attempt))


def _complete_first_cycle(client, trainee, course, quiz, capture):
    client.force_login(trainee)
    with capture(execute=True):
        client.post(reverse("courses:enrol", args=[course.pk]))
    with capture(execute=True):
        _learn(client, trainee, course, quiz, capture)
    enrolment = Enrolment.objects.get(user=trainee, course=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    return Certificate.objects.get(user=trainee, course=course)


def test_full_renewal_cycle_from_the_expiry_email(
    client, trainee, renewable, django_capture_on_commit_callbacks
):
    course, quiz = renewable
    capture = django_capture_on_commit_callbacks
    old = _complete_first_cycle(client, trainee, course, quiz, capture)
    assert attempts_left(user=trainee, quiz=quiz) == 0
    Certificate.objects.filter(pk=old.pk).update(expires_at=timezone.now() + timedelta(days=20))

    assert send_expiry_reminders(days=30) == 1
    link = re.search(r"https?://\S+/renew/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1]
    path = path[path.index("/") :]
    assert path == reverse("courses:renew", args=[course.pk])
    page = client.get(path)
    assert page.status_code == 200
    assert "Học lại để gia hạn" in page.content.decode()
    assert f'action="{path}"' in page.content.decode()

    response = client.post(path)
    assert response.status_code == 302
    cycles = Enrolment.objects.filter(user=trainee, course=course).order_by("cycle")
    assert [(e.cycle, e.is_current) for e in cycles] == [(1, False), (2, True)]
    first, second = cycles
    assert first.completed_at is not None and second.completed_at is None
    assert not ActivityCompletion.objects.filter(enrolment=second).exists()
    assert AuditEvent.objects.filter(verb="enrolment.renewed").count() == 1

    course_page = client.get(course.url)
    assert 'aria-valuenow="0"' in course_page.content.decode()
    assert attempts_left(user=trainee, quiz=quiz) == 1  # the quiz can be taken again

    with capture(execute=True):
        _learn(client, trainee, course, quiz, capture)
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.COMPLETED
    new = Certificate.objects.filter(user=trainee, course=course).order_by("-cycle").first()
    assert new.pk != old.pk and new.cycle == 2 and new.replaces_id == old.pk
    first.refresh_from_db()
    assert first.completed_at is not None  # the earlier cycle is kept

    history = client.get(reverse("courses:my_learning")).content.decode()
    assert "Lịch sử học tập" in history
    assert old.code in history
    assert (
        first.completed_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y")
        in history
    )


def test_renewal_refused_while_certificate_valid_outside_window(
    client, trainee, renewable, django_capture_on_commit_callbacks
):
    course, quiz = renewable
    _complete_first_cycle(client, trainee, course, quiz, django_capture_on_commit_callbacks)
    assert not renewal_due(user=trainee, course=course)
    renew_url = reverse("courses:renew", args=[course.pk])
    assert renew_url not in client.get(course.url).content.decode()
    response = client.post(reverse("courses:renew", args=[course.pk]))
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_renew(user=trainee, course=course)


def test_window_opens_renewal_and_course_page_offers_it(
    client, trainee, renewable, django_capture_on_commit_callbacks, settings
):
    course, quiz = renewable
    certificate = _complete_first_cycle(
        client, trainee, course, quiz, django_capture_on_commit_callbacks
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + timedelta(days=100)
    )
    settings.RENEWAL_WINDOW_DAYS = 90
    assert not renewal_due(user=trainee, course=course)
    settings.RENEWAL_WINDOW_DAYS = 120
    assert renewal_due(user=trainee, course=course)
    page = client.get(course.url).content.decode()
    assert reverse("courses:renew", args=[course.pk]) in page


def test_revoked_or_expired_certificate_may_be_renewed_not_an_unfinished_cycle(
    trainee, course, complete_course
):
    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    renewed = enrolment_renew(user=trainee, course=course)
    assert renewed.cycle == 2
    again = enrolment_renew(user=trainee, course=course)  # the unfinished cycle is returned
    assert again.pk == renewed.pk


def test_double_post_makes_one_cycle(client, trainee, course, complete_course):
    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    client.force_login(trainee)
    url = reverse("courses:renew", args=[course.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert list(
        Enrolment.objects.filter(user=trainee, course=course).values_list("cycle", flat=True)
    ) == [1, 2]
    assert AuditEvent.objects.filter(verb="enrolment.renewed").count() == 1


def test_renew_needs_csrf(trainee, course, complete_course):
    from django.test import Client

    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    assert client.post(reverse("courses:renew", args=[course.pk])).status_code == 403
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1


def test_coverage_counts_a_renewed_person_once(trainee, course, complete_course):
    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    enrolment_renew(user=trainee, course=course)
    complete_course(trainee, course)  # the second cycle completed too
    assert (
        Enrolment.objects.filter(user=trainee, course=course, completed_at__isnull=False).count()
        == 2
    )
    counts = measure_counts(CoverageFilter())
    assert counts[trainee.agency_id]["enrolled"] == 1
    assert counts[trainee.agency_id]["completed"] == 1


def test_recompute_evaluates_only_the_current_cycle(trainee, course, complete_course):
    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    renewed = enrolment_renew(user=trainee, course=course)
    for lesson in LessonPage.objects.child_of(course):
        ActivityCompletion.objects.create(enrolment=renewed, page=lesson)
    assert completion_recompute(course=course) == 1
    renewed.refresh_from_db()
    assert renewed.completed_at is not None


def _attend_session(user, course, *, days_ago):
    from courses.models import Attendance, ClassSession, TrainingClass

    training_class = TrainingClass.objects.create(course=course, title="Lớp tập trung")
    start = timezone.now() - timedelta(days=days_ago)
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue="Hội trường Sở KH&CN",
    )
    Attendance.objects.create(session=session, user=user, status="present")


def test_renewal_needs_attendance_of_its_own_cycle(trainee, make_course, complete_course):
    from courses.learning.progress import activity_mark_done

    course = make_course(requires_attendance=True)
    _attend_session(trainee, course, days_ago=30)
    complete_course(trainee, course, at=timezone.now() - timedelta(days=29))
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    renewed = enrolment_renew(user=trainee, course=course)
    for lesson in LessonPage.objects.child_of(course):
        activity_mark_done(user=trainee, page=lesson)
    renewed.refresh_from_db()
    assert renewed.completed_at is None  # last cycle's session does not count again
    _attend_session(trainee, course, days_ago=0)
    assert completion_recompute(course=course) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_renewal_clicks_make_one_cycle(trainee, course, complete_course):
    from tests.conftest import run_concurrently

    complete_course(trainee, course)
    certificate = certificate_issue(user=trainee, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    results, errors = run_concurrently(4, lambda: enrolment_renew(user=trainee, course=course).pk)
    assert errors == []
    assert len(set(results)) == 1
    cycles = Enrolment.objects.filter(user=trainee, course=course)
    assert sorted(cycles.values_list("cycle", "is_current")) == [(1, False), (2, True)]

from datetime import timedelta

import pytest

from django.apps import apps
from django.utils import timezone

from courses.learning.completion import completion_evaluate, completion_recompute
from courses.learning.enrolment import enrolment_create
from courses.learning.progress import activity_mark_done
from courses.learning.signals import course_completed
from courses.learning.tasks import recompute_completions
from courses.models import (
    ActivityCompletion,
    Attendance,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    TrainingClass,
)


@pytest.fixture
def completions_sent():
    sent = []

    def listener(sender, enrolment, **kwargs):
        sent.append(enrolment.pk)

    course_completed.connect(listener, dispatch_uid="test-completion-listener")
    yield sent
    course_completed.disconnect(dispatch_uid="test-completion-listener")


def _lessons(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


def _attend(user, course, status):
    training_class = TrainingClass.objects.create(course=course, title="Lớp tập trung")
    start = timezone.now()
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue="Hội trường Sở KH&CN",
    )
    return Attendance.objects.create(session=session, user=user, status=status)


@pytest.mark.django_db
def test_course_completes_when_every_lesson_is_done(trainee, course):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    *first, last = _lessons(course)
    for lesson in first:
        activity_mark_done(user=trainee, page=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    activity_mark_done(user=trainee, page=last)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.status == EnrolmentStatus.COMPLETED


@pytest.mark.django_db
def test_optional_lesson_is_not_needed_for_completion(trainee, course):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    *required, optional = _lessons(course)
    optional.is_required = False
    optional.save_revision().publish()
    for lesson in required:
        activity_mark_done(user=trainee, page=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


@pytest.mark.django_db
def test_unpublished_lesson_is_not_required(trainee, course):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    *required, draft = _lessons(course)
    draft.unpublish()
    for lesson in required:
        activity_mark_done(user=trainee, page=lesson)
    assert completion_evaluate(enrolment=enrolment) is True


@pytest.mark.django_db
def test_required_quiz_page_is_part_of_the_rule(trainee, course):
    QuizPage = apps.get_model("quizzes", "QuizPage")
    quiz = QuizPage(title="Bài kiểm tra cuối khóa", slug="kiem-tra")
    course.add_child(instance=quiz)
    quiz.save_revision().publish()
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    for lesson in _lessons(course):
        activity_mark_done(user=trainee, page=lesson)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    activity_mark_done(user=trainee, page=quiz)  # what the quiz feature calls on a pass
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "completes"), [(None, False), ("absent", False), ("late", True), ("present", True)]
)
def test_course_requiring_attendance_needs_presence_at_a_session(
    trainee, make_course, status, completes
):
    course = make_course(requires_attendance=True)
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    if status:
        _attend(trainee, course, status)
    for lesson in _lessons(course):
        activity_mark_done(user=trainee, page=lesson)
    enrolment.refresh_from_db()
    assert (enrolment.completed_at is not None) is completes


@pytest.mark.django_db
def test_attendance_at_another_course_does_not_count(trainee, make_course):
    course = make_course(requires_attendance=True)
    _attend(trainee, make_course(), "present")
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    for lesson in _lessons(course):
        activity_mark_done(user=trainee, page=lesson)
    assert completion_evaluate(enrolment=enrolment) is False


@pytest.mark.django_db
def test_attendance_marked_after_lessons_completes_on_evaluation(trainee, make_course):
    course = make_course(requires_attendance=True)
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    for lesson in _lessons(course):
        activity_mark_done(user=trainee, page=lesson)
    _attend(trainee, course, "present")
    assert completion_evaluate(enrolment=enrolment) is True


@pytest.mark.django_db
def test_completion_is_recorded_once_and_signal_sent_once(
    trainee, course, completions_sent, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in _lessons(course):
            activity_mark_done(user=trainee, page=lesson)
        activity_mark_done(user=trainee, page=_lessons(course)[0])
    enrolment.refresh_from_db()
    first_completed_at = enrolment.completed_at
    stale = Enrolment.objects.get(pk=enrolment.pk)
    stale.completed_at = None  # a caller holding an old copy evaluates again
    with django_capture_on_commit_callbacks(execute=True):
        assert completion_evaluate(enrolment=stale) is True
        completion_recompute()
    enrolment.refresh_from_db()
    assert enrolment.completed_at == first_completed_at
    assert completions_sent == [enrolment.pk]
    assert ActivityCompletion.objects.filter(enrolment=enrolment).count() == 3


@pytest.mark.django_db
def test_marking_done_without_enrolment_records_nothing(trainee, course):
    assert activity_mark_done(user=trainee, page=_lessons(course)[0]) is None
    assert not ActivityCompletion.objects.exists()


@pytest.mark.django_db
def test_recompute_task_completes_after_rule_change_and_is_safe_twice(
    trainee, course, completions_sent, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    *done, remaining = _lessons(course)
    for lesson in done:
        activity_mark_done(user=trainee, page=lesson)
    remaining.is_required = False  # the editor makes the last lesson optional
    remaining.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute_completions.delay(course_id=course.pk).get() == 1
        assert recompute_completions.delay().get() == 0
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert completions_sent == [enrolment.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_complete_once(trainee, course, completions_sent):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    for lesson in _lessons(course):
        ActivityCompletion.objects.create(enrolment=enrolment, page=lesson)
    barrier = threading.Barrier(4)
    results = []

    def evaluate():
        try:
            copy = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
            barrier.wait()
            results.append(completion_evaluate(enrolment=copy))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=evaluate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4
    assert completions_sent == [enrolment.pk]

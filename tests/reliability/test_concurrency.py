"""Simultaneous requests for the same enrolments leave exactly one row each and no error."""

import pytest

from courses.learning.enrolment import enrolment_bulk_create, enrolment_create
from courses.models import Enrolment
from lms.accounts import roles
from tests.conftest import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_bulk_enrolment_of_the_same_list(make_user, make_course, agency_tree):
    course = make_course(lessons=1)
    trainer = make_user(roles.TRAINER)
    people = [make_user(agency=agency_tree["department"]) for _ in range(25)]
    data = ("Email\n" + "\n".join(person.email for person in people)).encode("utf-8-sig")

    results, errors = run_concurrently(
        4, lambda: enrolment_bulk_create(course=course, data=data, filename="ds.csv", actor=trainer)
    )
    assert errors == []
    assert all(result.errors == [] for result in results)
    assert sum(result.created for result in results) == len(people)
    assert Enrolment.objects.filter(course=course).count() == len(people)


def test_concurrent_self_enrolment_clicks(make_user, make_course):
    course = make_course(lessons=1)
    trainee = make_user()
    results, errors = run_concurrently(
        6, lambda: enrolment_create(user=trainee, course=course, source="self")
    )
    assert errors == []
    assert len({enrolment.pk for enrolment in results}) == 1
    assert Enrolment.objects.filter(course=course, user=trainee).count() == 1


def test_concurrent_double_click_on_attendance_writes_each_mark_once(make_user, make_course):
    """The same marking POST four times at once: each row is written and audited once."""
    from datetime import timedelta

    from django.utils import timezone

    from courses.classes.attendance import SessionRef, attendance_mark
    from courses.models import Attendance, ClassMember, ClassSession, TrainingClass
    from lms.core.models import AuditEvent

    trainer = make_user(roles.TRAINER)
    training_class = TrainingClass.objects.create(course=make_course(lessons=1), title="Lớp")
    training_class.trainers.add(trainer)
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=4),
        venue="Hội trường",
    )
    people = [make_user() for _ in range(20)]
    ClassMember.objects.bulk_create(
        ClassMember(training_class=training_class, user=person) for person in people
    )
    ref = SessionRef.of(session)
    marks = {person.pk: ("present", "") for person in people}
    loaded = {person.pk: (None, "") for person in people}  # the page showed nobody marked

    results, errors = run_concurrently(
        4, lambda: attendance_mark(session=ref, marks=marks, actor=trainer, loaded=loaded)
    )

    assert errors == []
    assert sum(result.changed for result in results) == len(people)
    assert all(result.kept == [] for result in results)  # same marks: nothing to report
    assert Attendance.objects.filter(session=session, status="present").count() == len(people)
    assert AuditEvent.objects.filter(verb="attendance.mark").count() == len(people)

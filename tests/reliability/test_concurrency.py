"""Simultaneous requests for the same enrolments leave exactly one row each and no error."""

import pytest

from courses.models import Enrolment
from courses.services.enrolment import enrolment_bulk_create, enrolment_create
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

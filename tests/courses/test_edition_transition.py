"""An edition transition from opening to deadline: who is listed, bulk enrolment and e-mail,
the verify page and coverage after the deadline."""

import datetime as dt

import pytest

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from courses.certificates.transitions import transition_open, transition_people
from courses.models import Certificate, EditionTransition, Enrolment
from lms.accounts import roles
from lms.core.models import AuditEvent
from lms.coverage.selectors import CoverageFilter, coverage_by_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def editions(make_course, make_user, make_certificate, agency_tree):
    old = make_course(lessons=0, edition="9001:2008", slug="nhan-thuc-2008")
    new = make_course(lessons=0, edition="9001:2015", slug="nhan-thuc-2015")
    department = agency_tree["department"]
    only_old = make_user(agency=department, full_name="Nguyễn Văn Cũ")
    make_certificate(only_old, old, issued_days_ago=4000)
    both = make_user(agency=department, full_name="Trần Thị Hai")
    make_certificate(both, old, issued_days_ago=4000)
    make_certificate(both, new, issued_days_ago=30)
    revoked = make_user(agency=agency_tree["commune_a"], full_name="Lê Văn Thu Hồi")
    make_certificate(revoked, old, issued_days_ago=4000, revoked=True)
    return {"old": old, "new": new, "only_old": only_old, "both": both}


def _open(officer, course, *, days):
    return transition_open(
        actor=officer,
        track="awareness",
        from_edition="9001:2008",
        to_edition="9001:2015",
        course=course,
        deadline=timezone.localdate() + dt.timedelta(days=days),
    )


def test_people_with_only_the_old_edition_are_listed(editions, officer):
    transition = _open(officer, editions["new"], days=90)
    assert transition_people(transition) == [editions["only_old"]]
    assert AuditEvent.objects.filter(verb="transition.open").exists()


def test_transition_course_must_teach_the_new_edition(editions, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _open(officer, editions["old"], days=90)
    assert not EditionTransition.objects.exists()


def test_officer_opens_a_transition_and_enrols_everyone_with_one_email_each(
    client, editions, officer
):
    client.force_login(officer)
    response = client.post(
        "/coverage/transitions/",
        {
            "track": "awareness",
            "from_edition": "9001:2008",
            "to_edition": "9001:2015",
            "course": editions["new"].pk,
            "deadline": "31/12/2027",
        },  # fmt: skip
    )
    transition = EditionTransition.objects.get()
    assert response.url == f"/coverage/transitions/{transition.pk}/"
    page = client.get(response.url).content.decode()
    assert "Nguyễn Văn Cũ" in page and "Trần Thị Hai" not in page and "Sở Tư pháp" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/coverage/transitions/{transition.pk}/enrol/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/coverage/transitions/{transition.pk}/enrol/")  # twice: nothing more
    assert Enrolment.objects.filter(course=editions["new"]).count() == 1
    assert [m.to for m in mail.outbox] == [[editions["only_old"].email]]
    assert "31/12/2027" in mail.outbox[0].body


def test_after_the_deadline_old_certificates_are_superseded(client, editions, officer):
    certificate = Certificate.objects.get(user=editions["only_old"])
    before = {row.code: row for row in coverage_by_agency(CoverageFilter(track="awareness"))}
    assert before["P-STP"].certified == 2
    verify = client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'data-status="valid"' in verify

    _open(officer, editions["new"], days=-1)  # the deadline was yesterday
    verify = client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'data-status="superseded"' in verify and "TCVN ISO 9001:2015" in verify
    after = {row.code: row for row in coverage_by_agency(CoverageFilter(track="awareness"))}
    assert after["P-STP"].certified == 1  # only the 2015 holder still counts


def test_only_officers_run_transitions(client, editions, make_user):
    for role in (roles.TRAINER, roles.SECRETARY, roles.EDITOR):
        client.force_login(make_user(role))
        assert client.get("/coverage/transitions/").status_code == 403

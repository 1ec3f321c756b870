"""Staff run classes without the superuser: officers open classes, trainers schedule sessions
of the classes they teach, cancelling e-mails the roster."""

import datetime as dt

import pytest

from django.core import mail
from django.utils import timezone

from courses.models import ClassSession, TrainingClass
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _when(days=3, hour=8):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour)).strftime("%Y-%m-%dT%H:%M")


def _session_data(**changes):
    data = {
        "title": "Buổi 1",
        "starts_at": _when(hour=8),
        "ends_at": _when(hour=11),
        "venue": "Hội trường Sở KH&CN",
        "checkin_opens_minutes": 30,
        "checkin_closes_minutes": 120,
        "late_after_minutes": 15,
    }
    return {**data, **changes}


def test_officer_opens_a_class_and_schedules_its_first_session(client, officer, course, trainer):
    client.force_login(officer)
    assert "Lớp mới" in client.get("/classes/").content.decode()
    response = client.post(
        "/classes/new/",
        {
            "course": course.pk,
            "title": "Lớp thư ký ISO 2027",
            "trainers": [trainer.pk],
            "capacity": 50,
        },  # fmt: skip
    )
    training_class = TrainingClass.objects.get(title="Lớp thư ký ISO 2027")
    assert response.url == f"/classes/{training_class.pk}/sessions/new/"
    assert list(training_class.trainers.all()) == [trainer]
    response = client.post(response.url, _session_data())
    session = ClassSession.objects.get(training_class=training_class)
    assert response.url == f"/classes/sessions/{session.pk}/"
    assert timezone.localtime(session.starts_at).hour == 8
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"class.create", "session.create"} <= verbs


def test_trainer_edits_sessions_of_their_class_only(client, trainer, class_session, make_user):
    from lms.accounts import roles

    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/edit/"
    response = client.post(url, _session_data(venue="Phòng 201"))
    assert response.status_code == 302
    class_session.refresh_from_db()
    assert class_session.venue == "Phòng 201"
    events = AuditEvent.objects.filter(verb="session.update").count()
    client.post(url, _session_data(venue="Phòng 201"))  # saved unchanged
    assert AuditEvent.objects.filter(verb="session.update").count() == events
    other = make_user(roles.TRAINER, is_staff=True)
    client.force_login(other)
    assert client.post(url, _session_data(venue="Nơi khác")).status_code == 404
    assert client.get("/classes/new/").status_code == 404  # trainers do not open classes
    class_session.refresh_from_db()
    assert class_session.venue == "Phòng 201"


def test_a_session_that_ends_before_it_starts_is_refused(client, trainer, training_class):
    client.force_login(trainer)
    response = client.post(
        f"/classes/{training_class.pk}/sessions/new/",
        _session_data(starts_at=_when(hour=11), ends_at=_when(hour=8)),
    )
    assert response.status_code == 200
    assert "Giờ kết thúc phải sau giờ bắt đầu" in response.content.decode()
    assert not ClassSession.objects.filter(training_class=training_class).exists()


def test_cancelling_a_session_emails_its_roster_once(
    client, trainer, class_session, add_member, make_user
):
    people = [make_user(full_name=f"Học Viên {n}") for n in range(3)]
    add_member(class_session.training_class, *people)
    client.force_login(trainer)
    url = f"/classes/sessions/{class_session.pk}/cancel/"
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(url)
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(url)  # double click
    class_session.refresh_from_db()
    assert class_session.status == "cancelled"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert "Hủy buổi học" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(verb="session.cancel").count() == 1


def test_officers_and_editors_find_the_classes_page_in_their_menu(client, officer, editor):
    for person in (officer, editor):
        client.force_login(person)
        page = client.get("/certificates/").content.decode()
        assert 'href="/classes/"' in page
        assert client.get("/classes/").status_code == 200


def test_every_admin_link_shown_opens(client, trainer, officer, secretary):
    """Trainers schedule their sessions in the admin, so they see its link and it opens;
    a secretary has nothing there and sees no link."""
    for person in (trainer, officer):
        client.force_login(person)
        assert 'href="/admin/"' in client.get("/classes/").content.decode()
        assert client.get("/admin/").status_code == 200
    client.force_login(secretary)
    page = client.get("/certificates/").content.decode()
    assert 'href="/coverage/"' in page  # the menu is there, without the admin link
    assert 'href="/admin/"' not in page

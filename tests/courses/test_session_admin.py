"""Trainers and DOST officers schedule sessions in the Wagtail admin with the site's rule and
the site's write: a trainer sees and edits only the sessions of the classes they teach, and a
session moved from either door e-mails its roster of the new time and place."""

import datetime as dt

import pytest

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from courses.models import ClassSession, SessionReminder, TrainingClass
from lms.accounts import roles
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/courses/classsession/"
ADD_URL = LIST_URL + "add/"


def _edit_url(session):
    return f"{LIST_URL}edit/{session.pk}/"


def _when(days=3, hour=8):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour))


def _admin_data(session=None, **changes):
    data = {
        "training_class": session.training_class_id if session else "",
        "title": "Buổi 1",
        "starts_at": _when(hour=8).strftime("%Y-%m-%d %H:%M"),
        "ends_at": _when(hour=11).strftime("%Y-%m-%d %H:%M"),
        "venue": session.venue if session else "Hội trường Sở KH&CN",
        "status": "planned",
        "checkin_opens_minutes": 30,
        "checkin_closes_minutes": 120,
        "late_after_minutes": 15,
    }
    return {**data, **changes}


def _site_data(**changes):
    data = {
        "title": "Buổi 1",
        "starts_at": _when(hour=8).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": _when(hour=11).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Hội trường Sở KH&CN",
        "checkin_opens_minutes": 30,
        "checkin_closes_minutes": 120,
        "late_after_minutes": 15,
    }
    return {**data, **changes}


@pytest.fixture
def planned_session(training_class):
    return ClassSession.objects.create(
        training_class=training_class,
        title="Buổi 1",
        starts_at=timezone.make_aware(_when(hour=8)),
        ends_at=timezone.make_aware(_when(hour=11)),
        venue="Hội trường Sở KH&CN",
    )


@pytest.fixture
def roster(planned_session, add_member, make_user):
    people = [make_user(full_name=f"Học Viên {n}") for n in range(2)]
    add_member(planned_session.training_class, *people)
    return people


@pytest.fixture
def other_session(course, make_user):
    """A session of a class someone else teaches."""
    other_trainer = make_user(roles.TRAINER, is_staff=True)
    other_class = TrainingClass.objects.create(course=course, title="Lớp của người khác")
    other_class.trainers.add(other_trainer)
    return ClassSession.objects.create(
        training_class=other_class,
        starts_at=timezone.make_aware(_when(days=5, hour=8)),
        ends_at=timezone.make_aware(_when(days=5, hour=11)),
        venue="Phòng họp UBND tỉnh",
    )


def _post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


# --- the site's door ----------------------------------------------------------------------


def test_moving_a_session_on_the_site_emails_its_roster_once(
    client, trainer, planned_session, roster
):
    client.force_login(trainer)
    url = f"/classes/sessions/{planned_session.pk}/edit/"
    response = _post(client, url, _site_data(venue="Phòng 201, Sở KH&CN"))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in roster)
    assert "Đổi lịch buổi học" in mail.outbox[0].subject
    assert "Phòng 201, Sở KH&CN" in mail.outbox[0].body
    _post(client, url, _site_data(venue="Phòng 201, Sở KH&CN"))  # saved unchanged
    _post(client, url, _site_data(venue="Phòng 201, Sở KH&CN", title="Buổi 1 (sáng)"))
    assert len(mail.outbox) == 2  # neither an unchanged save nor a new title is a move


def test_one_move_saved_twice_at_once_tells_the_roster_once(trainer, planned_session, roster):
    """A double click: both requests read the session before either saved it."""
    from courses.classes.sessions import session_before, session_save

    first, second = (ClassSession.objects.get(pk=planned_session.pk) for _ in range(2))
    befores = [session_before(first), session_before(second)]
    # Meanwhile the reminder run marks the roster reminded; the edits must not undo it.
    ClassSession.objects.filter(pk=planned_session.pk).update(reminder_sent_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        for copy, before in zip((first, second), befores, strict=True):
            copy.venue = "Phòng 201, Sở KH&CN"
            session_save(actor=trainer, session=copy, before=before)
    assert len(mail.outbox) == len(roster)
    assert AuditEvent.objects.filter(verb="session.update").count() == 1
    planned_session.refresh_from_db()
    assert planned_session.venue == "Phòng 201, Sở KH&CN"
    assert planned_session.reminder_sent_at is not None


def _seen_version(page: str) -> str:
    import re

    return re.search(r'name="seen_version" value="([0-9a-f]+)"', page).group(1)


@pytest.mark.parametrize("door", ["site", "admin"])
def test_a_form_opened_before_someone_elses_change_does_not_overwrite_it(
    client, trainer, officer, planned_session, roster, door
):
    """The trainer opens the form; an officer moves the session to another room; the
    trainer's save (a new title) must not quietly put the old room back."""
    from courses.classes.sessions import session_before, session_save

    client.force_login(trainer)
    if door == "site":
        url = f"/classes/sessions/{planned_session.pk}/edit/"
        data = _site_data(title="Buổi 1 (sáng)")
    else:
        url = _edit_url(planned_session)
        data = _admin_data(planned_session, title="Buổi 1 (sáng)")
    seen = _seen_version(client.get(url).content.decode())
    moved = ClassSession.objects.get(pk=planned_session.pk)
    before = session_before(moved)
    moved.venue = "Phòng 305, Trung tâm Kỹ thuật TĐC"
    session_save(actor=officer, session=moved, before=before)
    response = _post(client, url, {**data, "seen_version": seen})
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    planned_session.refresh_from_db()
    assert planned_session.venue == "Phòng 305, Trung tâm Kỹ thuật TĐC"
    assert planned_session.title == "Buổi 1"
    # Opened again, the form shows the new room and saves.
    seen = _seen_version(client.get(url).content.decode())
    data["venue"] = planned_session.venue
    assert _post(client, url, {**data, "seen_version": seen}).status_code == 302
    planned_session.refresh_from_db()
    assert planned_session.title == "Buổi 1 (sáng)"


def test_a_new_day_sends_the_reminder_again_for_that_day(client, trainer, planned_session, roster):
    SessionReminder.objects.create(session=planned_session, user=roster[0], sent_at=timezone.now())
    ClassSession.objects.filter(pk=planned_session.pk).update(reminder_sent_at=timezone.now())
    client.force_login(trainer)
    later = _site_data(starts_at=_when(days=6, hour=8).strftime("%Y-%m-%dT%H:%M"),
                       ends_at=_when(days=6, hour=11).strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    _post(client, f"/classes/sessions/{planned_session.pk}/edit/", later)
    planned_session.refresh_from_db()
    assert planned_session.reminder_sent_at is None
    assert not SessionReminder.objects.filter(session=planned_session).exists()


# --- the Wagtail admin's door -------------------------------------------------------------


def test_trainer_sees_only_the_sessions_of_their_classes(
    client, trainer, planned_session, other_session
):
    client.force_login(trainer)
    assert 'href="/admin/"' in client.get("/classes/").content.decode()
    assert client.get("/admin/").status_code == 200
    page = client.get(LIST_URL).content.decode()
    assert _edit_url(planned_session) in page
    assert _edit_url(other_session) not in page
    chooser = client.get("/admin/snippets/choose/courses/classsession/").json()["html"]
    assert "Buổi 1" in chooser
    assert "Lớp của người khác" not in chooser
    assert client.get(_edit_url(planned_session)).status_code == 200
    assert client.get(_edit_url(other_session)).status_code == 404
    assert client.get(f"{LIST_URL}history/{other_session.pk}/").status_code == 404
    assert client.get(f"{LIST_URL}copy/{other_session.pk}/").status_code != 200


def test_trainer_moves_their_session_in_the_admin_and_the_roster_hears(
    client, trainer, planned_session, roster
):
    client.force_login(trainer)
    data = _admin_data(planned_session, venue="Phòng 305, Trung tâm Kỹ thuật TĐC")
    response = _post(client, _edit_url(planned_session), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    planned_session.refresh_from_db()
    assert planned_session.venue == "Phòng 305, Trung tâm Kỹ thuật TĐC"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in roster)
    assert "Phòng 305, Trung tâm Kỹ thuật TĐC" in mail.outbox[0].body
    event = AuditEvent.objects.get(verb="session.update")
    assert event.actor_id == trainer.pk
    assert event.after == {"venue": "Phòng 305, Trung tâm Kỹ thuật TĐC"}


def test_trainer_is_refused_someone_elses_session_in_the_admin(
    client, trainer, planned_session, other_session
):
    client.force_login(trainer)
    response = _post(client, _edit_url(other_session), _admin_data(other_session, venue="X"))
    assert response.status_code == 404
    other_session.refresh_from_db()
    assert other_session.venue == "Phòng họp UBND tỉnh"
    # Nor can they move their own session into that class, or add one to it.
    moved = _admin_data(planned_session, training_class=other_session.training_class_id)
    assert _post(client, _edit_url(planned_session), moved).status_code == 200
    planned_session.refresh_from_db()
    assert planned_session.training_class_id != other_session.training_class_id
    added = _admin_data(training_class=other_session.training_class_id, title="Chen vào")
    assert _post(client, ADD_URL, added).status_code == 200
    assert not ClassSession.objects.filter(title="Chen vào").exists()
    assert not mail.outbox


def test_no_admin_url_names_someone_elses_session_to_a_trainer(
    client, trainer, planned_session, other_session
):
    """Every admin door that takes a session id: the one with its own get_object (edit,
    history, usage), and the chooser's and the bulk delete's, which look up by id."""
    client.force_login(trainer)
    chosen = "/admin/snippets/choose/courses/classsession/chosen/{}/"
    bulk_delete = "/admin/bulk/courses/classsession/delete/?id={}"
    for view in ("edit", "history", "usage"):
        assert client.get(f"{LIST_URL}{view}/{other_session.pk}/").status_code == 404
    for url in (chosen, bulk_delete):
        response = client.get(url.format(other_session.pk))
        assert response.status_code == 404
        assert "Lớp của người khác" not in response.content.decode()
    mine = client.get(chosen.format(planned_session.pk))
    assert mine.status_code == 200 and mine.json()["result"]["string"] == "Buổi 1"
    assert client.get(bulk_delete.format(planned_session.pk)).status_code == 200
    assert client.post(bulk_delete.format(other_session.pk)).status_code == 404
    assert client.get(f"{LIST_URL}copy/{other_session.pk}/").status_code == 302  # refused
    assert ClassSession.objects.filter(pk=other_session.pk).exists()


def test_trainer_adds_a_session_to_their_class_in_the_admin(client, trainer, training_class):
    client.force_login(trainer)
    data = _admin_data(training_class=training_class.pk, title="Buổi 2")
    response = _post(client, ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session = ClassSession.objects.get(title="Buổi 2")
    assert timezone.localtime(session.starts_at).hour == 8
    assert AuditEvent.objects.filter(verb="session.create", actor=trainer).count() == 1


def test_a_session_ending_before_it_starts_is_refused_in_the_admin(client, trainer, training_class):
    client.force_login(trainer)
    data = _admin_data(
        training_class=training_class.pk,
        title="Ngược giờ",
        starts_at=_when(hour=11).strftime("%Y-%m-%d %H:%M"),
        ends_at=_when(hour=8).strftime("%Y-%m-%d %H:%M"),
    )
    response = _post(client, ADD_URL, data)
    assert response.status_code == 200
    assert "Giờ kết thúc phải sau giờ bắt đầu" in response.content.decode()
    assert not ClassSession.objects.filter(title="Ngược giờ").exists()


def test_officer_cancels_any_session_in_the_admin_and_its_roster_is_told(
    client, officer, planned_session, roster
):
    client.force_login(officer)
    data = _admin_data(planned_session, status="cancelled")
    assert _post(client, _edit_url(planned_session), data).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in roster)
    assert "Hủy buổi học" in mail.outbox[0].subject


def test_trainees_and_secretaries_do_not_reach_the_sessions_admin(
    client, planned_session, secretary, make_user
):
    for person in (make_user(), secretary):
        client.force_login(person)
        assert client.get(LIST_URL).status_code in (302, 403)
        assert client.get(_edit_url(planned_session)).status_code in (302, 403)

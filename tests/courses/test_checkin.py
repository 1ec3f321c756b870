"""QR self check-in: rotating tokens, window, roster, idempotence; calendar and reminders."""

import time
from datetime import timedelta

import pytest

from django.core import mail
from django.utils import timezone

from courses.classes.tokens import calendar_token, checkin_token, checkin_token_is_valid
from courses.models import Attendance, ClassMember, ClassSession


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The limits live in the process-wide cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def on_roster(class_session, trainee, add_member):
    add_member(class_session.training_class, trainee)
    return trainee


def test_checkin_marks_present_once(client, class_session, on_roster):
    client.force_login(on_roster)
    url = f"/checkin/{checkin_token(class_session)}/"

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert "có mặt" in first.content.decode()
    assert "đã điểm danh" in second.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.status, attendance.method) == ("present", "qr")


def test_checkin_after_threshold_is_late(client, class_session, on_roster):
    class_session.starts_at = timezone.now() - timedelta(minutes=40)
    class_session.save()
    client.force_login(on_roster)

    client.get(f"/checkin/{checkin_token(class_session)}/")

    assert Attendance.objects.get().status == "late"


def _session_with(class_session, **minutes):
    """The fixture's session with its own thresholds, none of them a model default."""
    for field, value in minutes.items():
        setattr(class_session, field, value)
    class_session.save()
    return class_session


@pytest.mark.parametrize(
    ("after_start", "expected"),
    [
        (timedelta(minutes=16, seconds=59), "present"),
        (timedelta(minutes=17), "present"),  # late only once the threshold has passed
        (timedelta(minutes=17, seconds=1), "late"),
        (timedelta(minutes=29), "late"),
    ],
    ids=["16m59s", "17m00s", "17m01s", "29m00s"],
)
def test_checkin_late_follows_the_sessions_own_threshold(
    class_session, on_roster, after_start, expected
):
    from courses.classes.attendance import attendance_check_in

    session = _session_with(class_session, late_after_minutes=17)
    result = attendance_check_in(
        session=session, user=on_roster, now=session.starts_at + after_start
    )
    assert result.attendance.status == expected


def test_checkin_late_threshold_over_http(client, class_session, on_roster):
    # 18 minutes after the start with a 17-minute threshold: late (the default would say present).
    _session_with(class_session, late_after_minutes=17)
    ClassSession.objects.filter(pk=class_session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=18)
    )
    client.force_login(on_roster)

    client.get(f"/checkin/{checkin_token(class_session)}/")

    assert Attendance.objects.get().status == "late"


@pytest.mark.parametrize(
    ("offset", "opens"),
    [
        (-timedelta(minutes=23, seconds=1), False),
        (-timedelta(minutes=23), True),
        (timedelta(minutes=47), True),
        (timedelta(minutes=47, seconds=1), False),
    ],
    ids=["23m01s-before", "23m00s-before", "47m00s-after", "47m01s-after"],
)
def test_checkin_window_follows_the_sessions_own_minutes(class_session, on_roster, offset, opens):
    from courses.classes.attendance import AttendanceError, attendance_check_in

    session = _session_with(class_session, checkin_opens_minutes=23, checkin_closes_minutes=47)
    moment = session.starts_at + offset
    if opens:
        attendance_check_in(session=session, user=on_roster, now=moment)
        assert Attendance.objects.filter(session=session, user=on_roster).count() == 1
    else:
        with pytest.raises(AttendanceError):
            attendance_check_in(session=session, user=on_roster, now=moment)
        assert not Attendance.objects.exists()


def test_checkin_anonymous_goes_to_login_and_back(client, class_session):
    url = f"/checkin/{checkin_token(class_session)}/"
    response = client.get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=" in response["Location"]


def test_token_expires_after_two_windows_and_old_token_is_refused(client, class_session, on_roster):
    now = time.time()
    old = checkin_token(class_session, now=now - 90)

    assert checkin_token_is_valid(
        class_session, checkin_token(class_session, now=now - 30), now=now
    )
    assert not checkin_token_is_valid(class_session, old, now=now)
    client.force_login(on_roster)
    response = client.get(f"/checkin/{old}/")
    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_token_of_one_session_does_not_open_another(class_session, training_class):
    other = ClassSession.objects.create(
        training_class=training_class,
        starts_at=class_session.starts_at,
        ends_at=class_session.ends_at,
        venue="Phòng khác",
    )
    forged = checkin_token(class_session).replace(f"{class_session.pk}-", f"{other.pk}-", 1)
    assert not checkin_token_is_valid(other, forged)


def test_checkin_to_future_session_is_refused(client, class_session, on_roster):
    class_session.starts_at = timezone.now() + timedelta(days=1)
    class_session.ends_at = class_session.starts_at + timedelta(hours=8)
    class_session.save()
    client.force_login(on_roster)

    response = client.get(f"/checkin/{checkin_token(class_session)}/")

    assert "Chưa đến giờ điểm danh" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_checkin_to_closed_session_is_refused(client, class_session, on_roster):
    class_session.status = "closed"
    class_session.save()
    client.force_login(on_roster)

    response = client.get(f"/checkin/{checkin_token(class_session)}/")

    assert "đã kết thúc" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_checkin_not_on_roster_gets_clear_message(client, class_session, other_trainee):
    client.force_login(other_trainee)
    response = client.get(f"/checkin/{checkin_token(class_session)}/")

    assert "không có trong danh sách lớp" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_checkin_walk_in_allowed_by_class(client, class_session, other_trainee):
    class_session.training_class.allow_walk_in = True
    class_session.training_class.save()
    client.force_login(other_trainee)

    client.get(f"/checkin/{checkin_token(class_session)}/")

    assert ClassMember.objects.get(user=other_trainee).is_walk_in
    assert Attendance.objects.get(user=other_trainee).status == "present"


def test_checkin_is_rate_limited(client, class_session, on_roster):
    client.force_login(on_roster)
    statuses = [client.get("/checkin/1-1-bad/").status_code for _ in range(12)]

    assert statuses[:10] == [400] * 10
    assert statuses[-1] == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkins_leave_one_row_and_no_error(class_session, on_roster):
    import threading

    from django.db import connection

    from courses.classes.attendance import attendance_check_in

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    errors, barrier = [], threading.Barrier(6)

    def scan():
        try:
            barrier.wait()
            attendance_check_in(session=class_session, user=on_roster)
        except Exception as error:  # noqa: BLE001 - any error is the failure we look for
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Attendance.objects.filter(session=class_session, user=on_roster).count() == 1


def test_qr_image_is_svg_for_the_trainer_only(client, trainer, trainee, class_session):
    client.force_login(trainer)
    response = client.get(f"/classes/sessions/{class_session.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Checkin-Url"].startswith("http://testserver/checkin/")
    client.force_login(trainee)
    assert client.get(f"/classes/sessions/{class_session.pk}/qr.svg").status_code == 404


def test_calendar_feed_lists_own_sessions(client, class_session, on_roster, trainer, other_trainee):
    from icalendar import Calendar

    response = client.get(f"/classes/calendar/{calendar_token(on_roster)}.ics")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["location"]) for event in events] == ["Hội trường Sở Khoa học và Công nghệ"]

    teaching = Calendar.from_ical(
        client.get(f"/classes/calendar/{calendar_token(trainer)}.ics").content
    )
    assert len(teaching.walk("VEVENT")) == 1
    nothing = Calendar.from_ical(
        client.get(f"/classes/calendar/{calendar_token(other_trainee)}.ics").content
    )
    assert nothing.walk("VEVENT") == []
    assert client.get("/classes/calendar/forged:token.ics").status_code == 404


def test_reminders_sent_once_the_day_before(class_session, on_roster):
    from courses.classes.tasks import send_session_reminders

    tomorrow = timezone.localtime() + timedelta(days=1)
    class_session.starts_at = tomorrow.replace(hour=8, minute=0, second=0, microsecond=0)
    class_session.ends_at = class_session.starts_at + timedelta(hours=9)
    class_session.save()

    assert send_session_reminders() == 1
    assert send_session_reminders() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [on_roster.email]
    assert "Lớp bồi dưỡng thư ký ISO" in mail.outbox[0].subject
    class_session.refresh_from_db()
    assert class_session.reminder_sent_at is not None


def test_qr_image_is_a_standalone_svg_document(client, trainer, class_session):
    """Served to an <img>, the SVG must declare its namespace or browsers show a broken image."""
    client.force_login(trainer)
    body = client.get(f"/classes/sessions/{class_session.pk}/qr.svg").content
    assert b'xmlns="http://www.w3.org/2000/svg"' in body

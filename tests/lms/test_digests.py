"""Reports that arrive by themselves: the monthly digest and the missed-session notice."""

import datetime as dt
import io
from smtplib import SMTPServerDisconnected

import pytest
from openpyxl import load_workbook

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from courses.models import Attendance, ClassSession
from lms.accounts import roles
from lms.core.models import Notice
from lms.coverage.digests import digests_send, missed_sessions_notify
from lms.coverage.tasks import send_monthly_digests

MONTH = dt.date(2026, 12, 1)


@pytest.fixture
def readers(coverage_scenario, make_user):
    secretary = make_user(
        roles.SECRETARY, agency=coverage_scenario["district"], full_name="Lê Minh Đức"
    )
    officer = make_user(roles.DOST_OFFICER, agency=coverage_scenario["province"])
    quiet = make_user(roles.SECRETARY, agency=coverage_scenario["department"])
    quiet.receives_digest = False
    quiet.save()
    return {"secretary": secretary, "officer": officer, "quiet": quiet}


def _attachment_rows(message):
    _name, content, _type = message.attachments[0]
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_secretary_digest_names_who_has_not_started_and_expiring_certificates(readers):
    assert digests_send(month=MONTH) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    digest = by_recipient[readers["secretary"].email]
    assert "12/2026" in digest.subject and "Huyện Tam Đảo" in digest.subject
    # Ngô Văn Giang enrolled (u7): started. Nobody else of the district has no record, except
    # the secretary, who has not started either.
    assert "Lê Minh Đức" in digest.body.split("chưa bắt đầu học")[1].split("chứng nhận hết hạn")[0]
    assert "Ngô Văn Giang" not in digest.body
    assert "Phạm Văn Cường" in digest.body  # u4, certificate expires in 30 days (merged commune)
    assert "Trần Thị Bình" not in digest.body  # another agency
    rows = [row for row in _attachment_rows(digest) if row and row[0]]
    codes = {row[0] for row in rows}
    assert {"P-TD", "P-TD-HS"} <= codes and "P-STP" not in codes
    assert readers["quiet"].email not in by_recipient  # turned off in the profile


def test_officer_gets_the_province_summary(readers):
    digests_send(month=MONTH)
    digest = next(m for m in mail.outbox if m.to == [readers["officer"].email])
    assert "toàn tỉnh" in digest.subject
    codes = {row[0] for row in _attachment_rows(digest) if row and row[0]}
    assert {"P", "P-STP", "P-TD"} <= codes


def test_digest_is_sent_once_a_month_even_when_run_again(readers):
    digests_send(month=MONTH)
    assert digests_send(month=MONTH) == 0
    assert len(mail.outbox) == 2
    assert digests_send(month=dt.date(2027, 1, 1)) == 2


class FailingAfterOne(EmailBackend):
    sent = 0

    def send_messages(self, messages):
        if FailingAfterOne.sent >= 1:
            raise SMTPServerDisconnected("connection lost")
        FailingAfterOne.sent += 1
        return super().send_messages(messages)


def test_mail_server_failure_half_way_sends_the_rest_on_retry(readers, settings):
    settings.EMAIL_BACKEND = "tests.lms.test_digests.FailingAfterOne"
    FailingAfterOne.sent = 0
    with pytest.raises(SMTPServerDisconnected):
        digests_send(month=MONTH)
    assert len(mail.outbox) == 1 and Notice.objects.count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_monthly_digests.apply(kwargs={"month": MONTH.isoformat()}).get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [readers["secretary"].email, readers["officer"].email]
    )


def test_digest_can_be_turned_off_in_the_profile(client, readers):
    secretary = readers["secretary"]
    client.force_login(secretary)
    page = client.get("/accounts/profile/")
    assert 'name="receives_digest"' in page.content.decode()
    client.post(
        "/accounts/profile/", {"full_name": secretary.full_name, "position": "", "phone": ""}
    )
    secretary.refresh_from_db()
    assert secretary.receives_digest is False
    digests_send(month=MONTH)
    assert [m.to[0] for m in mail.outbox] == [readers["officer"].email]


def test_secretary_is_told_who_missed_a_rostered_session(
    training_class, add_member, make_user, agency_tree
):
    secretary = make_user(roles.SECRETARY, agency=agency_tree["district"])
    other_secretary = make_user(roles.SECRETARY, agency=agency_tree["department"])
    came = make_user(agency=agency_tree["commune_a"], full_name="Đỗ Văn Có")
    missed = make_user(agency=agency_tree["commune_b"], full_name="Vũ Thị Vắng")
    add_member(training_class, came, missed)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(8)))
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
        venue="Hội trường",
    )
    Attendance.objects.create(session=session, user=came, status="present")
    assert missed_sessions_notify(day=yesterday) == 1
    assert missed_sessions_notify(day=yesterday) == 0
    (notice,) = mail.outbox
    assert notice.to == [secretary.email]
    assert "Vũ Thị Vắng" in notice.body and "Đỗ Văn Có" not in notice.body
    assert other_secretary.email not in notice.to

"""Certificate dates: calendar months counted in Hanoi time, expiry and status. No database."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from django.utils import timezone

from courses.certificates.selectors import (
    STATUS_EXPIRED,
    STATUS_REVOKED,
    STATUS_VALID,
    add_months,
    certificate_status,
    expiry_for,
)
from courses.models import Certificate

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("issued", "months", "expected"),
    [
        (datetime(2025, 1, 31, 9, 0), 1, datetime(2025, 2, 28, 9, 0)),
        (datetime(2024, 1, 31, 9, 0), 1, datetime(2024, 2, 29, 9, 0)),
        (datetime(2024, 2, 29, 9, 0), 12, datetime(2025, 2, 28, 9, 0)),
        (datetime(2025, 11, 30, 9, 0), 3, datetime(2026, 2, 28, 9, 0)),
        (datetime(2025, 5, 15, 9, 0), 36, datetime(2028, 5, 15, 9, 0)),
    ],
)
def test_expiry_adds_calendar_months(issued, months, expected):
    result = add_months(issued.replace(tzinfo=HANOI), months)
    assert result.replace(tzinfo=None) == expected


@pytest.mark.parametrize(
    ("issued_utc", "months", "expected_hanoi"),
    [
        # 31/01 03:00 in Hanoi is still 30/01 in UTC: the month end is Hanoi's, not UTC's.
        (datetime(2026, 1, 30, 20, 0), 1, datetime(2026, 2, 28, 3, 0)),
        (datetime(2024, 1, 30, 17, 0), 1, datetime(2024, 2, 29, 0, 0)),
        (datetime(2024, 2, 28, 18, 30), 12, datetime(2025, 2, 28, 1, 30)),
        (datetime(2025, 4, 30, 23, 59), 1, datetime(2025, 6, 1, 6, 59)),
        (datetime(2025, 10, 30, 17, 0), 4, datetime(2026, 2, 28, 0, 0)),
        (datetime(2027, 12, 30, 17, 0), 2, datetime(2028, 2, 29, 0, 0)),
        (datetime(2025, 3, 28, 17, 0), 11, datetime(2026, 2, 28, 0, 0)),
        # 16:59 UTC is 23:59 the same day in Hanoi: nothing moves.
        (datetime(2025, 12, 31, 16, 59), 2, datetime(2026, 2, 28, 23, 59)),
    ],
    ids=[
        "31jan-0300-to-28feb",
        "31jan-leap-to-29feb",
        "29feb-to-28feb",
        "01may-to-01jun",
        "31oct-to-28feb",
        "31dec-to-29feb-2028",
        "29mar-to-28feb",
        "31dec-2359-same-day",
    ],
)
def test_expiry_counts_months_in_hanoi_time_from_a_utc_instant(issued_utc, months, expected_hanoi):
    result = add_months(issued_utc.replace(tzinfo=UTC), months)
    assert result == expected_hanoi.replace(tzinfo=HANOI)
    assert timezone.localtime(result).date() == expected_hanoi.date()


def test_naive_moment_is_taken_as_it_is():
    assert add_months(datetime(2025, 1, 31, 23, 0), 1) == datetime(2025, 2, 28, 23, 0)


@pytest.mark.parametrize(
    ("months", "expected_hanoi"),
    [
        (None, None),
        (0, None),
        (1, datetime(2026, 2, 28, 3, 0)),
        (25, datetime(2028, 2, 29, 3, 0)),
    ],
)
def test_expiry_for_uses_the_course_validity(months, expected_hanoi):
    # 30/01 20:00 UTC is 31/01 03:00 in Hanoi. Only the course's validity is read.
    issued = datetime(2026, 1, 30, 20, 0, tzinfo=UTC)
    expected = expected_hanoi.replace(tzinfo=HANOI) if expected_hanoi else None
    assert expiry_for(SimpleNamespace(certificate_validity_months=months), issued) == expected


NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expires_at", "revoked_at", "expected"),
    [
        (None, None, STATUS_VALID),
        (NOW + timedelta(seconds=1), None, STATUS_VALID),
        (NOW, None, STATUS_EXPIRED),  # expires at that instant: no longer valid
        (NOW - timedelta(days=1), None, STATUS_EXPIRED),
        (NOW + timedelta(days=30), NOW - timedelta(days=1), STATUS_REVOKED),
        (NOW - timedelta(days=30), NOW - timedelta(days=1), STATUS_REVOKED),
    ],
)
def test_certificate_status_at_a_moment(expires_at, revoked_at, expected):
    certificate = Certificate(issued_at=NOW - timedelta(days=60))
    certificate.expires_at, certificate.revoked_at = expires_at, revoked_at
    # No edition transition has passed its deadline (`passed` is what `supersessions` reads).
    assert certificate_status(certificate, NOW, {}) == expected


def test_certificate_status_defaults_to_now():
    soon = Certificate(expires_at=timezone.now() + timedelta(minutes=5))
    gone = Certificate(expires_at=timezone.now() - timedelta(minutes=5))
    statuses = (certificate_status(soon, passed={}), certificate_status(gone, passed={}))
    assert statuses == (STATUS_VALID, STATUS_EXPIRED)


@pytest.mark.parametrize(
    ("passed", "expected"),
    [
        ({("9001:2008", ""): "9001:2015"}, "superseded"),  # every track
        ({("9001:2008", "awareness"): "9001:2015"}, "superseded"),
        ({("9001:2008", "building"): "9001:2015"}, STATUS_VALID),  # another track
        ({("9001:2015", ""): "next"}, STATUS_VALID),  # another edition
    ],
)
def test_certificate_of_a_superseded_edition(passed, expected):
    certificate = Certificate(issued_at=NOW - timedelta(days=60), edition="9001:2008")
    certificate.track = "awareness"
    assert certificate_status(certificate, NOW, passed) == expected
    revoked = Certificate(issued_at=NOW, edition="9001:2008", track="awareness", revoked_at=NOW)
    assert certificate_status(revoked, NOW, passed) == STATUS_REVOKED

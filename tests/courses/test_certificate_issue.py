import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from courses.certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_due,
    normalise_code,
)
from courses.learning.signals import course_completed
from courses.models import CODE_ALPHABET, CODE_LENGTH, Certificate
from lms.core.models import AuditEvent

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_certificate_issued_once_per_course(hong_nhung, course, complete_course):
    complete_course(hong_nhung, course)
    first = certificate_issue(user=hong_nhung, course=course)
    second = certificate_issue(user=hong_nhung, course=course)
    assert first.pk == second.pk
    assert Certificate.objects.filter(user=hong_nhung, course=course).count() == 1


def test_certificate_freezes_printed_facts(hong_nhung, course, complete_course):
    complete_course(hong_nhung, course)
    certificate = certificate_issue(user=hong_nhung, course=course)
    assert certificate.full_name == "Nguyễn Thị Hồng Nhung"
    assert certificate.agency_name == "Sở Tư pháp"
    assert certificate.course_title == course.title
    assert (certificate.track, certificate.edition, certificate.language) == (
        "awareness",
        "9001:2015",
        "vi",
    )


def test_certificate_code_uses_alphabet_and_length(make_user, course, complete_course):
    codes = set()
    for _ in range(25):
        user = make_user()
        complete_course(user, course)
        codes.add(certificate_issue(user=user, course=course).code)
    assert len(codes) == 25
    for code in codes:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(CODE_ALPHABET)


def test_certificate_code_collision_draws_again(
    hong_nhung, other_trainee, course, complete_course, monkeypatch
):
    from courses.certificates import services as service

    complete_course(hong_nhung, course)
    taken = certificate_issue(user=hong_nhung, course=course)
    draws = iter([taken.code, "ABCDEFGHJK"])
    monkeypatch.setattr(service, "new_certificate_code", lambda: next(draws))
    complete_course(other_trainee, course)
    assert certificate_issue(user=other_trainee, course=course).code == "ABCDEFGHJK"


def test_normalise_code_ignores_case_spaces_and_dashes():
    assert normalise_code(" abcde-23456 ") == "ABCDE23456"
    assert normalise_code("ab cd e 2345 6") == "ABCDE23456"


UTC = ZoneInfo("UTC")


def test_expiry_follows_course_validity(hong_nhung, make_course, complete_course, monkeypatch):
    lasting = make_course(certificate_validity_months=0)
    complete_course(hong_nhung, lasting)
    assert certificate_issue(user=hong_nhung, course=lasting).expires_at is None
    yearly = make_course(certificate_validity_months=12)
    complete_course(hong_nhung, yearly)
    # Issued 29/02/2024 01:30 in Hanoi (28/02 18:30 UTC): valid until 28/02/2025 01:30 Hanoi.
    issued = datetime(2024, 2, 28, 18, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: issued)
    certificate = certificate_issue(user=hong_nhung, course=yearly)
    monkeypatch.undo()
    certificate.refresh_from_db()
    assert certificate.issued_at == issued
    assert certificate.expires_at == datetime(2025, 2, 28, 1, 30, tzinfo=HANOI)
    assert certificate.expires_at == datetime(2025, 2, 27, 18, 30, tzinfo=UTC)


def test_expired_certificate_stops_counting_as_valid(issued_certificate):
    Certificate.objects.filter(pk=issued_certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert not Certificate.objects.valid_at(timezone.now()).filter(pk=issued_certificate.pk)


def test_new_cycle_only_after_retraining(issued_certificate, hong_nhung, course, complete_course):
    Certificate.objects.filter(pk=issued_certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    # Expired but not retrained: the old certificate stays the answer.
    assert certificate_issue(user=hong_nhung, course=course).pk == issued_certificate.pk
    complete_course(hong_nhung, course, at=timezone.now() + timedelta(seconds=1))
    renewed = certificate_issue(user=hong_nhung, course=course)
    assert renewed.cycle == 2
    assert renewed.replaces_id == issued_certificate.pk


def test_revoke_requires_reason_and_keeps_history(issued_certificate, officer):
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=issued_certificate, reason="  ", actor=officer)
    revoked = certificate_revoke(
        certificate=issued_certificate, reason="Gian lận khi kiểm tra", actor=officer
    )
    assert revoked.revoked_at and revoked.revoked_by == officer
    assert AuditEvent.objects.filter(verb="certificate.revoke", object_id=str(revoked.pk)).exists()
    new = certificate_reissue(certificate=revoked, actor=officer)
    assert (new.cycle, new.replaces_id) == (2, revoked.pk)
    assert Certificate.objects.filter(pk=revoked.pk, revoked_at__isnull=False).exists()
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=revoked, actor=officer)  # already replaced
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=new, actor=officer)  # still valid


def test_course_completed_signal_issues_certificate(hong_nhung, course, complete_course):
    enrolment = complete_course(hong_nhung, course)
    course_completed.send(sender=type(enrolment), enrolment=enrolment)
    course_completed.send(sender=type(enrolment), enrolment=enrolment)
    assert Certificate.objects.filter(user=hong_nhung, course=course).count() == 1


def test_issue_due_never_twice(make_user, course, complete_course):
    for _ in range(3):
        complete_course(make_user(), course)
    make_user()  # enrolled nowhere
    first = certificates_issue_due(course=course)
    second = certificates_issue_due(course=course)
    assert (first.issued, first.already_had) == (3, 0)
    assert (second.issued, second.already_had) == (0, 3)
    assert Certificate.objects.count() == 3


def test_issue_due_for_session_covers_attendees_who_completed(
    make_user, course, complete_course, trainer
):
    from courses.models import Attendance, ClassSession, TrainingClass

    training_class = TrainingClass.objects.create(course=course, title="Lớp thư ký ISO")
    now = timezone.now()
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=now,
        ends_at=now + timedelta(hours=4),
        venue="Hội trường Sở",
    )
    present, absent, late_not_done = make_user(), make_user(), make_user()
    for user in (present, absent):
        complete_course(user, course)
    Attendance.objects.create(session=session, user=present, status="present")
    Attendance.objects.create(session=session, user=absent, status="absent")
    Attendance.objects.create(session=session, user=late_not_done, status="late")
    summary = certificates_issue_due(session=session)
    assert summary.issued == 1
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.session) == (present, session)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_creates_one_certificate(hong_nhung, course, complete_course):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    complete_course(hong_nhung, course)
    barrier = threading.Barrier(6)
    codes, errors = [], []

    def issue():
        from django.db import connections

        try:
            barrier.wait()
            codes.append(certificate_issue(user=hong_nhung, course=course).code)
        except Exception as error:  # noqa: BLE001 - reported through the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(codes)) == 1
    assert Certificate.objects.filter(user=hong_nhung, course=course).count() == 1


def test_issue_due_rerun_queues_a_pdf_lost_before_its_queueing(
    make_user, course, complete_course, django_capture_on_commit_callbacks
):
    user = make_user()
    complete_course(user, course)
    # The first run committed the row but stopped before its on-commit PDF job was sent.
    with django_capture_on_commit_callbacks(execute=False):
        certificates_issue_due(course=course)
    assert Certificate.objects.get().pdf.name == ""
    with django_capture_on_commit_callbacks(execute=True):
        summary = certificates_issue_due(course=course)
    assert (summary.issued, summary.already_had) == (0, 1)
    certificate = Certificate.objects.get()
    assert certificate.pdf.name.endswith(f"{certificate.code}.pdf")

"""Roster import and bulk enrolment cost a fixed number of statements, whatever the row count."""

import io

import pytest
from allauth.account.models import EmailAddress
from openpyxl import Workbook

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.classes.roster import roster_import
from courses.learning.enrolment import EnrolmentNotAllowed, enrolments_bulk_ensure
from courses.models import ClassMember, Enrolment, EnrolmentStatus
from lms.accounts.models import User
from lms.core import bulk

# About 15 statements on PostgreSQL; SQLite splits the bulk INSERTs into ~25 batches.
BUDGET_500_ROWS = 45
AGENCIES = ["Sở Tư pháp", "Huyện Tam Đảo", "Xã Hồ Sơn"]


def _roster_xlsx(rows: int, prefix: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Email", "Đơn vị", "Chức vụ"])
    for n in range(rows):
        sheet.append(
            [
                f"Nguyễn Thị Danh Sách {n + 1}",
                f"{prefix}-{n:04d}@vinhphuc.gov.vn",
                AGENCIES[n % len(AGENCIES)],
                "Chuyên viên",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_counting(session, rows: int, prefix: str):
    data = _roster_xlsx(rows, prefix)
    actor = session.training_class.trainers.first()
    # Every count starts cold: the shared cache (the actor's roles, say) would otherwise spare
    # the second import statements the first one made.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        result = roster_import(session=session, data=data, filename="lop.xlsx", actor=actor)
    assert result.errors == [] and result.written
    return result, [query["sql"] for query in queries.captured_queries]


# How rows are inserted depends on their number: SQLite caps the variables in one statement,
# so its bulk INSERTs come in batches of some tens of rows, and on PostgreSQL from a thousand
# rows go through COPY with their ids drawn first (lms.core.bulk).
_INSERTS = ("INSERT", "COPY", "SELECT nextval(")


def _reads_and_updates(statements: list[str]) -> int:
    # Every statement that is not an insert must be the same for 50 rows and for 500.
    return sum(not sql.startswith(_INSERTS) for sql in statements)


def test_roster_import_queries_do_not_grow_with_rows(class_session, agency_tree, make_user):
    # Some people already have accounts: they are linked, and their blank profile is filled.
    make_user(email="big-0001@vinhphuc.gov.vn", full_name="Nguyễn Văn Thử 2")
    make_user(email="small-0001@vinhphuc.gov.vn")

    small, small_queries = _import_counting(class_session, 50, "small")
    big, big_queries = _import_counting(class_session, 500, "big")

    assert (big.created, big.linked, big.enrolled, big.added) == (499, 1, 500, 500)
    assert _reads_and_updates(big_queries) == _reads_and_updates(small_queries)
    assert len(big_queries) <= BUDGET_500_ROWS
    course = class_session.training_class.course
    assert Enrolment.objects.filter(course=course, source="roster").count() == 550
    assert ClassMember.objects.filter(training_class=class_session.training_class).count() == 550
    created = User.objects.get(email="big-0002@vinhphuc.gov.vn")
    assert created.agency == agency_tree["commune_a"]
    assert not created.has_usable_password()
    assert EmailAddress.objects.get(user=created).verified
    linked = User.objects.get(email="big-0001@vinhphuc.gov.vn")
    # The blank agency is filled from the file; the name the person has is kept.
    assert (linked.full_name, linked.agency) == ("Nguyễn Văn Thử 2", agency_tree["district"])


def test_roster_import_500_rows_within_budget(
    class_session, agency_tree, django_assert_max_num_queries
):
    data = _roster_xlsx(500, "budget")
    actor = class_session.training_class.trainers.first()
    with django_assert_max_num_queries(BUDGET_500_ROWS):
        result = roster_import(session=class_session, data=data, filename="lop.xlsx", actor=actor)

    assert result.written and result.created == 500
    # Again: everyone is known now, and whether their profile lacks the agency is read from
    # the id, not by loading each person's agency.
    with django_assert_max_num_queries(BUDGET_500_ROWS):
        again = roster_import(session=class_session, data=data, filename="lop.xlsx", actor=actor)
    assert (again.created, again.enrolled, again.added) == (0, 0, 0)


def test_enrolments_bulk_ensure_refuses_out_of_scope_and_writes_nothing(
    course, secretary, make_user, agency_tree
):
    inside = make_user(agency=agency_tree["department"])
    outside = make_user(agency=agency_tree["district"])

    with pytest.raises(EnrolmentNotAllowed) as refused:
        enrolments_bulk_ensure(
            users=[inside, outside], course=course, source="secretary", actor=secretary
        )

    assert refused.value.user == outside
    assert Enrolment.objects.count() == 0


def test_enrolments_bulk_ensure_reactivates_withdrawn_and_is_idempotent(
    course, trainer, make_user, django_assert_max_num_queries
):
    people = [make_user() for _ in range(5)]
    withdrawn = Enrolment.objects.create(
        user=people[0], course=course, status=EnrolmentStatus.WITHDRAWN
    )

    with django_assert_max_num_queries(12):
        enrolments = enrolments_bulk_ensure(
            users=people, course=course, source="trainer", actor=trainer
        )

    assert [e.user_id for e in enrolments] == [p.pk for p in people]
    withdrawn.refresh_from_db()
    assert withdrawn.status == EnrolmentStatus.ACTIVE
    assert Enrolment.objects.filter(course=course, enrolled_by=trainer).count() == 4
    again = enrolments_bulk_ensure(users=people, course=course, source="trainer", actor=trainer)
    assert [e.pk for e in again] == [e.pk for e in enrolments]
    assert Enrolment.objects.filter(course=course).count() == 5


def test_enrolments_bulk_ensure_self_enrolment_needs_prerequisites(make_course, trainee):
    basic = make_course()
    advanced = make_course(track="building")
    advanced.prerequisites.add(basic)

    with pytest.raises(EnrolmentNotAllowed):
        enrolments_bulk_ensure(users=[trainee], course=advanced, source="self")
    Enrolment.objects.create(user=trainee, course=basic, completed_at="2026-01-05T08:00:00Z")

    (enrolment,) = enrolments_bulk_ensure(users=[trainee], course=advanced, source="self")
    assert enrolment.enrolled_by is None and enrolment.source == "self"


def test_roster_import_of_newcomers_reads_no_enrolment(class_session, agency_tree):
    """People the import creates cannot be enrolled yet: their enrolments are neither looked
    up before the INSERT nor read back after it (the INSERT returns them)."""
    result, queries = _import_counting(class_session, 200, "fresh")

    assert result.created == 200 and result.enrolled == 200
    enrolment_reads = [
        sql for sql in queries if sql.startswith("SELECT") and 'FROM "courses_enrolment"' in sql
    ]
    assert enrolment_reads == []
    course = class_session.training_class.course
    assert Enrolment.objects.filter(course=course, source="roster").count() == 200


def test_roster_import_statements_do_not_grow_past_a_batch_on_postgresql(
    class_session, agency_tree, monkeypatch
):
    """On PostgreSQL the new people, their enrolments, memberships and audit events each go in
    one COPY, however many rows; only the e-mail addresses (an INSERT that skips conflicts)
    still come in batches of 1 000."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere the INSERTs come in batches")
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 200)  # COPY for both files, and a quick test
    _small, small_queries = _import_counting(class_session, 300, "copy-small")
    big, big_queries = _import_counting(class_session, 1200, "copy-big")

    def inserts(queries):
        return sum(sql.startswith("INSERT") for sql in queries)

    assert big.created == 1200
    assert len(big_queries) - inserts(big_queries) == len(small_queries) - inserts(small_queries)
    assert sum(sql.startswith("COPY") for sql in big_queries) == 4
    assert len(big_queries) <= 20

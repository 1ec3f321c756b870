"""Helpers of lms.core.bulk for writes of thousands of rows."""

import datetime
import gc

import pytest

from django.db import connection

from lms.core.bulk import COPY_FROM_ROWS, bulk_insert, collection_paused


def test_collection_paused_resumes_the_collector_however_the_block_ends():
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():  # nested: the outer block resumes it
            pass
        assert not gc.isenabled()
    assert gc.isenabled()

    with pytest.raises(ValueError), collection_paused():
        raise ValueError
    assert gc.isenabled()


def test_collection_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _events(actor, count: int, note: str) -> list:
    from django.contrib.contenttypes.models import ContentType

    from lms.core.models import AuditEvent

    content_type = ContentType.objects.get_for_model(actor)
    return [
        AuditEvent(
            actor=actor,
            verb="enrolment.created",
            content_type=content_type,
            object_id=str(n),
            object_repr=f"Nguyễn Thị Ánh {n}\t– “{note}”\n\\N",  # COPY's special characters
            after={"source": note, "n": n, "at": datetime.date(2026, 1, 5)},
        )
        for n in range(count)
    ]


def _stored(events) -> list[dict]:
    from lms.core.models import AuditEvent

    rows = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk").values()
    return [{k: v for k, v in row.items() if k not in ("id", "at")} for row in rows]


@pytest.mark.django_db
def test_bulk_insert_stores_what_bulk_create_stores(make_user, django_assert_max_num_queries):
    from lms.core.models import AuditEvent

    actor = make_user()
    reference = AuditEvent.objects.bulk_create(_events(actor, COPY_FROM_ROWS, "roster"))
    events = _events(actor, COPY_FROM_ROWS, "roster")

    # PostgreSQL: the ids, then one COPY; elsewhere bulk_create in batches.
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 50):
        assert bulk_insert(AuditEvent, events) is events

    assert len({event.pk for event in events}) == COPY_FROM_ROWS
    assert not any(event._state.adding for event in events)
    assert _stored(events) == _stored(reference)
    assert _stored(events)[0]["after"] == {"source": "roster", "n": 0, "at": "2026-01-05"}
    assert all(event.at for event in AuditEvent.objects.filter(pk__in=[e.pk for e in events]))


@pytest.mark.django_db
def test_bulk_insert_of_few_rows_is_one_insert(make_user, django_assert_num_queries):
    from lms.core.models import AuditEvent

    events = _events(make_user(), 3, "few")
    with django_assert_num_queries(1):
        bulk_insert(AuditEvent, events)
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events]).count() == 3


@pytest.mark.django_db
def test_bulk_insert_refuses_an_unsaved_related_object_like_bulk_create(make_user):
    from lms.accounts.models import User
    from lms.core.models import AuditEvent

    events = _events(make_user(), COPY_FROM_ROWS, "unsaved")
    events[-1].actor = User(email="not-saved@example.vn")
    with pytest.raises(ValueError, match="unsaved related object"):
        bulk_insert(AuditEvent, events)


@pytest.mark.django_db
def test_bulk_insert_of_people_stores_what_bulk_create_stores(agency_tree):
    from lms.accounts.models import User

    def people(prefix: str) -> list:
        return [
            User(
                email=f"{prefix}-{n}@example.vn",
                full_name=f"Trần Văn {n}",
                agency=agency_tree["commune_a"] if n % 2 else None,
                position="Chuyên viên",
                phone=f"09{n:08d}",
                is_staff=n % 3 == 0,
                password="!unusable",
            )
            for n in range(COPY_FROM_ROWS)
        ]

    def stored(prefix: str) -> list[dict]:
        rows = User.objects.filter(email__startswith=f"{prefix}-").order_by("pk").values()
        return [
            {k: v for k, v in row.items() if k not in ("id", "email", "date_joined")}
            for row in rows
        ]

    User.objects.bulk_create(people("reference"))
    inserted = bulk_insert(User, people("copied"))

    assert stored("copied") == stored("reference")
    assert [user.pk for user in inserted] == list(
        User.objects.filter(email__startswith="copied-").order_by("pk").values_list("pk", flat=True)
    )


HOSTILE = [
    "Nguyễn\tThị\nÁnh",  # COPY's column and row separators
    "Trần \\N Văn",  # COPY's NULL spelled inside a value
    "Lê\\\\Minh\\",  # backslashes, one at the end
    "\\.",  # COPY's end-of-data marker on a line of its own
    "Phạm \"Hoa\" 'Hồng', ;",
    "\r\nĐặng\r",
    "",
]


@pytest.mark.django_db
def test_a_hostile_roster_is_stored_as_written_and_later_inserts_follow_it(agency_tree):
    from lms.accounts.models import User

    joined = datetime.datetime(
        2026, 3, 1, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
    )

    def people(prefix: str) -> list:
        return [
            User(
                email=f"{prefix}-{n}\\x@example.vn",
                full_name=HOSTILE[n % len(HOSTILE)] + f" {n}",
                position=HOSTILE[(n + 1) % len(HOSTILE)],
                agency=agency_tree["commune_a"] if n % 2 else None,
                is_active=n % 5 != 0,
                receives_digest=n % 2 == 0,
                date_joined=joined,
                last_login=None,
                password="!unusable",
            )
            for n in range(COPY_FROM_ROWS)
        ]

    def stored(prefix: str) -> list[dict]:
        rows = User.objects.filter(email__startswith=f"{prefix}-").order_by("pk").values()
        return [{k: v for k, v in row.items() if k not in ("id", "email")} for row in rows]

    User.objects.bulk_create(people("reference"))
    inserted = bulk_insert(User, people("copied"))

    assert stored("copied") == stored("reference")
    first = User.objects.get(pk=inserted[0].pk)
    assert first.full_name == HOSTILE[0] + " 0" and first.email == "copied-0\\x@example.vn"
    assert first.date_joined == joined and first.last_login is None and first.agency_id is None
    # The ids came from the table's sequence: the next ordinary INSERT does not collide.
    later = User.objects.create_user(email="sau-nhap@example.vn", password=None)
    assert later.pk > max(user.pk for user in inserted)


@pytest.mark.django_db
def test_a_nul_in_a_roster_is_refused_like_bulk_create():
    import psycopg

    from django.db import DatabaseError, transaction

    from lms.accounts.models import User

    people = [
        User(email=f"nul-{n}@example.vn", full_name="Nguyễn\x00Ánh", password="!")
        for n in range(COPY_FROM_ROWS)
    ]
    with pytest.raises((DatabaseError, psycopg.Error, ValueError)), transaction.atomic():
        bulk_insert(User, people)
    assert not User.objects.filter(email__startswith="nul-").exists()

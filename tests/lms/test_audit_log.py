"""The audit log in the Wagtail admin, and the events admin screens leave behind."""

import csv
import io
from datetime import timedelta

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courses.models import Attendance, AttendanceStatus
from lms.accounts import roles
from lms.accounts.models import Agency, User
from lms.core.audit import AuditKind, audit_record
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/admin/reports/audit-log/"


@pytest.fixture
def administrator(make_user):
    return make_user(None, is_staff=True, is_superuser=True, full_name="Quản Trị Viên")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("trainee", False),
        ("trainer", False),
        ("secretary", False),
        ("editor", False),
        ("officer", True),
        ("administrator", True),
    ],  # fmt: skip
)
def test_only_officers_and_administrators_read_the_log(client, request, events, who, allowed):
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    # Wagtail answers a refusal with a redirect: to its login, or to the dashboard with a message.
    assert response.status_code == (200 if allowed else 302)
    assert ("Vắng → Có mặt" in response.content.decode()) is allowed


def test_menu_item_is_shown_to_officers_only(client, officer, editor):
    client.force_login(officer)
    assert URL in client.get("/admin/").content.decode()
    client.force_login(editor)
    assert URL not in client.get("/admin/").content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.fixture
def events(trainer, officer, trainee, agency_tree, class_session):
    attendance = Attendance.objects.create(
        session=class_session, user=trainee, status=AttendanceStatus.PRESENT
    )
    marked = audit_record(
        actor=trainer,
        verb=AuditKind.ATTENDANCE_MARK,
        obj=attendance,
        before={"status": "absent", "note": "", "method": "manual"},
        after={"status": "present", "note": "", "method": "manual"},
    )
    merged = audit_record(
        actor=officer,
        verb=AuditKind.AGENCY_MERGE,
        obj=agency_tree["commune_a"],
        before={"is_active": True},
        after={"is_active": False},
    )
    AuditEvent.objects.filter(pk=merged.pk).update(at=timezone.now() - timedelta(days=40))
    return {"marked": marked, "merged": merged}


def _listed(client, query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def test_events_are_shown_with_labels_not_raw_values(client, officer, events):
    client.force_login(officer)
    page = _listed(client, {})
    assert "Vắng → Có mặt" in page
    assert "Xã Hồ Sơn" in page
    assert "&quot;status&quot;" not in page and "&#x27;status&#x27;" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"person": "giangvien"}, "Vắng → Có mặt", "Xã Hồ Sơn"),
        ({"person": "dost_officer"}, "Xã Hồ Sơn", "Vắng → Có mặt"),
        ({"verb": "agency.merge"}, "Xã Hồ Sơn", "Vắng → Có mặt"),
        ({"object_repr": "Hồ Sơn"}, "Xã Hồ Sơn", "Vắng → Có mặt"),
    ],
)
def test_filters(client, officer, events, trainer, query, shown, hidden):
    trainer.email = "giangvien@example.vn"
    trainer.save()
    client.force_login(officer)
    page = _listed(client, query)
    assert shown in page and hidden not in page


def test_filter_by_object_type_and_date_range(client, officer, events):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(officer)
    agency_type = ContentType.objects.get_for_model(Agency)
    page = _listed(client, {"content_type": agency_type.pk})
    assert "Xã Hồ Sơn" in page and "Vắng → Có mặt" not in page

    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    page = _listed(client, {"at_from": since})
    assert "Vắng → Có mặt" in page and "Xã Hồ Sơn" not in page


def test_csv_export_has_readable_rows(client, officer, trainer, events):
    client.force_login(officer)
    response = client.get(URL, {"export": "csv", "verb": "attendance.mark"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Thời điểm", "Người thực hiện", "Hành động"]
    [row] = rows[1:]
    assert row[1] == str(trainer) and row[2] == "Điểm danh"
    assert row[-1] == "Trạng thái: Vắng → Có mặt"


def test_xlsx_export(client, officer, events):
    from openpyxl import load_workbook

    client.force_login(officer)
    response = client.get(URL, {"export": "xlsx", "object_repr": "Hồ Sơn"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    kinds = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"Sáp nhập đơn vị"}


def test_role_change_in_the_wagtail_user_form_records_who_made_it(client, administrator, trainee):
    trainer_group, _ = Group.objects.get_or_create(name=roles.TRAINER)
    trainee_group = Group.objects.get(name=roles.TRAINEE)
    client.force_login(administrator)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[trainee.pk]),
        {
            "email": trainee.email,
            "first_name": "Thử",  # the form asks for them; the model keeps full_name only
            "last_name": "Nguyễn",
            "is_active": "on",
            "groups": [trainee_group.pk, trainer_group.pk],
            "password1": "",
            "password2": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = AuditEvent.objects.filter(
        verb=AuditKind.USER_ROLE_ADD, object_id=str(trainee.pk), after__role=roles.TRAINER
    )
    assert event.actor == administrator


def test_deleting_a_person_in_the_admin_leaves_an_event(client, administrator, make_user):
    mistaken = make_user(email="nham@example.vn", full_name="Người Nhầm")
    pk = mistaken.pk
    client.force_login(administrator)

    client.post(reverse("wagtailusers_users:delete", args=[pk]))

    assert not User.objects.filter(pk=pk).exists()
    [event] = AuditEvent.objects.filter(verb=AuditKind.OBJECT_DELETE, object_id=str(pk))
    assert event.actor == administrator and event.object_repr == "Người Nhầm"
    assert event.before["email"] == "nham@example.vn" and "password" not in event.before


def test_refused_delete_leaves_no_event(client, administrator, trainee, course):
    from courses.models import Enrolment

    Enrolment.objects.create(user=trainee, course=course)
    client.force_login(administrator)
    client.post(reverse("wagtailusers_users:delete", args=[trainee.pk]))
    assert User.objects.filter(pk=trainee.pk).exists()
    assert not AuditEvent.objects.filter(verb=AuditKind.OBJECT_DELETE).exists()


def test_bulk_delete_of_people_leaves_one_event_each(client, administrator, make_user):
    people = [make_user(email=f"nham{n}@example.vn") for n in range(2)]
    client.force_login(administrator)
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    query = "&".join(f"id={person.pk}" for person in people)

    response = client.post(f"{url}?{query}", {})

    assert response.status_code == 302
    assert not User.objects.filter(pk__in=[p.pk for p in people]).exists()
    deleted = AuditEvent.objects.filter(verb=AuditKind.OBJECT_DELETE, actor=administrator)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in people)


def test_bulk_delete_of_snippets_leaves_one_event_each(client, administrator):
    agencies = [Agency.objects.create(code=f"X{n}", name=f"Đơn vị nhầm {n}") for n in range(2)]
    client.force_login(administrator)
    url = reverse("wagtail_bulk_action", args=["accounts", "agency", "delete"])
    query = "&".join(f"id={agency.pk}" for agency in agencies)

    response = client.post(f"{url}?{query}", {})

    assert response.status_code == 302
    deleted = AuditEvent.objects.filter(verb=AuditKind.OBJECT_DELETE, actor=administrator)
    assert sorted(deleted.values_list("object_repr", flat=True)) == [
        "Đơn vị nhầm 0",
        "Đơn vị nhầm 1",
    ]


def test_unknown_kinds_are_refused(trainee):
    with pytest.raises(ValueError):
        audit_record(actor=None, verb="user.rename", obj=trainee)


def test_log_page_queries_do_not_grow_with_the_rows(
    client, officer, trainer, agency_tree, django_assert_max_num_queries
):
    for n in range(30):
        audit_record(
            actor=trainer if n % 2 else officer,
            verb=AuditKind.AGENCY_MERGE,
            obj=agency_tree["commune_b"],
            before={"is_active": True},
            after={"is_active": False},
        )
    client.force_login(officer)
    client.get(URL)  # warm the per-process caches (content types, roles)
    # Wagtail's own menu and permission reads, then one count, one page of events (with their
    # actors and content types) and the object-type choices.
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


def test_snapshot_of_a_certificate_stores_the_file_name(issued_certificate):
    from courses.certificates.services import certificate_render_pdf
    from lms.core.audit import deletion_events

    certificate = certificate_render_pdf(certificate_id=issued_certificate.pk)
    [event] = deletion_events(actor=None, objects=[certificate])
    event.save()
    event.refresh_from_db()
    assert event.before["pdf"] == certificate.pdf.name

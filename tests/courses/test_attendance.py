"""Marking attendance: one POST for the whole class, audit, walk-ins, paper, exports, PDF."""

import io
import json

import pytest

from django.contrib.contenttypes.models import ContentType

from courses.classes.attendance import AttendanceError, attendance_mark
from courses.models import Attendance, ClassMember
from lms.accounts import roles
from lms.core.models import AuditEvent


@pytest.fixture
def roster(class_session, make_user, agency_tree, add_member):
    people = [
        make_user(full_name="Trần Văn Bình", agency=agency_tree["department"]),
        make_user(full_name="Nguyễn Thị Ánh", agency=agency_tree["district"]),
        make_user(full_name="Lê Văn Đức", agency=agency_tree["commune_a"]),
    ]
    add_member(class_session.training_class, *people)
    return people


def test_marking_page_sorted_by_given_name(client, trainer, class_session, roster):
    client.force_login(trainer)
    response = client.get(f"/classes/sessions/{class_session.pk}/attendance/")

    assert response.status_code == 200
    names = [entry.full_name for entry in response.context["roster"]]
    assert names == ["Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Văn Đức"]  # Á < B < Đ


def test_marking_whole_class_in_one_post_with_audit(client, trainer, class_session, roster):
    client.force_login(trainer)
    ana, binh, duc = roster[1], roster[0], roster[2]
    response = client.post(
        f"/classes/sessions/{class_session.pk}/attendance/",
        {
            f"status_{ana.pk}": "present",
            f"status_{binh.pk}": "late",
            f"status_{duc.pk}": "excused",
            f"note_{duc.pk}": "Ốm, có giấy xin phép",
        },
    )

    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("user_id", "status"))
    assert marks == {ana.pk: "present", binh.pk: "late", duc.pk: "excused"}
    assert Attendance.objects.get(user=duc).note == "Ốm, có giấy xin phép"
    events = AuditEvent.objects.filter(verb="attendance.mark")
    assert events.count() == 3
    assert all(event.actor == trainer and event.before == {} for event in events)

    client.post(
        f"/classes/sessions/{class_session.pk}/attendance/",
        {f"status_{binh.pk}": "present", "loaded": json.dumps({binh.pk: ["late", ""]})},
    )

    changed = AuditEvent.objects.filter(verb="attendance.mark").order_by("-pk").first()
    assert changed.before["status"] == "late"
    assert changed.after["status"] == "present"
    assert AuditEvent.objects.filter(verb="attendance.mark").count() == 4  # unchanged rows: none


def test_mark_all_present_button_without_js(client, trainer, class_session, roster):
    client.force_login(trainer)
    client.post(f"/classes/sessions/{class_session.pk}/attendance/", {"all_present": "1"})

    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}
    assert Attendance.objects.count() == 3


def test_marking_refuses_people_not_on_roster(class_session, roster, other_trainee, trainer):
    with pytest.raises(AttendanceError):
        attendance_mark(
            session=class_session, marks={other_trainee.pk: ("present", "")}, actor=trainer
        )
    assert Attendance.objects.count() == 0


def test_marking_bad_status_shows_message_and_writes_nothing(
    client, trainer, class_session, roster
):
    client.force_login(trainer)
    response = client.post(
        f"/classes/sessions/{class_session.pk}/attendance/", {f"status_{roster[0].pk}": "asleep"}
    )

    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_another_trainer_cannot_see_or_mark(client, make_user, class_session, roster):
    stranger = make_user(roles.TRAINER, is_staff=True)
    client.force_login(stranger)

    assert client.get(f"/classes/sessions/{class_session.pk}/attendance/").status_code == 404
    response = client.post(
        f"/classes/sessions/{class_session.pk}/attendance/", {"all_present": "1"}
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0
    assert client.get(f"/classes/sessions/{class_session.pk}/sign-in-sheet.pdf").status_code == 404


def test_trainee_cannot_open_trainer_pages(client, trainee, class_session):
    client.force_login(trainee)
    assert client.get("/classes/").status_code == 404
    assert client.get(f"/classes/sessions/{class_session.pk}/").status_code == 404


def test_officer_sees_every_session(client, officer, class_session, roster):
    client.force_login(officer)
    response = client.get("/classes/")
    assert response.status_code == 200
    assert class_session in list(response.context["sessions"])
    assert client.get(f"/classes/sessions/{class_session.pk}/").status_code == 200


def test_trainer_list_shows_only_own_sessions(client, trainer, make_user, class_session, course):
    from courses.models import ClassSession, TrainingClass

    other_class = TrainingClass.objects.create(course=course, title="Lớp khác")
    other_class.trainers.add(make_user(roles.TRAINER))
    ClassSession.objects.create(
        training_class=other_class,
        starts_at=class_session.starts_at,
        ends_at=class_session.ends_at,
        venue="Phòng họp",
    )
    client.force_login(trainer)

    assert list(client.get("/classes/").context["sessions"]) == [class_session]


def test_officer_marks_a_class_they_do_not_teach(client, officer, class_session, roster):
    client.force_login(officer)
    response = client.post(
        f"/classes/sessions/{class_session.pk}/attendance/", {"all_present": "1"}
    )

    assert response.status_code == 302
    assert Attendance.objects.filter(session=class_session).count() == 3


def test_marking_a_class_with_nobody_on_the_roster(client, trainer, class_session):
    client.force_login(trainer)
    response = client.post(
        f"/classes/sessions/{class_session.pk}/attendance/", {"all_present": "1"}
    )

    assert response.status_code == 302
    assert Attendance.objects.count() == 0


def test_marking_an_unknown_session_is_not_found(client, trainer, class_session, roster):
    client.force_login(trainer)
    response = client.post("/classes/sessions/999999/attendance/", {"all_present": "1"})

    assert response.status_code == 404


def test_marking_500_attendees_within_query_budget(
    transactional_db, client, django_assert_max_num_queries, agency_tree, course, trainer
):
    """The whole POST in a constant number of statements, whatever the class size.

    transactional_db so the count is the production one. SQLite has no single-statement
    upsert-and-audit and splits a 500-row insert into batches of 999 parameters, so its bound
    is looser; the budget that matters is PostgreSQL's.
    """
    from django.db import connection
    from django.utils import timezone

    from courses.models import ClassSession, TrainingClass
    from lms.accounts.models import User

    training_class = TrainingClass.objects.create(course=course, title="Lớp đông")
    training_class.trainers.add(trainer)
    session = ClassSession.objects.create(
        training_class=training_class,
        starts_at=timezone.now(),
        ends_at=timezone.now(),
        venue="Hội trường",
    )
    users = User.objects.bulk_create(
        User(email=f"hv{n}@example.vn", full_name=f"Học Viên {n}") for n in range(500)
    )
    ClassMember.objects.bulk_create(
        ClassMember(training_class=training_class, user=u) for u in users
    )
    ContentType.objects.get_for_model(Attendance)  # process-wide cache, warm in production
    client.force_login(trainer)
    url = f"/classes/sessions/{session.pk}/attendance/"
    # The form as the page sends it: a status and a note per row, and what the page showed.
    data = {f"status_{u.pk}": "present" if n % 5 else "late" for n, u in enumerate(users)}
    data |= {f"note_{u.pk}": "" for u in users}
    data["loaded"] = client.get(url).context["loaded"]
    postgres = connection.vendor == "postgresql"

    # PostgreSQL: session, user, roster, and one statement that upserts and audits.
    with django_assert_max_num_queries(5 if postgres else 14):
        response = client.post(url, data)

    assert response.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 500
    assert Attendance.objects.filter(session=session, status="late").count() == 100
    assert AuditEvent.objects.filter(verb="attendance.mark").count() == 500


def test_walk_in_new_person_is_added_and_present(client, trainer, class_session, roster):
    client.force_login(trainer)
    response = client.post(
        f"/classes/sessions/{class_session.pk}/walk-in/",
        {"email": "Moi.Den@Example.vn", "full_name": "Hoàng Thị Mới"},
    )

    assert response.status_code == 302
    member = ClassMember.objects.get(user__email="moi.den@example.vn")
    assert member.is_walk_in
    attendance = Attendance.objects.get(user=member.user)
    assert (attendance.status, attendance.method) == ("present", "walk_in")
    assert member.user.enrolments.filter(course=class_session.training_class.course).exists()


def test_walk_in_existing_user_by_email(client, trainer, class_session, other_trainee):
    client.force_login(trainer)
    client.post(f"/classes/sessions/{class_session.pk}/walk-in/", {"email": other_trainee.email})

    assert Attendance.objects.get(user=other_trainee).method == "walk_in"


def test_walk_in_new_person_without_name_is_refused(client, trainer, class_session):
    client.force_login(trainer)
    response = client.post(
        f"/classes/sessions/{class_session.pk}/walk-in/", {"email": "ai@example.vn"}, follow=True
    )

    assert "Người mới cần có họ và tên" in response.content.decode()
    assert ClassMember.objects.count() == 0


def test_paper_ticks_record_present_and_absent(client, trainer, class_session, roster):
    client.force_login(trainer)
    client.post(
        f"/classes/sessions/{class_session.pk}/paper/",
        {f"signed_{roster[0].pk}": "on", "absent_unmarked": "on"},
    )

    rows = {a.user_id: (a.status, a.method) for a in Attendance.objects.all()}
    assert rows[roster[0].pk] == ("present", "paper")
    assert rows[roster[1].pk] == ("absent", "paper")


def test_sign_in_sheet_pdf_has_vietnamese_names_in_order(client, trainer, class_session, roster):
    from pypdf import PdfReader

    client.force_login(trainer)
    response = client.get(f"/classes/sessions/{class_session.pk}/sign-in-sheet.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("Họ và tên", "Đơn vị", "Chức vụ", "Chữ ký", "Lớp bồi dưỡng thư ký ISO"):
        assert expected in text
    positions = [text.index(name) for name in ("Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Văn Đức")]
    assert positions == sorted(positions)
    from django.utils import timezone

    assert timezone.localtime(class_session.starts_at).strftime("%d/%m/%Y") in text


def test_session_export_xlsx_and_csv_keep_vietnamese(client, trainer, class_session, roster):
    import pandas as pd

    client.force_login(trainer)
    attendance_mark(session=class_session, marks={roster[1].pk: ("late", "Kẹt xe")}, actor=trainer)

    xlsx = client.get(f"/classes/sessions/{class_session.pk}/attendance.xlsx")
    table = pd.read_excel(io.BytesIO(xlsx.content))
    assert list(table.columns[:4]) == ["Buổi học", "Ngày", "STT", "Họ và tên"]
    row = table.loc[table["Họ và tên"] == "Nguyễn Thị Ánh"].iloc[0]
    assert (row["Trạng thái"], row["Ghi chú"]) == ("Đi muộn", "Kẹt xe")

    csv = client.get(f"/classes/{class_session.training_class_id}/attendance.csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert "Lê Văn Đức" in set(frame["Họ và tên"])
    assert set(frame["Trạng thái"]) == {"Đi muộn", "Chưa điểm danh"}

"""The demo class: built by `load_demo` from the fixture roster, unchanged by a second run."""

from zoneinfo import ZoneInfo

import pytest

from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from courses.models import Attendance, ClassMember, ClassSession, Enrolment, TrainingClass
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CLASS_TITLE = "Lớp bồi dưỡng thư ký ISO"


def _snapshot():
    return {
        "classes": TrainingClass.objects.count(),
        "sessions": ClassSession.objects.count(),
        "members": ClassMember.objects.count(),
        "attendances": sorted(
            Attendance.objects.values_list("session_id", "user_id", "status", "note")
        ),
        "enrolments": Enrolment.objects.filter(source="roster").count(),
        "audit": AuditEvent.objects.filter(
            Q(verb__startswith="attendance.") | Q(verb__startswith="class.")
        ).count(),
    }


def test_demo_class_roster_attendance_and_second_run_changes_nothing():
    call_command("load_demo", verbosity=0)

    training_class = TrainingClass.objects.get(title=CLASS_TITLE)
    assert training_class.course.track == "building"
    assert training_class.course.language == "vi"
    assert list(training_class.trainers.values_list("email", flat=True)) == ["giangvien@demo.vn"]

    today, next_week = training_class.sessions.order_by("starts_at")
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    starts, ends = today.starts_at.astimezone(local), today.ends_at.astimezone(local)
    assert starts.date() == timezone.now().astimezone(local).date()
    assert (starts.hour, starts.minute, ends.hour) == (8, 0, 17)
    assert today.venue == "Hội trường Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"
    assert today.status == "open"
    assert (next_week.starts_at - today.starts_at).days == 7

    members = ClassMember.objects.filter(training_class=training_class)
    assert members.count() == 51  # the 50 secretaries of the fixture file + the demo trainee
    assert members.filter(user__email="hocvien@demo.vn").exists()
    assert members.filter(user__email="ha.nguyen@vinhphuc.gov.vn").exists()
    enrolled = Enrolment.objects.filter(
        course=training_class.course, user__class_memberships__training_class=training_class
    )
    assert enrolled.count() == 51

    statuses = list(Attendance.objects.filter(session=today).values_list("status", flat=True))
    assert len(statuses) == 50  # everyone but the demo trainee, who tries the QR check-in
    assert statuses.count("late") == 4
    assert statuses.count("excused") == 2
    assert statuses.count("absent") == 2
    assert statuses.count("present") == 42
    assert not Attendance.objects.filter(session=today, user__email="hocvien@demo.vn").exists()
    assert not Attendance.objects.filter(session=next_week).exists()

    before = _snapshot()
    call_command("load_demo", verbosity=0)

    assert _snapshot() == before

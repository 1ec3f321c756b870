"""Demo step of the classes area, run by `load_demo`: the seed's in-person class.

"Lớp bồi dưỡng thư ký ISO" of the building course: a session today (open, attendance mostly
recorded) and one next week, the 50 secretaries of fixtures/rosters plus the demo trainee, who
is left unmarked so the QR check-in can be tried. Running `load_demo` again changes nothing:
the class and sessions are found by title, the roster import is skipped when it would add
nobody, and only people not yet marked are marked.
"""

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.classes.attendance import attendance_mark, session_roster
from courses.classes.models import (
    ATTENDED_STATUSES,
    Attendance,
    AttendanceStatus,
    ClassMember,
    ClassSession,
    SessionStatus,
    TrainingClass,
)
from courses.classes.roster import roster_import
from courses.learning.completion import completion_evaluate
from courses.learning.enrolment import enrolment_create
from courses.learning.models import Enrolment
from courses.learning.pages import CoursePage

CLASS_TITLE = "Lớp bồi dưỡng thư ký ISO"
VENUE = "Hội trường Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"
ROSTER_FILE = Path("rosters") / "lop-thu-ky-iso.xlsx"
TRAINER_EMAIL = "giangvien@demo.vn"
DEMO_TRAINEE_EMAIL = "hocvien@demo.vn"
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# The day's attendance, by roster position (sorted by e-mail, so every run picks the same
# people): a few late or excused or absent, everyone else present.
LATE = [("Đến muộn 20 phút", 4)]
EXCUSED = [("Có giấy mời họp của UBND tỉnh", 1), ("Nghỉ ốm, có đơn xin phép", 1)]
ABSENT_COUNT = 2


def _local(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_ZONE)


def _sessions(training_class: TrainingClass) -> tuple[ClassSession, ClassSession]:
    today = timezone.now().astimezone(LOCAL_ZONE).date()
    next_week = today + timedelta(days=7)
    first, _created = ClassSession.objects.get_or_create(
        training_class=training_class,
        title="Ngày 1: Hiểu và áp dụng TCVN ISO 9001:2015",
        defaults={
            "starts_at": _local(today, 8),
            "ends_at": _local(today, 17),
            "venue": VENUE,
            "status": SessionStatus.OPEN,
            # Check-in stays open all day, so the demo QR code works whenever it is tried.
            "checkin_closes_minutes": 9 * 60,
        },
    )
    second, _created = ClassSession.objects.get_or_create(
        training_class=training_class,
        title="Ngày 2: Xây dựng tài liệu và hồ sơ của hệ thống",
        defaults={
            "starts_at": _local(next_week, 8),
            "ends_at": _local(next_week, 17),
            "venue": VENUE,
            "status": SessionStatus.PLANNED,
        },
    )
    return first, second


def _import_roster(*, session: ClassSession, fixtures: Path, trainer) -> str | None:
    """Import the fixture roster unless it would add nobody; return an error line or None."""
    path = fixtures / ROSTER_FILE
    if not path.exists():
        return f"{path}: file not found"
    data = path.read_bytes()
    plan = roster_import(
        session=session, data=data, filename=path.name, actor=trainer, dry_run=True
    )
    if plan.errors:
        return "; ".join(f"{path}: {error}" for error in plan.errors)
    if any(row.new_user or row.new_enrolment or row.new_member for row in plan.rows):
        result = roster_import(session=session, data=data, filename=path.name, actor=trainer)
        if result.errors:
            return "; ".join(f"{path}: {error}" for error in result.errors)
    return None


def _add_demo_trainee(*, training_class: TrainingClass, trainer) -> None:
    trainee = get_user_model().objects.filter(email=DEMO_TRAINEE_EMAIL).first()
    if trainee is None:
        return
    # The trainer enrols them, as the roster import does: no prerequisite is asked for.
    enrolment_create(user=trainee, course=training_class.course, source="roster", actor=trainer)
    ClassMember.objects.get_or_create(
        training_class=training_class, user=trainee, defaults={"added_by": trainer}
    )


def _mark_today(*, session: ClassSession, trainer) -> int:
    unmarked = sorted(
        (
            entry
            for entry in session_roster(session=session)
            if entry.status is None and entry.email != DEMO_TRAINEE_EMAIL
        ),
        key=lambda entry: entry.email,
    )
    if not unmarked or Attendance.objects.filter(session=session).exists():
        return 0  # marked on an earlier run: later check-ins and corrections stay as they are
    planned = [(AttendanceStatus.LATE, note) for note, count in LATE for _ in range(count)]
    planned += [(AttendanceStatus.EXCUSED, note) for note, count in EXCUSED for _ in range(count)]
    planned += [(AttendanceStatus.ABSENT, "")] * ABSENT_COUNT
    marks = {}
    for index, entry in enumerate(unmarked):
        marks[entry.user_id] = planned[index] if index < len(planned) else ("present", "")
    return attendance_mark(session=session, marks=marks, actor=trainer).changed


def _evaluate_completions(*, session: ClassSession) -> int:
    attended = Attendance.objects.filter(session=session, status__in=ATTENDED_STATUSES)
    enrolments = Enrolment.objects.filter(
        course=session.training_class.course,
        user__in=attended.values("user_id"),
        completed_at__isnull=True,
    )
    return sum(completion_evaluate(enrolment=enrolment) for enrolment in enrolments)


def load_class(*, fixtures: Path, stdout) -> str:
    course = CoursePage.objects.filter(track="building", language="vi").first()
    if course is None:
        return "Classes: skipped (no Vietnamese building course)"
    trainer = get_user_model().objects.filter(email=TRAINER_EMAIL).first()
    if trainer is None:
        return f"Classes: skipped (no trainer {TRAINER_EMAIL})"
    training_class, _created = TrainingClass.objects.get_or_create(course=course, title=CLASS_TITLE)
    training_class.trainers.add(trainer)  # no-op when already there
    today, _next_week = _sessions(training_class)
    error = _import_roster(session=today, fixtures=fixtures, trainer=trainer)
    if error:
        return f"Classes: roster not imported: {error}"
    _add_demo_trainee(training_class=training_class, trainer=trainer)
    marked = _mark_today(session=today, trainer=trainer)
    completed = _evaluate_completions(session=today)
    members = ClassMember.objects.filter(training_class=training_class).count()
    return (
        f"Classes: {CLASS_TITLE!r} with {members} members, 2 sessions; "
        f"{marked} attendances recorded, {completed} completions"
    )


STEPS = [load_class]

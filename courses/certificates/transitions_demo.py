"""Demo step: the seed's 2012 class for ISO secretaries on TCVN ISO 9001:2008, their 2008
certificates, and an open 2008 → 2015 transition, so the whole workflow can be seen on
`make run`. Running it again changes nothing (everything is found by title, code or pair)."""

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from courses.certificates.models import Certificate, EditionTransition
from courses.certificates.services import certificate_issue
from courses.certificates.transitions import transition_open
from courses.classes.models import (
    Attendance,
    ClassMember,
    ClassSession,
    SessionStatus,
    TrainingClass,
)
from courses.learning.enrolment import enrolment_create
from courses.learning.models import Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import CoursePage

CLASS_TITLE = "Lớp thư ký ISO năm 2012 (TCVN ISO 9001:2008)"
SEED_CLASS_TITLE = "Lớp bồi dưỡng thư ký ISO"
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CLASS_DAY = date(2012, 5, 15)
SECRETARY_COUNT = 12
DEADLINE = date(2027, 6, 30)


def _at(hour: int) -> datetime:
    return datetime.combine(CLASS_DAY, time(hour), tzinfo=LOCAL_ZONE)


def _secretaries():
    """The demo secretary and the first ISO secretaries of the seed's roster (by e-mail)."""
    people = (
        get_user_model()
        .objects.filter(class_memberships__training_class__title=SEED_CLASS_TITLE)
        .exclude(email="hocvien@demo.vn")
    )
    demo = list(get_user_model().objects.filter(email="thuky@demo.vn"))
    return demo + list(people.order_by("email")[:SECRETARY_COUNT])


@transaction.atomic
def load_transition(*, fixtures: Path, stdout) -> str:
    old = CoursePage.objects.filter(slug="nhan-thuc-iso-9001-2008").first()
    new = CoursePage.objects.filter(slug="nhan-thuc-iso-9001-2015").first()
    trainer = get_user_model().objects.filter(email="giangvien@demo.vn").first()
    officer = get_user_model().objects.filter(email="canbo@demo.vn").first()
    if not (old and new and trainer and officer):
        return "Transition: skipped (courses or demo staff missing)"
    training_class, _ = TrainingClass.objects.get_or_create(course=old, title=CLASS_TITLE)
    training_class.trainers.add(trainer)
    session, _ = ClassSession.objects.get_or_create(
        training_class=training_class,
        title="Nhận thức TCVN ISO 9001:2008",
        defaults={
            "starts_at": _at(8),
            "ends_at": _at(17),
            "venue": "Hội trường UBND tỉnh",
            "status": SessionStatus.CLOSED,
        },  # fmt: skip
    )
    certified = 0
    for person in _secretaries():
        certified += _history_2012(person, training_class, session, trainer)
    if not EditionTransition.objects.filter(from_edition="9001:2008", course=new).exists():
        transition_open(actor=officer, track="awareness", from_edition="9001:2008",
                        to_edition="9001:2015", course=new, deadline=DEADLINE)  # fmt: skip
    return f"Transition: 2012 class with {certified} certificates (2008), 2008 → 2015 open"


def _history_2012(person, training_class, session, trainer) -> int:
    """Roster, attendance, completion and a 2008 certificate dated 2012, as they were."""
    ClassMember.objects.get_or_create(training_class=training_class, user=person)
    Attendance.objects.get_or_create(
        session=session, user=person,
        defaults={"status": "present", "method": "paper", "recorded_by": trainer},
    )  # fmt: skip
    enrolment = enrolment_create(
        user=person, course=training_class.course, source=EnrolmentSource.ROSTER, actor=trainer
    )
    if enrolment.completed_at is None:  # completed on the class day in 2012
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=EnrolmentStatus.COMPLETED, completed_at=_at(17)
        )
    certificate = Certificate.objects.filter(user=person, course=training_class.course).first()
    if certificate is None:
        certificate = certificate_issue(user=person, course=training_class.course)
        # Demo history: issued on the class day in 2012, with no expiry (validity 0).
        Certificate.objects.filter(pk=certificate.pk).update(issued_at=_at(17), expires_at=None)
    return 1


STEPS = [load_transition]

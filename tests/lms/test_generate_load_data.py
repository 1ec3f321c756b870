import unicodedata
from io import StringIO

import pytest

from django.core.management import CommandError, call_command

from courses.models import (
    ActivityCompletion,
    Attendance,
    Certificate,
    ClassMember,
    CoursePage,
    Enrolment,
    LessonPage,
)
from lms.accounts.models import Agency, AgencyKind, User
from lms.bench.management.commands.generate_load_data import (
    BIG_CLASS_SIZE,
    LOAD_EMAIL_DOMAIN,
    LOAD_OFFICER_EMAIL,
    LOAD_TRAINER_EMAIL,
)
from quizzes.models import QuizPage

TINY = [
    "--agencies=30",
    "--trainees=120",
    "--courses=2",
    "--completions=300",
    "--attendances=100",
    "--certificates=20",
    "--batch-size=37",
    "--verbosity=0",
]


def generate(*extra):
    out = StringIO()
    call_command("generate_load_data", *TINY, *extra, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_generate_load_data_creates_the_requested_volumes():
    output = generate()

    agencies = Agency.objects.filter(code__startswith="LD-")
    assert agencies.count() == 30
    assert agencies.filter(kind=AgencyKind.PROVINCE, parent=None).count() == 1
    assert agencies.filter(kind=AgencyKind.COMMUNE, parent__kind=AgencyKind.DISTRICT).exists()
    assert agencies.filter(merged_into__isnull=False, is_active=False).exists()

    trainees = User.objects.filter(email__startswith="hv", email__endswith=LOAD_EMAIL_DOMAIN)
    assert trainees.count() == 120
    assert not any(user.has_usable_password() for user in trainees[:10])
    for name in trainees.values_list("full_name", flat=True)[:50]:
        assert name == unicodedata.normalize("NFC", name) and len(name.split()) == 3

    assert CoursePage.objects.live().count() == 2
    course = CoursePage.objects.first()
    assert LessonPage.objects.child_of(course).live().count() == 5
    quiz = QuizPage.objects.child_of(course).get()
    assert quiz.slots.count() == 20

    assert ActivityCompletion.objects.count() == 300
    assert Attendance.objects.count() == 100
    assert Certificate.objects.count() == 20
    assert Enrolment.objects.filter(completed_at__isnull=False, status="completed").exists()
    # The hall that the marking benchmark uses: its roster is in place, nobody marked yet.
    assert ClassMember.objects.filter(training_class__title="Lớp tải thử 1").count() == min(
        BIG_CLASS_SIZE, 120
    )
    assert User.objects.filter(email=LOAD_TRAINER_EMAIL, groups__name="trainer").exists()
    assert User.objects.filter(email=LOAD_OFFICER_EMAIL, groups__name="dost_officer").exists()
    assert "120 trainees" in output


@pytest.mark.django_db
def test_generate_load_data_refuses_to_run_twice_on_the_same_database():
    generate()
    with pytest.raises(CommandError, match="already holds load data"):
        generate()
    assert User.objects.filter(email__endswith=LOAD_EMAIL_DOMAIN).count() == 122


@pytest.mark.django_db
def test_generate_load_data_rejects_impossible_volumes():
    with pytest.raises(CommandError, match="--agencies must be at least 1"):
        call_command("generate_load_data", "--agencies=0", stdout=StringIO())
    with pytest.raises(CommandError, match="--courses"):
        call_command("generate_load_data", "--courses=500", stdout=StringIO())
    assert not Agency.objects.filter(code__startswith="LD-").exists()

"""Realistic volumes for benchmarks: an agency tree, trainees, courses, progress, classes,
attendance and certificates, written with bulk_create in batches.

Everything generated is marked (agency codes start with LOAD_AGENCY_PREFIX, e-mail addresses
end with LOAD_EMAIL_DOMAIN) so the command can tell a database that already holds load data and
refuse, instead of doubling it. Use a dedicated database (tests/bench/run.py creates one).
"""

import datetime as dt
import json
import random
import secrets
import sys
from itertools import islice

from tqdm import tqdm

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.certificates.models import CODE_ALPHABET, CODE_LENGTH, Certificate
from courses.classes.models import (
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ClassMember,
    ClassSession,
    SessionStatus,
    TrainingClass,
)
from courses.learning.models import ActivityCompletion, Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import CourseIndexPage, CoursePage, LessonPage, Track
from lms.accounts import roles
from lms.accounts.models import Agency, AgencyKind
from lms.core.text import nfc
from lms.site import demo as core_demo
from quizzes.models import Question, QuestionBank, QuizPage, QuizSlot

LOAD_AGENCY_PREFIX = "LD-"
LOAD_EMAIL_DOMAIN = "load.test"
LOAD_TRAINER_EMAIL = f"giangvien@{LOAD_EMAIL_DOMAIN}"
LOAD_OFFICER_EMAIL = f"canbo@{LOAD_EMAIL_DOMAIN}"
LOAD_BANK_NAME = "Ngân hàng câu hỏi tải thử"
# The trainer's largest class, used to measure marking a full hall in one POST.
BIG_CLASS_SIZE = 500
CLASS_SIZE = 50
QUIZ_QUESTIONS = 20
LESSONS_PER_COURSE = 5

FAMILY_NAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Lương",
]  # fmt: skip
MIDDLE_NAMES = [
    "Văn", "Thị", "Minh", "Quang", "Thu", "Hồng", "Ngọc", "Đức", "Thanh", "Xuân",
    "Hải", "Kim", "Phương", "Quốc", "Thế", "Bảo", "Anh", "Mạnh",
]  # fmt: skip
GIVEN_NAMES = [
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hạnh", "Hiếu", "Hòa", "Hùng",
    "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Nhung",
    "Oanh", "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn",
    "Uyên", "Việt", "Yến", "Đạt", "Ánh", "Ổn",
]  # fmt: skip
POSITIONS = [
    "Chuyên viên", "Chuyên viên chính", "Trưởng phòng", "Phó Trưởng phòng", "Văn thư",
    "Thư ký ISO", "Công chức tư pháp – hộ tịch", "Công chức văn phòng – thống kê", "Kế toán",
]  # fmt: skip
DEPARTMENT_NAMES = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ",
]  # fmt: skip
COMMUNE_KINDS = ["Xã", "Phường", "Thị trấn"]
LESSON_BODY = json.dumps(
    [
        {"type": "heading", "value": "Tài liệu và hồ sơ"},
        {
            "type": "paragraph",
            "value": "<p>Tài liệu quy định cách làm; hồ sơ là bằng chứng đã làm. Cơ quan kiểm "
            "soát cả hai theo điều khoản 7.5 của TCVN ISO 9001:2015.</p>" * 4,
        },
    ]
)


def batched(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def vietnamese_name(rng: random.Random) -> str:
    return nfc(f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}")


def unusable_password() -> str:
    # What set_unusable_password() stores, without running a hasher per user.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


class Command(BaseCommand):
    help = (
        "Generate realistic volumes for benchmarks (agencies, trainees, courses, completions, "
        "attendance, certificates). Refuses to run twice on the same database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agencies", type=int, default=200)
        parser.add_argument("--trainees", type=int, default=5_000)
        parser.add_argument("--courses", type=int, default=8)
        parser.add_argument(
            "--completions", type=int, default=50_000, help="lesson/quiz completion rows"
        )
        parser.add_argument(
            "--attendances",
            type=int,
            default=None,
            help="attendance rows (default: a quarter of --completions)",
        )
        parser.add_argument("--certificates", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=9001)
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        self.batch = options["batch_size"]
        self.progress = options["verbosity"] > 0
        self._check(options)
        attendances = options["attendances"]
        if attendances is None:
            attendances = options["completions"] // 4
        now = timezone.now()

        agencies = self.make_agencies(options["agencies"])
        trainees = self.make_trainees(options["trainees"], agencies)
        staff = self.make_staff(agencies[0])
        courses, activities = self.make_courses(options["courses"])
        enrolments = self.make_progress(trainees, courses, activities, options["completions"], now)
        self.make_classes(trainees, courses, staff["trainer"], attendances, now)
        certified = self.make_certificates(enrolments, options["certificates"], now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data: {len(agencies)} agencies, {len(trainees)} trainees, "
                f"{len(courses)} courses, {len(enrolments)} enrolments, "
                f"{ActivityCompletion.objects.count()} completions, "
                f"{Attendance.objects.count()} attendance rows, {certified} certificates."
            )
        )
        self.stdout.write(f"  trainer: {LOAD_TRAINER_EMAIL}  officer: {LOAD_OFFICER_EMAIL}")

    # -- checks -----------------------------------------------------------------------------

    def _check(self, options):
        for name in ("agencies", "trainees", "courses", "batch_size"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        for name in ("completions", "certificates", "attendances"):
            if (options[name] or 0) < 0:
                raise CommandError(f"--{name} must not be negative")
        if options["courses"] > 50:
            raise CommandError("--courses: at most 50 (course pages go through the page tree)")
        existing = Agency.objects.filter(code__startswith=LOAD_AGENCY_PREFIX).count()
        if existing:
            raise CommandError(
                f"This database already holds load data ({existing} agencies coded "
                f"{LOAD_AGENCY_PREFIX}*). Generate into a fresh database instead."
            )

    def _bar(self, total: int, desc: str):
        return tqdm(total=total, desc=desc, unit="row", file=sys.stderr, disable=not self.progress)

    def _bulk(self, model, objects, desc: str, total: int) -> list:
        created = []
        with self._bar(total, desc) as bar:
            for chunk in batched(objects, self.batch):
                created.extend(model.objects.bulk_create(chunk))
                bar.update(len(chunk))
        return created

    # -- agencies and people ----------------------------------------------------------------

    @transaction.atomic
    def make_agencies(self, count: int) -> list[Agency]:
        """Province → departments and districts (about 1 in 20) → communes under districts."""
        rng = self.rng
        province = Agency.objects.create(
            code=f"{LOAD_AGENCY_PREFIX}0000",
            name="UBND tỉnh Tải Thử",
            kind=AgencyKind.PROVINCE,
            target_headcount=200,
        )
        middle_count = min(count - 1, max(1, (count - 1) // 20))
        middle = []
        for i in range(middle_count):
            is_department = i % 3 == 2
            name = (
                f"{DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]} {i // len(DEPARTMENT_NAMES) + 1}"
                if is_department
                else f"UBND huyện Số {i + 1}"
            )
            middle.append(
                Agency(
                    code=f"{LOAD_AGENCY_PREFIX}{i + 1:04d}",
                    name=nfc(name),
                    kind=AgencyKind.DEPARTMENT if is_department else AgencyKind.DISTRICT,
                    parent=province,
                    target_headcount=rng.randint(40, 400),
                )
            )
        middle = self._bulk(Agency, middle, "agencies (level 2)", len(middle))
        districts = [a for a in middle if a.kind == AgencyKind.DISTRICT] or middle
        communes = [
            Agency(
                code=f"{LOAD_AGENCY_PREFIX}{middle_count + i + 1:05d}",
                name=nfc(f"{rng.choice(COMMUNE_KINDS)} {rng.choice(GIVEN_NAMES)} {i + 1}"),
                kind=AgencyKind.COMMUNE,
                parent=districts[i % len(districts)],
                target_headcount=rng.randint(10, 40),
            )
            for i in range(count - 1 - middle_count)
        ]
        communes = self._bulk(Agency, communes, "agencies (communes)", len(communes))
        # The 2025 mergers: about one commune in fifty joined its neighbour.
        merged = []
        for left, right in zip(communes[::50], communes[1::50], strict=False):
            left.is_active, left.merged_into_id = False, right.pk
            left.merged_at = dt.date(2025, 7, 1)
            merged.append(left)
        Agency.objects.bulk_update(merged, ["is_active", "merged_into", "merged_at"], self.batch)
        return [province, *middle, *communes]

    def make_trainees(self, count: int, agencies: list[Agency]) -> list:
        User = get_user_model()
        rng = self.rng
        active = [a for a in agencies if a.is_active] or agencies
        users = (
            User(
                email=f"hv{i:07d}@{LOAD_EMAIL_DOMAIN}",
                full_name=vietnamese_name(rng),
                position=rng.choice(POSITIONS),
                phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                agency=rng.choice(active),
                password=unusable_password(),
            )
            for i in range(count)
        )
        with transaction.atomic():
            created = self._bulk(User, users, "trainees", count)
            group, _ = Group.objects.get_or_create(name=roles.TRAINEE)
            through = User.groups.through
            self._bulk(
                through,
                (through(user_id=user.pk, group_id=group.pk) for user in created),
                "trainee role",
                count,
            )
        return created

    @transaction.atomic
    def make_staff(self, agency: Agency) -> dict:
        User = get_user_model()
        staff = {}
        for key, email, name, role in (
            ("trainer", LOAD_TRAINER_EMAIL, "Trần Quang Huy", roles.TRAINER),
            ("officer", LOAD_OFFICER_EMAIL, "Phạm Thu Hà", roles.DOST_OFFICER),
        ):
            user = User(email=email, full_name=name, agency=agency, password=unusable_password())
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            staff[key] = user
        return staff

    # -- courses ----------------------------------------------------------------------------

    @transaction.atomic
    def make_courses(self, count: int) -> tuple[list[CoursePage], dict[int, list[int]]]:
        """Course pages with lessons and a 20-question quiz, placed in Wagtail's page tree."""
        home = core_demo.load_home_page()
        index = CourseIndexPage.objects.first()
        if index is None:
            index = CourseIndexPage(title="Khóa học", slug="courses")
            home.add_child(instance=index)
            index.save_revision().publish()
        bank, _ = QuestionBank.objects.get_or_create(name=LOAD_BANK_NAME)
        questions = Question.objects.bulk_create(
            Question(
                bank=bank,
                qtype="single_choice",
                name=f"Câu {n + 1}",
                text=f"Câu {n + 1}: yêu cầu nào của TCVN ISO 9001:2015 nói về hồ sơ?",
                answers=[
                    {"text": f"Điều khoản 7.5.{k + 1}", "fraction": 1.0 if k == 0 else 0.0}
                    for k in range(4)
                ],
            )
            for n in range(QUIZ_QUESTIONS)
        )
        tracks = list(Track.values)
        courses, activities = [], {}
        for n in tqdm(range(count), desc="courses", file=sys.stderr, disable=not self.progress):
            course = CoursePage(
                title=nfc(f"Khóa tải thử {n + 1}: hệ thống quản lý chất lượng"),
                slug=f"tai-thu-{n + 1}",
                summary="Khóa học sinh tự động để đo tốc độ hệ thống.",
                track=tracks[n % len(tracks)],
                certificate_validity_months=36,
            )
            index.add_child(instance=course)
            page_ids = []
            for k in range(LESSONS_PER_COURSE):
                lesson = LessonPage(
                    title=nfc(f"Bài {k + 1}: tài liệu và hồ sơ"),
                    slug=f"bai-{k + 1}",
                    body=LESSON_BODY,
                )
                course.add_child(instance=lesson)
                page_ids.append(lesson.pk)
            quiz = QuizPage(
                title="Bài kiểm tra cuối khóa",
                slug="kiem-tra",
                attempts_allowed=0,
                time_limit_minutes=0,
            )
            course.add_child(instance=quiz)
            QuizSlot.objects.bulk_create(
                QuizSlot(quiz=quiz, question=question, sort_order=i)
                for i, question in enumerate(questions)
            )
            page_ids.append(quiz.pk)
            courses.append(course)
            activities[course.pk] = page_ids
        return courses, activities

    # -- progress ---------------------------------------------------------------------------

    def make_progress(self, trainees, courses, activities, completions: int, now) -> list:
        """Enrolments with a prefix of their activities done; whole courses are completed."""
        rng = self.rng
        enrolments, plan = [], []
        planned = 0
        # Enrol until the planned completions cover the request (at least one enrolment).
        for i in range(len(trainees) * len(courses)):
            if planned >= completions and enrolments:
                break
            user = trainees[i % len(trainees)]
            course = courses[(i // len(trainees)) % len(courses)]
            ids = activities[course.pk]
            # About two in five finish the course; the rest stop somewhere along the way.
            done = len(ids) if rng.random() < 0.4 else rng.randint(1, len(ids) - 1)
            finished = done == len(ids)
            enrolments.append(
                Enrolment(
                    user=user,
                    course=course,
                    source=rng.choice(EnrolmentSource.values),
                    status=EnrolmentStatus.COMPLETED if finished else EnrolmentStatus.ACTIVE,
                    completed_at=now - dt.timedelta(days=rng.randint(1, 900)) if finished else None,
                )
            )
            plan.append(ids[:done])
            planned += done
        with transaction.atomic():
            enrolments = self._bulk(Enrolment, enrolments, "enrolments", len(enrolments))

        def rows():
            remaining = completions
            for enrolment, ids in zip(enrolments, plan, strict=True):
                for page_id in ids:
                    if remaining <= 0:
                        return
                    remaining -= 1
                    yield ActivityCompletion(enrolment_id=enrolment.pk, page_id=page_id)

        with transaction.atomic():
            self._bulk(ActivityCompletion, rows(), "completions", completions)
        return enrolments

    def make_classes(self, trainees, courses, trainer, attendances: int, now) -> None:
        """Classes of 50 with one past session each and its attendance, plus one hall of 500."""
        rng = self.rng
        big = min(BIG_CLASS_SIZE, len(trainees))
        sizes = [big]
        total = 0
        while total < attendances:
            sizes.append(min(CLASS_SIZE, len(trainees), attendances - total))
            total += sizes[-1]
        with transaction.atomic():
            classes = TrainingClass.objects.bulk_create(
                TrainingClass(course=courses[n % len(courses)], title=f"Lớp tải thử {n + 1}")
                for n in range(len(sizes))
            )
            TrainingClass.trainers.through.objects.bulk_create(
                TrainingClass.trainers.through(trainingclass_id=c.pk, user_id=trainer.pk)
                for c in classes
            )
            sessions = []
            for n, training_class in enumerate(classes):
                starts = now + dt.timedelta(days=1) if n == 0 else now - dt.timedelta(days=n % 700)
                sessions.append(
                    ClassSession(
                        training_class=training_class,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=4),
                        venue="Hội trường Sở Khoa học và Công nghệ",
                        status=SessionStatus.PLANNED if n == 0 else SessionStatus.CLOSED,
                    )
                )
            sessions = self._bulk(ClassSession, sessions, "class sessions", len(sessions))
            offset = 0
            members, marks = [], []
            for n, (training_class, session, size) in enumerate(
                zip(classes, sessions, sizes, strict=True)
            ):
                people = [trainees[(offset + k) % len(trainees)] for k in range(size)]
                offset += size
                members.extend(ClassMember(training_class=training_class, user=u) for u in people)
                if n == 0:
                    continue  # the hall of 500 is still to be marked
                marks.extend(
                    Attendance(
                        session=session,
                        user=u,
                        status=rng.choices(AttendanceStatus.values, weights=[80, 8, 5, 7])[0],
                        method=AttendanceMethod.MANUAL,
                        recorded_by=trainer,
                    )
                    for u in people
                )
            self._bulk(ClassMember, members, "class members", len(members))
            self._bulk(Attendance, marks, "attendance", len(marks))

    def make_certificates(self, enrolments, count: int, now) -> int:
        """Certificates for completed enrolments: most valid, some expired, a few revoked."""
        rng = self.rng
        completed = [e for e in enrolments if e.completed_at is not None][:count]
        if len(completed) < count:
            self.stderr.write(
                f"Only {len(completed)} completed enrolments: issuing {len(completed)} "
                f"certificates instead of {count}."
            )
        codes = set()

        def rows():
            for enrolment in completed:
                code = "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
                while code in codes:
                    code = "".join(rng.choices(CODE_ALPHABET, k=CODE_LENGTH))
                codes.add(code)
                roll = rng.random()
                issued = enrolment.completed_at
                if roll < 0.1:  # issued long ago, expired
                    issued = now - dt.timedelta(days=rng.randint(1100, 1500))
                user = enrolment.user
                yield Certificate(
                    user_id=user.pk,
                    course_id=enrolment.course.pk,
                    code=code,
                    issued_at=issued,
                    expires_at=issued + dt.timedelta(days=365 * 3),
                    revoked_at=now - dt.timedelta(days=3) if 0.1 <= roll < 0.13 else None,
                    revoke_reason="Cấp nhầm người" if 0.1 <= roll < 0.13 else "",
                    full_name=user.full_name,
                    agency_name=user.agency.name if user.agency else "",
                    course_title=enrolment.course.title,
                    track=enrolment.course.track,
                    edition=enrolment.course.edition,
                )

        with transaction.atomic():
            self._bulk(Certificate, rows(), "certificates", len(completed))
        return len(completed)

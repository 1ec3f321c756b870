"""Measurements made inside one Django process, on the bench database (django.setup() done).

`prepare` makes the sessions and paths the HTTP measurements need; `measure` counts queries of
the key pages and POSTs and times coverage, certificate PDFs and roster import against their
hand-written baselines (raw SQL, a bare reportlab canvas).
"""

import io
import re
import statistics
import tempfile
import time
import urllib.parse
from pathlib import Path

from openpyxl import Workbook

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.certificates.services import (
    certificate_pdf_bytes,
    certificate_template_for,
    format_code,
    verify_url,
)
from courses.classes.roster import roster_import
from courses.models import (
    Certificate,
    ClassMember,
    ClassSession,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    TrainingClass,
)
from lms.accounts.models import Agency
from lms.bench.management.commands.generate_load_data import (
    LOAD_EMAIL_DOMAIN,
    LOAD_OFFICER_EMAIL,
    LOAD_TRAINER_EMAIL,
)
from lms.coverage.selectors import CoverageFilter, coverage_by_agency
from quizzes.models import QuizPage
from tests.bench.client import loaded_rows
from tests.bench.pdf_floor import bare_page

JOURNEY_PASSWORD = "Bench@2026-tai-thu"  # noqa: S105 - throwaway accounts on the bench database
JOURNEY_LOGINS = 20
ROSTER_ROWS = 5_000
PDF_COUNT = 60
PDF_TIME_LIMIT_S = 30
ROSTER_TIME_LIMIT_S = 60


def _client(user=None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def session_cookie(user) -> str:
    client = _client(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _path(page) -> str:
    # One site: Wagtail gives a path; the bench host (127.0.0.1) falls back to the default site.
    return urllib.parse.urlparse(page.url).path


def prepare(*, journey_users: int) -> dict:
    from allauth.account.models import EmailAddress

    User = get_user_model()
    course = CoursePage.objects.live().filter(slug="tai-thu-1").get()
    quiz = QuizPage.objects.child_of(course).live().get()
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    enrolled = list(
        User.objects.filter(email__endswith=LOAD_EMAIL_DOMAIN, enrolments__course=course).order_by(
            "pk"
        )[: 100 + journey_users]
    )
    hall = ClassSession.objects.filter(training_class__title="Lớp tải thử 1").get()
    trainer = User.objects.get(email=LOAD_TRAINER_EMAIL)
    officer = User.objects.get(email=LOAD_OFFICER_EMAIL)
    journey_people = enrolled[100:]
    # One hash for every login account: hashing per user would dominate the setup time.
    # Spread over the ramp (every n-th simulated trainee), as people arrive at a class.
    stride = max(1, journey_users // JOURNEY_LOGINS)
    login_indexes = list(range(0, len(journey_people), stride))[:JOURNEY_LOGINS]
    logins = [journey_people[index] for index in login_indexes]
    User.objects.filter(pk__in=[u.pk for u in logins]).update(
        password=make_password(JOURNEY_PASSWORD)
    )
    EmailAddress.objects.filter(user__in=logins).delete()
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in logins
    )
    return {
        "course_id": course.pk,
        "lesson_path": _path(lessons[0]),
        "lesson_paths": [_path(lesson) for lesson in lessons],
        "catalogue_path": _path(CourseIndexPage.objects.live().first()),
        "quiz_id": quiz.pk,
        "quiz_path": _path(quiz),
        "trainee_user_id": enrolled[0].pk,
        "trainee": session_cookie(enrolled[0]),
        "quiz_trainees": [session_cookie(u) for u in enrolled[1:31]],
        "trainer": session_cookie(trainer),
        "officer": session_cookie(officer),
        "hall_session_id": hall.pk,
        "hall_user_ids": list(
            ClassMember.objects.filter(training_class_id=hall.training_class_id).values_list(
                "user_id", flat=True
            )
        ),
        "journey_cookies": [session_cookie(u) for u in journey_people],
        "journey_logins": {str(index): journey_people[index].email for index in login_indexes},
        "journey_password": JOURNEY_PASSWORD,
    }


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fn()
    status = getattr(response, "status_code", 200)
    if status >= 400:
        raise RuntimeError(f"in-process request answered {status}")
    return len(queries)


def query_counts(fixtures: dict) -> dict:
    User = get_user_model()
    trainee = User.objects.get(pk=fixtures["trainee_user_id"])
    trainer = User.objects.get(email=LOAD_TRAINER_EMAIL)
    officer = User.objects.get(email=LOAD_OFFICER_EMAIL)
    as_trainee, as_officer, anonymous = _client(trainee), _client(officer), _client()
    counts = {}
    for name, client, path in (
        ("lesson", as_trainee, fixtures["lesson_path"]),
        ("catalogue", anonymous, fixtures["catalogue_path"]),
        ("coverage", as_officer, "/coverage/"),
    ):
        client.get(path)  # warm: caches and lazily built state, as a running worker has them
        counts[name] = _count(lambda client=client, path=path: client.get(path))
    try:
        start = as_trainee.post(f"/quizzes/{fixtures['quiz_id']}/start/")
        attempt_path = start["Location"]
        page = as_trainee.get(attempt_path).content.decode()
        answers = dict(re.findall(r'name="(q-\d+)" value="([^"]+)"', page))
        counts["quiz_submit"] = _count(
            lambda: as_trainee.post(attempt_path.rstrip("/") + "/submit/", answers)
        )
    except Exception as error:  # noqa: BLE001 - reported as a failed measurement, run goes on
        counts["quiz_submit"], counts["quiz_submit_error"] = None, repr(error)
    as_trainer = _client(trainer)
    path = f"/classes/sessions/{fixtures['hall_session_id']}/attendance/"
    form = {f"status_{uid}": "absent" for uid in fixtures["hall_user_ids"]}
    form.update(loaded_rows(as_trainer.get(path).content.decode()))
    try:
        counts["attendance_500"] = _count(lambda: as_trainer.post(path, form))
    except Exception as error:  # noqa: BLE001 - reported as a failed measurement, run goes on
        counts["attendance_500"], counts["attendance_500_error"] = None, repr(error)
    return counts


def _timed(fn, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def coverage_sql() -> list:
    """The same counts as the coverage selector, hand-written: one indexed GROUP BY per measure."""
    user = get_user_model()._meta.db_table
    enrolment, certificate = Enrolment._meta.db_table, Certificate._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        rows = []
        cursor.execute(
            f"SELECT u.agency_id, COUNT(DISTINCT e.user_id) FROM {enrolment} e "  # noqa: S608
            f"JOIN {user} u ON u.id = e.user_id WHERE e.status <> 'withdrawn' "
            "GROUP BY u.agency_id"
        )
        rows += cursor.fetchall()
        cursor.execute(
            f"SELECT u.agency_id, COUNT(DISTINCT e.user_id) FROM {enrolment} e "  # noqa: S608
            f"JOIN {user} u ON u.id = e.user_id WHERE e.completed_at IS NOT NULL "
            "GROUP BY u.agency_id"
        )
        rows += cursor.fetchall()
        for horizon in (now, now + timezone.timedelta(days=60)):
            cursor.execute(
                f"SELECT u.agency_id, COUNT(DISTINCT c.user_id) FROM {certificate} c "  # noqa: S608
                f"JOIN {user} u ON u.id = c.user_id WHERE c.revoked_at IS NULL "
                "AND c.issued_at <= %s AND (c.expires_at IS NULL OR c.expires_at > %s) "
                "AND (%s = %s OR c.expires_at <= %s) GROUP BY u.agency_id",
                [now, now, horizon, now, horizon],
            )
            rows += cursor.fetchall()
    return rows


def measure_coverage(rounds: int) -> dict:
    coverage_by_agency(CoverageFilter())  # warm the agency tree path once
    selector = _timed(lambda: coverage_by_agency(CoverageFilter()), rounds)
    sql = _timed(coverage_sql, rounds)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "coverage.csv"
        command = _timed(
            lambda: call_command(
                "coverage_report", "--format=csv", f"--output={output}", stdout=io.StringIO()
            ),
            rounds,
        )
    selector_ms, sql_ms = statistics.median(selector), statistics.median(sql)
    return {
        "selector_ms": round(selector_ms, 1),
        "sql_ms": round(sql_ms, 1),
        "command_ms": round(statistics.median(command), 1),
        "ratio_to_sql": round(selector_ms / sql_ms, 2),
    }


def _bare_certificate(certificate, template) -> bytes:
    """The floor for PDFs: the lines of text the certificate prints, on a bare canvas, with no
    layout logic, no QR code and no artwork."""
    local = timezone.localtime
    expires = local(certificate.expires_at).strftime("%d/%m/%Y") if certificate.expires_at else ""
    lines = [
        template.issuer_name,
        "Chứng nhận Ông/Bà",
        f"Cơ quan: {certificate.agency_name}",
        "Đã hoàn thành khóa đào tạo",
        certificate.course_title,
        f"Chương trình: {certificate.track}   ·   Tiêu chuẩn: TCVN ISO {certificate.edition}",
        f"Ngày cấp: {local(certificate.issued_at):%d/%m/%Y}",
        f"Có giá trị đến: {expires}",
        f"Số chứng nhận: {format_code(certificate.code)}",
        f"Quét mã QR hoặc truy cập {verify_url(certificate.code)}",
        f"{template.issuing_place}, ngày {local(certificate.issued_at):%d/%m/%Y}",
        template.signatory_title,
        template.issuer_name,
        template.signatory_name,
    ]
    return bare_page(template.title_vi, certificate.full_name, lines)


def _per_second(render, certificates) -> float:
    started = time.perf_counter()
    done = 0
    for certificate in certificates:
        render(certificate)
        done += 1
        if time.perf_counter() - started > PDF_TIME_LIMIT_S:
            break
    return done / (time.perf_counter() - started)


def measure_certificates(rounds: int) -> dict:
    certificates = list(Certificate.objects.select_related("course").order_by("pk")[:PDF_COUNT])
    template = certificate_template_for(certificates[0].course)
    certificate_pdf_bytes(certificates[0], template)  # fonts registered, as in a warm worker
    full, bare = [], []
    for _ in range(rounds):
        full.append(_per_second(lambda c: certificate_pdf_bytes(c, template), certificates))
        bare.append(_per_second(lambda c: _bare_certificate(c, template), certificates))
    per_s, bare_per_s = statistics.median(full), statistics.median(bare)
    return {
        "per_s": round(per_s, 1),
        "bare_per_s": round(bare_per_s, 1),
        "ratio_to_bare": round(per_s / bare_per_s, 2),
    }


def roster_xlsx(prefix: str, agencies: list[str]) -> bytes:
    from courses.learning.roster_reader import COLUMN_LABELS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [COLUMN_LABELS[key].split(" / ")[0] for key in ("full_name", "email", "agency", "position")]
    )
    for n in range(ROSTER_ROWS):
        sheet.append(
            [
                f"Nguyễn Thị Danh Sách {n + 1}",
                f"{prefix}-{n:05d}@roster.{LOAD_EMAIL_DOMAIN}",
                agencies[n % len(agencies)],
                "Chuyên viên",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure_roster(rounds: int) -> dict:
    User = get_user_model()
    trainer = User.objects.get(email=LOAD_TRAINER_EMAIL)
    course = CoursePage.objects.live().filter(slug="tai-thu-1").get()
    agencies = list(
        Agency.objects.filter(code__startswith="LD-", is_active=True).values_list("name", flat=True)
    )
    stamp = int(time.time())
    timings, written = [], []
    for n in range(rounds):
        training_class = TrainingClass.objects.create(course=course, title=f"Danh sách {n + 1}")
        session = ClassSession.objects.create(
            training_class=training_class,
            starts_at=timezone.now() + timezone.timedelta(days=7),
            ends_at=timezone.now() + timezone.timedelta(days=7, hours=4),
            venue="Hội trường",
        )
        data = roster_xlsx(f"r{stamp}-{n}", agencies)
        started = time.perf_counter()
        result = roster_import(session=session, data=data, filename="roster.xlsx", actor=trainer)
        timings.append(time.perf_counter() - started)
        written.append(ClassMember.objects.filter(training_class=training_class).count())
        if getattr(result, "errors", None):
            raise RuntimeError(f"roster import reported errors: {result.errors[:3]}")
        if sum(timings) > ROSTER_TIME_LIMIT_S:
            break  # far over target already: more rounds would only lengthen the run
    return {
        "rows": ROSTER_ROWS,
        "median_s": round(statistics.median(timings), 2),
        "rounds_s": [round(t, 2) for t in timings],
        "members_written": written,
    }


def measure(fixtures: dict, *, rounds: int) -> dict:
    return {
        "queries": query_counts(fixtures),
        "coverage": measure_coverage(rounds),
        "certificates": measure_certificates(rounds),
        "roster": measure_roster(rounds),
    }

import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

import pytest

from django.conf import settings
from django.utils import translation

from lms.accounts import roles

REQUIRE_LIVE = os.environ.get("REQUIRE_LIVE_SERVICES") == "1"

# Fixtures of each area live in their own module so features can grow independently.
pytest_plugins = [
    "tests.fixtures.learning",
    "tests.fixtures.quizzes",
    "tests.fixtures.classes",
    "tests.fixtures.certificates",
    "tests.fixtures.coverage",
]


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """Each test starts in the site's language: a request with the English cookie leaves English
    active in the thread (as Django's LocaleMiddleware does), and messages built outside a
    request by the next test would be in English."""
    yield
    translation.deactivate()


def _skip_or_fail(reason: str):
    """CI sets REQUIRE_LIVE_SERVICES=1: a missing service is then a failure, not a skip."""
    if REQUIRE_LIVE:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def make_user(db):
    from allauth.account.models import EmailAddress

    from lms.accounts.models import User
    from lms.accounts.services import user_add_role

    counter = {"n": 0}

    def make(role=roles.TRAINEE, *, agency=None, full_name=None, email=None, **extra):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.vn"
        user = User.objects.create_user(
            email=email,
            password="secret-pass-123",
            full_name=full_name or f"Nguyễn Văn Thử {counter['n']}",
            agency=agency,
            **extra,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            user_add_role(user=user, role=role)
        return user

    return make


@pytest.fixture
def agency_tree(db):
    """Province → department, district → two communes."""
    from lms.accounts.models import Agency

    province = Agency.objects.create(code="P", name="Tỉnh Thử", kind="province")
    department = Agency.objects.create(
        code="P-STP", name="Sở Tư pháp", kind="department", parent=province, target_headcount=10
    )
    district = Agency.objects.create(
        code="P-TD", name="Huyện Tam Đảo", kind="district", parent=province, target_headcount=20
    )
    commune_a = Agency.objects.create(
        code="P-TD-HS", name="Xã Hồ Sơn", kind="commune", parent=district, target_headcount=5
    )
    commune_b = Agency.objects.create(
        code="P-TD-DT", name="Xã Đại Đình", kind="commune", parent=district, target_headcount=5
    )
    return {
        "province": province,
        "department": department,
        "district": district,
        "commune_a": commune_a,
        "commune_b": commune_b,
    }


@pytest.fixture
def trainee(make_user, agency_tree):
    return make_user(roles.TRAINEE, agency=agency_tree["department"])


@pytest.fixture
def other_trainee(make_user, agency_tree):
    return make_user(roles.TRAINEE, agency=agency_tree["district"])


@pytest.fixture
def trainer(make_user, agency_tree):
    return make_user(roles.TRAINER, agency=agency_tree["province"], is_staff=True)


@pytest.fixture
def secretary(make_user, agency_tree):
    return make_user(roles.SECRETARY, agency=agency_tree["department"])


@pytest.fixture
def officer(make_user, agency_tree):
    return make_user(roles.DOST_OFFICER, agency=agency_tree["province"], is_staff=True)


@pytest.fixture
def editor(make_user, agency_tree):
    return make_user(roles.EDITOR, agency=agency_tree["province"], is_staff=True)


def run_concurrently(count: int, action):
    """Run `action` in `count` threads released together; return (results, errors)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    errors, results = [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as exc:  # noqa: BLE001 - any error reaching a caller is the failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _broker_reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def live_celery(transactional_db):
    """Send tasks to a real celery worker on the configured broker.

    CI starts the worker (LIVE_CELERY_WORKER=1); elsewhere the fixture starts one for the test
    when a broker is configured, and skips otherwise.
    """
    from lms.celery import app

    broker = settings.CELERY_BROKER_URL
    if not broker or not _broker_reachable(broker):
        _skip_or_fail("no celery broker configured (set CELERY_BROKER_URL)")
    process = None
    if os.environ.get("LIVE_CELERY_WORKER") != "1":
        db_url = _database_url_for_worker()
        if db_url is None:
            _skip_or_fail("a live worker needs a server database (set DATABASE_URL)")
        celery = shutil.which("celery", path=os.path.dirname(sys.executable))
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": "lms.settings.worker",
        }
        process = subprocess.Popen(  # noqa: S603
            [
                celery,
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "-Q",
                "default,pdf,exports",
                "--loglevel=WARNING",
                "--hostname",
                f"pytest-{os.getpid()}@%h",
            ],
            env=env,
        )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _wait_for_worker(app)
        yield app
    finally:
        app.conf.task_always_eager = previous
        if process is not None:
            process.terminate()
            process.wait(timeout=30)


def _database_url_for_worker():
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return None
    user = params.get("USER") or "postgres"
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def _wait_for_worker(app, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1)
        if replies:
            return
    _skip_or_fail("the celery worker did not answer within 60 s")


@pytest.fixture
def site_tree(db):
    """Home page as the site root with the course catalogue below it."""
    from courses.models import CourseIndexPage
    from lms.site.demo import load_home_page

    home = load_home_page()
    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        catalogue = CourseIndexPage(title="Khóa học", slug="courses")
        home.add_child(instance=catalogue)
        catalogue.save_revision().publish()
    return {"home": home, "catalogue": catalogue}


@pytest.fixture
def make_course(site_tree):
    """Create a live course with `lessons` live lesson pages (titles in Vietnamese)."""
    from courses.models import CoursePage, LessonPage

    counter = {"n": 0}

    def make(*, lessons=3, track="awareness", **fields):
        counter["n"] += 1
        course = CoursePage(
            title=fields.pop("title", f"Nhận thức về ISO 9001 ({counter['n']})"),
            slug=fields.pop("slug", f"khoa-hoc-{counter['n']}"),
            summary=fields.pop("summary", "Khóa học về hệ thống quản lý chất lượng."),
            track=track,
            **fields,
        )
        site_tree["catalogue"].add_child(instance=course)
        course.save_revision().publish()
        for index in range(1, lessons + 1):
            lesson = LessonPage(
                title=f"Bài {index}: Tài liệu và hồ sơ",
                slug=f"bai-{index}",
                body=[("paragraph", f"<p>Nội dung bài {index}.</p>")],
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
        return course

    return make


@pytest.fixture
def course(make_course):
    return make_course()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` need row locks and real concurrency: skip them on SQLite
    (a newcomer's default), fail in CI where PostgreSQL is required."""
    if request.node.get_closest_marker("postgres") is None:
        return
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _skip_or_fail("needs PostgreSQL (set DATABASE_URL)")

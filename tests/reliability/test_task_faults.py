"""Background jobs survive a worker killed mid-run, and a broker outage never breaks a page."""

import os
import signal
import subprocess
import sys
import time

import pytest

from django.urls import reverse
from django.utils import timezone

from courses.models import Certificate, Enrolment, EnrolmentStatus
from lms.accounts import roles
from tests.conftest import _database_url_for_worker, _skip_or_fail

FAULT_QUEUE = "faults"


def _start_worker(name: str) -> subprocess.Popen:
    db_url = _database_url_for_worker()
    if db_url is None:
        _skip_or_fail("a live worker needs a server database (set DATABASE_URL)")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "lms.settings.worker",
        # Hand a dead worker's message out again within seconds, not the default hour.
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        # The PDFs each issue queues stay with these workers, not the shared one.
        "CELERY_ROUTE_ALL_TO_QUEUE": FAULT_QUEUE,
    }
    celery = os.path.join(os.path.dirname(sys.executable), "celery")
    return subprocess.Popen(  # noqa: S603
        [
            celery,
            "-A",
            "lms",
            "worker",
            "--pool=solo",
            "-Q",
            FAULT_QUEUE,
            "--hostname",
            f"{name}-{os.getpid()}@%h",
            "--loglevel=WARNING",
        ],
        env=env,
        start_new_session=True,
    )


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.mark.celery_worker
@pytest.mark.postgres
def test_bulk_certificate_issue_survives_a_killed_worker(live_celery, make_user, make_course):
    from courses.certificates.tasks import issue_certificates_due

    course = make_course(lessons=1, certificate_validity_months=24)
    total = 40
    for index in range(total):
        user = make_user(roles.TRAINEE, full_name=f"Nguyễn Văn Học Viên {index}")
        Enrolment.objects.create(
            user=user,
            course=course,
            status=EnrolmentStatus.COMPLETED,
            completed_at=timezone.now(),
        )
    first = _start_worker("doomed")
    try:
        result = issue_certificates_due.apply_async(
            kwargs={"course_id": course.pk}, queue=FAULT_QUEUE
        )
        deadline = time.monotonic() + 90
        while Certificate.objects.filter(course=course).count() == 0:
            assert time.monotonic() < deadline, "the first worker never started the job"
            time.sleep(0.05)
    finally:
        _kill(first)
    issued_before_restart = Certificate.objects.filter(course=course).count()
    assert issued_before_restart > 0

    second = _start_worker("survivor")
    try:
        outcome = result.get(timeout=120)
        # Each issue queued its PDF; let the survivor render them before the database is
        # flushed under it.
        deadline = time.monotonic() + 180
        pending = Certificate.objects.filter(course=course, pdf="")
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        _kill(second)
    certificates = Certificate.objects.filter(course=course)
    assert certificates.count() == total  # nothing lost
    assert certificates.values("user").distinct().count() == total  # no duplicates
    assert outcome["issued"] + outcome["already_had"] == total
    assert len(set(certificates.values_list("code", flat=True))) == total
    assert not certificates.filter(pdf="").exists(), "PDFs were not rendered by the worker"


def _drop_connections(app):
    """Forget pooled broker connections so the next send connects to the configured URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_coverage_export_reports_a_broker_outage_on_the_page(
    client, officer, agency_tree, monkeypatch, django_capture_on_commit_callbacks
):
    from lms.celery import app
    from lms.coverage import exports
    from lms.coverage.models import CoverageExport, ExportStatus

    monkeypatch.setattr(exports, "SYNC_EXPORT_MAX_ROWS", 0)  # every export goes to the worker

    dead_broker = "redis://127.0.0.1:1/0"  # nothing listens there
    # celery reads CELERY_BROKER_URL from the environment before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", dead_broker)
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = dead_broker
    _drop_connections(app)
    try:
        client.force_login(officer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("coverage:export"), {"format": "xlsx"})
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        _drop_connections(app)
    export = CoverageExport.objects.get()
    assert response.status_code == 302
    assert export.status == ExportStatus.FAILED
    page = client.get(reverse("coverage:export_status", kwargs={"pk": export.pk}))
    assert page.status_code == 200
    assert "Hệ thống xử lý nền đang tạm ngừng" in page.content.decode()

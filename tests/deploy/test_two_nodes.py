"""Scaling out: two gunicorn web nodes and a worker share PostgreSQL, Redis and an S3 store.

Each node is a separate process with production settings, so nothing they agree on can come
from local memory or local disk: a session started on node A continues on node B, an export
built by the worker is downloaded from node B, a certificate PDF rendered by the worker is
served identically by both nodes.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from django.conf import settings

from lms.accounts import roles
from tests.conftest import _broker_reachable, _database_url_for_worker, _skip_or_fail

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BUCKET = "lms-two-nodes"
PASSWORD = "hai-may-chu-mat-khau-2026"  # noqa: S105
REDIS_URL = os.environ.get("TWO_NODE_REDIS_URL", "redis://127.0.0.1:6379/12")
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not listen on 127.0.0.1:{port} within {STARTUP_SECONDS} s")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Node:
    """One web node seen through plain http.client: cookies are kept by hand, so the Secure
    flag production puts on them does not hide them from a test talking plain HTTP; the
    X-Forwarded-Proto header stands for the TLS-terminating load balancer."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = cookies

    def request(self, method: str, path: str, body: dict | None = None, files: dict | None = None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if files:
            data, headers["Content-Type"] = _multipart(body or {}, files)
        elif body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), content


def _private_object(s3, name: str) -> bytes:
    # Private files sit under the private/ prefix of the bucket (lms.settings.base).
    return s3.get_object(Bucket=BUCKET, Key=f"private/{name}")["Body"].read()


def _signed_download(status, headers, _content) -> bytes:
    """Private files are handed out as a redirect to a signed address that expires in 60 s."""
    import urllib.request

    assert status == 302
    location = headers["Location"]
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310
        return response.read()


@pytest.fixture
def cluster(transactional_db):
    """moto (S3), a worker on its own queue and two gunicorn nodes, all with production
    settings against the test database; yields the ports, the queue and the S3 client."""
    try:
        import boto3
        import moto.server  # noqa: F401
    except ImportError:
        _skip_or_fail("the two-node test needs moto[server] and boto3")
    gunicorn = BIN / "gunicorn"
    celery = BIN / "celery"
    if not gunicorn.exists():
        _skip_or_fail("the two-node test needs gunicorn in the virtualenv")
    broker = settings.CELERY_BROKER_URL
    if not broker or not _broker_reachable(broker):
        _skip_or_fail("the two-node test needs a celery broker (set CELERY_BROKER_URL)")
    if not _broker_reachable(REDIS_URL):
        _skip_or_fail(f"the two-node test needs Redis at {REDIS_URL}")
    database_url = _database_url_for_worker()
    if database_url is None:
        _skip_or_fail("the two-node test needs a server database (set DATABASE_URL)")

    processes: list[subprocess.Popen] = []
    static_root = tempfile.mkdtemp(prefix="lms-two-nodes-static-")
    try:
        s3_port = _free_port()
        processes.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait_for_port(s3_port, processes[-1], "moto server")
        s3_url = f"http://127.0.0.1:{s3_port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=s3_url,
            aws_access_key_id="test",
            aws_secret_access_key="test",  # noqa: S106
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket=BUCKET)

        queue = f"two-nodes-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "two-node-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://iso.example.vn",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND or broker,
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3_url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "STATIC_ROOT": static_root,
            "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
            "LOG_LEVEL": "WARNING",
        }
        # Manifest static storage: templates' {% static %} needs the hashed names on disk.
        collected = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert collected.returncode == 0, collected.stderr[-2000:]

        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    str(celery),
                    "-A",
                    "lms",
                    "worker",
                    "--pool=solo",
                    "-Q",
                    queue,
                    "--loglevel=WARNING",
                    "--hostname",
                    f"{queue}@%h",
                ],
                cwd=ROOT,
                env=env,
            )
        )
        ports = []
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        str(gunicorn),
                        "lms.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--timeout",
                        "60",
                        # Both nodes run on one machine here: no shared control socket path.
                        "--no-control-socket",
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
            ports.append(port)
        for port, process in zip(ports, processes[-2:], strict=True):
            _wait_for_port(port, process, f"gunicorn on {port}")
            status, _headers, body = Node(port, {}).request("GET", "/healthz")
            assert status == 200, body
        yield {"ports": ports, "queue": queue, "s3": s3}
    finally:
        _stop(processes)
        shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture
def worker_queue(cluster):
    """Send the test process's tasks to the cluster's own worker (it writes to the bucket)."""
    from lms.celery import app

    def send(task, *args, **kwargs):
        task.apply_async(args=args, kwargs=kwargs, queue=cluster["queue"])
        return True

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield send
    finally:
        app.conf.task_always_eager = previous


def _production_password(user) -> None:
    # Test settings hash with MD5, which production does not accept: store a PBKDF2 hash.
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    type(user).objects.filter(pk=user.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))


def _log_in(node: Node, user) -> None:
    status, _headers, page = node.request("GET", "/accounts/login/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, headers, page = node.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": user.email, "password": PASSWORD},
    )
    assert status == 302, page[:2000]
    assert "sessionid" in node.cookies


def _wait_for(read, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"the worker did not {what} within {timeout} s")


ROSTER = ROOT / "tests" / "courses" / "files" / "import_bom.csv"


def _csrf_token(node: Node, path: str) -> str:
    status, _headers, page = node.request("GET", path)
    assert status == 200, page[:2000]
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def test_session_export_and_certificate_are_shared_by_two_web_nodes(
    cluster, worker_queue, make_user, agency_tree, course, class_session, monkeypatch
):
    from courses.certificates import services as certificate_service
    from courses.certificates.tasks import render_certificate_pdf
    from courses.models import Certificate
    from lms.coverage import services as coverage_services
    from lms.coverage.models import CoverageExport, ExportStatus
    from lms.coverage.selectors import CoverageFilter

    port_a, port_b = cluster["ports"]

    # 1. A session started on node A continues on node B (sessions live in Redis).
    officer = make_user(roles.DOST_OFFICER, agency=agency_tree["province"], is_staff=True)
    _production_password(officer)
    cookies: dict[str, str] = {}
    node_a, node_b = Node(port_a, cookies), Node(port_b, cookies)
    _log_in(node_a, officer)
    status, _headers, page = node_b.request("GET", "/accounts/profile/")
    assert status == 200, page[:2000]
    assert officer.email.encode() in page
    # Sessions in PostgreSQL would pass the check above too: the session must be in Redis.
    import redis

    assert redis.Redis.from_url(REDIS_URL).keys(f"*{cookies['sessionid']}")
    status, headers, _page = Node(port_b, {}).request("GET", "/accounts/profile/")
    assert status == 302 and "/accounts/login/" in headers["Location"]

    # 2. A roster uploaded on node A (file kept in the bucket, token in the Redis session) is
    #    confirmed on node B; node B then exports the session's attendance sheet with it.
    trainer = class_session.training_class.trainers.get()
    _production_password(trainer)
    trainer_cookies: dict[str, str] = {}
    trainer_a, trainer_b = Node(port_a, trainer_cookies), Node(port_b, trainer_cookies)
    _log_in(trainer_a, trainer)
    roster_path = f"/classes/sessions/{class_session.pk}/roster/"
    status, _headers, page = trainer_a.request(
        "POST",
        roster_path,
        {"csrfmiddlewaretoken": _csrf_token(trainer_a, roster_path)},
        files={"file": (ROSTER.name, ROSTER.read_bytes())},
    )
    assert status == 200, page[:2000]
    token = re.search(rb'name="token" value="([0-9a-f]+)"', page).group(1).decode()
    status, headers, page = trainer_b.request(
        "POST",
        roster_path,
        {"csrfmiddlewaretoken": _csrf_token(trainer_b, roster_path), "token": token},
    )
    assert status == 302, page[:2000]
    assert headers["Location"].endswith(f"/classes/sessions/{class_session.pk}/")
    status, _headers, sheet = trainer_b.request(
        "GET", f"/classes/sessions/{class_session.pk}/attendance.csv"
    )
    assert status == 200
    assert "Nguyễn Thị Thu Hà" in sheet.decode("utf-8-sig")
    assert "Lê Thị Minh Nguyệt" in sheet.decode("utf-8-sig")

    # 3. An export requested on node A's behalf is built by the worker into the bucket and
    #    downloaded from node B.
    monkeypatch.setattr(coverage_services, "enqueue", worker_queue)
    export = coverage_services.export_request(
        user=officer, filters=CoverageFilter(), scope_code="", file_format="xlsx"
    )
    _wait_for(
        lambda: CoverageExport.objects.filter(pk=export.pk, status=ExportStatus.DONE).exists(),
        "build the coverage export",
    )
    export.refresh_from_db()
    stored = _private_object(cluster["s3"], export.file.name)
    content = _signed_download(*node_b.request("GET", f"/coverage/exports/{export.pk}/download/"))
    assert content == stored
    assert content.startswith(b"PK")  # an XLSX is a zip archive

    # 4. A certificate issued here is rendered by the worker and served alike by both nodes.
    trainee = make_user(roles.TRAINEE, agency=agency_tree["department"])
    _production_password(trainee)
    monkeypatch.setattr(
        certificate_service,
        "_render_later",
        lambda pk: worker_queue(render_certificate_pdf, pk),
    )
    certificate = certificate_service.certificate_issue(user=trainee, course=course)
    pdf_name = _wait_for(
        lambda: Certificate.objects.filter(pk=certificate.pk).values_list("pdf", flat=True)[0],
        "render the certificate PDF",
    )
    stored = _private_object(cluster["s3"], pdf_name)
    trainee_cookies: dict[str, str] = {}
    _log_in(Node(port_a, trainee_cookies), trainee)
    downloads = []
    for port in (port_a, port_b):
        response = Node(port, trainee_cookies).request(
            "GET", f"/certificates/{certificate.code}/download/"
        )
        assert "response-content-type=application%2Fpdf" in response[1]["Location"]
        downloads.append(_signed_download(*response))
    assert downloads[0] == downloads[1] == stored
    assert stored.startswith(b"%PDF")

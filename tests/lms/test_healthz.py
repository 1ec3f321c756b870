"""/healthz names each service it checked and answers 503 when any of them fails."""

import socket
import time

import pytest

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _failed(client):
    response = client.get("/healthz")
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["status"] == "unavailable"
    return body


def test_all_services_answer(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "broker": "not configured"},
        "failed": [],
    }


def test_cache_and_session_store_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"

    body = _failed(client)

    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"].startswith("error: ")
    assert body["checks"]["database"] == "ok"


def test_storage_not_writable(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }

    body = _failed(client)

    assert body["failed"] == ["storage"]


def test_storage_check_leaves_no_file_behind(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    assert client.get("/healthz").status_code == 200
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_broker_unreachable_is_reported_quickly(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    started = time.monotonic()
    body = _failed(client)

    assert body["failed"] == ["broker"]
    assert time.monotonic() - started < 10


def test_probe_to_the_node_address_over_http_is_answered(client, settings):
    """The load balancer probes each node by address, over HTTP, with no allowed host name."""
    settings.ALLOWED_HOSTS = ["daotao.example.vn"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400


def test_reachable_broker_is_ok(client, settings):
    import os

    from tests.conftest import _broker_reachable, _skip_or_fail

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url or not _broker_reachable(url):
        _skip_or_fail("no celery broker configured (set CELERY_BROKER_URL)")
    settings.CELERY_BROKER_URL = url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"

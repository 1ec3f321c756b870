"""Liveness of the services a request needs: database, cache/sessions, storage and broker.

Each check answers "ok", "not configured" or raises; `run_checks` turns an exception into
"error: <type>" (the type only: a message could carry a host name or a password).
"""

import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

BROKER_TIMEOUT_SECONDS = 2
OK = "ok"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1")
    return OK


def _cache_aliases() -> list[str]:
    aliases = ["default"]
    if "cache" in settings.SESSION_ENGINE:  # sessions kept in a cache (Redis in production)
        aliases.append(getattr(settings, "SESSION_CACHE_ALIAS", "default"))
    return list(dict.fromkeys(aliases))


def check_cache() -> str:
    """Set and read back a key in the cache and in the session store when that is a cache."""
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    for alias in _cache_aliases():
        cache = caches[alias]
        cache.set(key, value, timeout=10)
        if cache.get(key) != value:
            raise RuntimeError("cache lost the key")
        cache.delete(key)
    return OK


def check_storage() -> str:
    """Uploads, certificates and exports need a writable default storage (disk or bucket)."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return OK


def check_broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not configured"
    from kombu import Connection

    with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS)
    return OK


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "broker": check_broker,
}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            results[name] = f"error: {type(error).__name__}"
    return results

"""Production: refuses to start without SECRET_KEY; `manage.py check --deploy` is clean."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env

# Keys printed in this repository: anyone who has read it could sign sessions with them.
PUBLISHED_SECRET_KEYS = {
    "dev-only-not-secret-change-me",  # lms/settings/base.py
    "test-only-secret-key-not-for-production-use-0123456789",  # lms/settings/test.py
}
ENV_EXAMPLE = BASE_DIR / "deploy" / "env.example"


def _example_secret_keys() -> set[str]:
    """SECRET_KEY values in deploy/env.example, read at startup so a new example is refused too."""
    if not ENV_EXAMPLE.exists():
        return set()
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {
        line.split("=", 1)[1].strip().strip("'\"")
        for line in lines
        if line.lstrip("# ").startswith("SECRET_KEY=")
    }


def unsafe_secret_key_reason(key: str) -> str | None:
    """Why `key` must not sign production sessions, or None when it may."""
    if key in PUBLISHED_SECRET_KEYS | _example_secret_keys():
        return "it is published in the repository"
    if len(key) < 50:
        return "it is shorter than 50 characters"
    if len(set(key)) < 5:
        return "it has fewer than 5 distinct characters"
    return None


DEBUG = False
try:
    SECRET_KEY = env.str("SECRET_KEY")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.") from exc
if _reason := unsafe_secret_key_reason(SECRET_KEY):
    raise ImproperlyConfigured(
        f"Set the SECRET_KEY environment variable to a random string of at least 50 characters "
        f'(the current value is refused: {_reason}). One way: python -c "import secrets; '
        f'print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not SITE_URL.startswith("https://") or "127.0.0.1" in SITE_URL or "localhost" in SITE_URL:  # noqa: F405
    raise ImproperlyConfigured(
        "Set SITE_URL to the site's public https address (e.g. https://daotaoiso.vinhphuc.gov.vn): "
        "certificates, QR codes and e-mails carry it."
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    **STORAGES,  # noqa: F405 - keeps S3 media when a bucket is configured
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis that hangs fails the request (and /healthz) instead of holding it.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 5,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True

import os
import subprocess
import sys

import pytest

from django.conf import settings

ROOT = settings.BASE_DIR
PRODUCTION_ENV = {
    "SECRET_KEY": "p" * 20 + "-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "iso.vinhphuc.gov.vn",
    "SITE_URL": "https://iso.vinhphuc.gov.vn",
    "DATABASE_URL": "sqlite:////tmp/lms-deploy-check.sqlite3",
}


def _manage(*args, env):
    # The browser tests allow sync ORM calls in their event loop; a deployment must not.
    dropped = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "lms.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", env={"ALLOWED_HOSTS": "example.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "site_url", ["", "http://iso.vinhphuc.gov.vn", "https://127.0.0.1:8000", "https://localhost"]
)
def test_production_refuses_to_start_without_a_public_https_site_url(site_url):
    result = _manage("check", env={**PRODUCTION_ENV, "SITE_URL": site_url})
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lms.settings.dev';"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
            " s.ALLOWED_HOSTS)",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": "postgres://u@db.example:5432/lms",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
            "EMAIL_URL": "smtp://mail.example:25",
            "ALLOWED_HOSTS": "a.example,b.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    engine, eager, backend, hosts = result.stdout.split(" ", 3)
    assert engine == "django.db.backends.postgresql"
    assert eager == "False"
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert "a.example" in hosts and "b.example" in hosts


def test_newcomer_defaults_need_no_services():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='lms.settings.dev';"
            "from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)",
        ],
        cwd=ROOT,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL")
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


@pytest.mark.django_db
def test_migrations_are_complete():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _keys_printed_in_the_repository() -> list[str]:
    """The dev default, the test key and deploy/env.example's, read from the files themselves."""
    import re

    base = (ROOT / "lms" / "settings" / "base.py").read_text(encoding="utf-8")
    test = (ROOT / "lms" / "settings" / "test.py").read_text(encoding="utf-8")
    example = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    return [
        re.search(r'env\("SECRET_KEY", default="([^"]+)"\)', base).group(1),
        re.search(r'SECRET_KEY = "([^"]+)"', test).group(1),
        re.search(r"^SECRET_KEY=(.+)$", example, re.MULTILINE).group(1),
    ]


@pytest.mark.parametrize(
    "key",
    [
        *_keys_printed_in_the_repository(),
        "k3y-" * 12,  # 48 characters
        "ab" * 40,  # long, but two distinct characters
    ],
)
def test_production_refuses_unsafe_secret_keys(key):
    result = _manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_a_new_key_printed_in_env_example(tmp_path):
    """The example is read at startup: whatever it prints is refused, not a fixed list."""
    import shutil

    key = "printed-in-the-example-" + "Zq8" * 12
    copy = tmp_path / "lms"
    shutil.copytree(ROOT / "lms", copy / "lms", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "deploy").mkdir()
    (copy / "deploy" / "env.example").write_text(f"SECRET_KEY={key}\n", encoding="utf-8")
    code = "import django; django.setup()"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(PRODUCTION_ENV, SECRET_KEY=key, DJANGO_SETTINGS_MODULE="lms.settings.production")
    env["PYTHONPATH"] = str(copy)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=copy, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "published in the repository" in result.stderr

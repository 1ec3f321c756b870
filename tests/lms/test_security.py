"""Security settings and headers that are not covered by the deployment check."""

import re
from pathlib import Path

import pytest

from tests.lms.test_settings import PRODUCTION_ENV, _manage


def test_production_hashes_new_passwords_with_argon2_and_still_accepts_pbkdf2():
    code = (
        "from django.conf import settings as s;"
        "from django.contrib.auth.hashers import make_password, check_password;"
        "old = make_password('mật-khẩu-cũ', hasher='pbkdf2_sha256');"
        "print(s.PASSWORD_HASHERS[0], make_password('mật-khẩu').split('$')[0],"
        " check_password('mật-khẩu-cũ', old))"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "lms.accounts.hashers.Argon2PasswordHasher",
        "argon2",
        "True",
    ]


# --- Content-Security-Policy ----------------------------------------------------------------

TEMPLATES = Path(__file__).parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.django_db
def test_our_pages_forbid_inline_scripts(client, site_tree):
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert client.get("/accounts/login/").headers["Content-Security-Policy"] == policy


@pytest.mark.django_db
def test_admin_pages_keep_their_inline_scripts(client, make_user):
    client.force_login(make_user(role=None, is_staff=True, is_superuser=True))
    for url in ("/admin/", "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Content-Security-Policy" not in response.headers


@pytest.mark.django_db
def test_policy_allows_the_video_players_and_no_other_frames_by_default(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["frame-src"].split() == [
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ]
    # Media is served by the site itself by default: no other origin is allowed.
    assert directives["img-src"].split() == ["'self'", "data:"]
    assert directives["media-src"].split() == ["'self'"]


@pytest.mark.django_db
def test_policy_allows_the_configured_media_host_and_embed_origins(client, settings):
    settings.MEDIA_URL = "https://cdn.daotao.example.vn/media/"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "lms-media", "endpoint_url": "https://s3.example.vn:9000"},
        },
    }
    settings.CSP_EMBED_ORIGINS = ["https://video.daotao.example.vn"]

    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    media = ["'self'", "https://cdn.daotao.example.vn", "https://s3.example.vn:9000"]
    assert directives["img-src"].split() == [*media, "data:"]
    assert directives["media-src"].split() == media
    assert directives["frame-src"] == "https://video.daotao.example.vn"
    assert directives["script-src"] == "'self'"


@pytest.mark.django_db
def test_policy_names_an_s3_custom_domain_and_forbids_frames_when_no_embeds(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "lms-media", "custom_domain": "media.daotao.example.vn"},
        },
    }
    settings.CSP_EMBED_ORIGINS = []

    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert "img-src 'self' https://media.daotao.example.vn data:" in policy
    assert "frame-src 'none'" in policy


@pytest.mark.django_db
def test_wagtail_admin_loads_no_avatar_from_the_internet(client, editor):
    from wagtail.users.utils import get_gravatar_url

    assert get_gravatar_url(editor.email) is None
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode().lower()


def test_no_template_of_ours_has_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES)
        # Overrides of the Wagtail/Django admin run under the admins' own rules.
        if relative.parts[0] in {"admin", "wagtailadmin"}:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            offenders += [f"{relative}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert offenders == []
    assert (TEMPLATES.parent / "lms" / "static" / "lms" / "js" / "site.js").exists()


# --- login rate limit and CSRF -----------------------------------------------------------


@pytest.mark.django_db
def test_repeated_failed_logins_for_one_account_are_refused(client, trainee):
    from django.core.cache import cache

    cache.clear()
    data = {"login": trainee.email, "password": "sai-mật-khẩu"}
    responses = [client.post("/accounts/login/", data) for _ in range(6)]
    refused = ["quá nhiều lần" in r.content.decode() for r in responses]
    assert refused == [False] * 5 + [True]
    # Even the right password is refused until the window passes.
    right = client.post("/accounts/login/", {"login": trainee.email, "password": "secret-pass-123"})
    assert "quá nhiều lần" in right.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


@pytest.mark.django_db
def test_posts_without_csrf_token_are_rejected(trainee):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403

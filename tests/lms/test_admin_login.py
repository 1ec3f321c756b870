"""Both admin logins are the site's login: MFA, lockout, verification and limits apply."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from django.core.cache import cache

pytestmark = pytest.mark.django_db

DOORS = ["/admin/login/", "/django-admin/login/"]
PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(make_user):
    return make_user(role=None, email="quantri@so-khcn.vn", is_staff=True, is_superuser=True)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _through_the_door(client, door, email):
    """Post the password to the admin login, then to wherever it sends the browser."""
    first = client.post(door, {"username": email, "password": PASSWORD})
    assert first.status_code == 302
    assert first["Location"].startswith("/accounts/login/?next=")
    assert not _signed_in(client)
    return client.post(first["Location"], {"login": email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("door", "home"), [("/admin/login/", "/admin/"), ("/django-admin/login/", "/django-admin/")]
)
def test_admin_login_sends_to_the_site_login_keeping_a_safe_next(client, door, home):
    kept = client.get(door, {"next": f"{home}pages/"})
    unsafe = client.get(door, {"next": "https://evil.example/admin/"})

    assert kept["Location"] == f"/accounts/login/?next={home.replace('/', '%2F')}pages%2F"
    assert unsafe["Location"] == f"/accounts/login/?next={home.replace('/', '%2F')}"


@pytest.mark.parametrize("door", DOORS)
def test_password_posted_to_an_admin_login_opens_no_session(client, door, superuser):
    response = client.post(door, {"username": superuser.email, "password": PASSWORD})

    assert response.status_code == 302
    assert not _signed_in(client)
    assert client.get("/django-admin/").status_code == 302


@pytest.mark.parametrize("door", DOORS)
def test_staff_with_totp_needs_the_code_at_every_door(client, door, superuser):
    TOTP.activate(superuser, generate_totp_secret())

    response = _through_the_door(client, door, superuser.email)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert not _signed_in(client)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("door", DOORS)
def test_locked_out_account_stays_out_at_every_door(client, door, superuser):
    for _ in range(5):
        client.post("/accounts/login/", {"login": superuser.email, "password": "sai-mật-khẩu"})

    response = _through_the_door(client, door, superuser.email)

    assert "quá nhiều lần" in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.parametrize("door", DOORS)
def test_unverified_email_gets_no_session_at_any_door(client, settings, door, superuser):
    assert settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    EmailAddress.objects.filter(user=superuser).update(verified=False)

    response = _through_the_door(client, door, superuser.email)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-email/")
    assert not _signed_in(client)


@pytest.mark.parametrize("door", DOORS)
def test_the_site_login_is_rate_limited_for_admins_too(client, settings, door, superuser):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    location = client.get(door)["Location"]

    statuses = [
        client.post(location, {"login": superuser.email, "password": "x"}).status_code
        for _ in range(3)
    ]

    assert statuses[-1] == 429


@pytest.mark.parametrize("door", DOORS)
def test_verified_superuser_gets_in_through_the_site_login(client, door, superuser):
    response = _through_the_door(client, door, superuser.email)

    assert response.status_code == 302
    assert _signed_in(client)
    assert client.get("/admin/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.parametrize("admin_home", ["/admin/", "/django-admin/"])
def test_signed_in_person_without_admin_access_is_refused_not_looped(client, trainee, admin_home):
    client.force_login(trainee)

    response = client.get(admin_home, follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_wagtail_password_reset_is_closed(client):
    assert client.get("/admin/password_reset/").status_code == 404

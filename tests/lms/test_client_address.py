"""The client's address behind our proxies, and the limits keyed on it."""

import pytest

from django.core.cache import cache
from django.test import RequestFactory

from lms.core.addresses import client_address


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_spoofed_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_one_proxy_takes_the_entry_it_appended_not_the_spoofed_ones(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "10.9.9.9, 10.8.8.8"; nginx appended the address it saw.
    forwarded = "10.9.9.9, 10.8.8.8, 203.0.113.9"
    assert client_address(_request("127.0.0.1", forwarded)) == "203.0.113.9"


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request("127.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2")) == (
        "203.0.113.9"
    )
    # A request that met only the inner proxy: its single entry is the client.
    assert client_address(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::2", "2001:db8::2"),
        ("not-an-address", "127.0.0.1"),
        ("", "127.0.0.1"),
        (" , ", "127.0.0.1"),
    ],
)
def test_entries_are_parsed_and_garbage_falls_back_to_the_peer(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("127.0.0.1", forwarded)) == expected


def test_allauth_reads_the_same_setting_and_the_same_helper(settings):
    from allauth.account.adapter import get_adapter

    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
    settings.TRUSTED_PROXY_COUNT = 3  # more than the header has: no ImproperlyConfigured
    assert get_adapter().get_client_ip(_request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"


# --- the limits -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [1, 0])
def test_a_hall_of_200_behind_one_address_all_check_in(
    client, settings, make_user, class_session, add_member, proxies
):
    """Behind nginx (distinct X-Forwarded-For) or behind one NAT address (no header), each
    trainee signing in through the form first, as a phone scanning the code does."""
    from courses.classes.tokens import checkin_token
    from courses.models import Attendance

    settings.TRUSTED_PROXY_COUNT = proxies
    trainees = [make_user(email=f"hv{n}@hoitruong.vn") for n in range(200)]
    add_member(class_session.training_class, *trainees)
    url = f"/checkin/{checkin_token(class_session)}/"

    logins, statuses = [], []
    for n, trainee in enumerate(trainees):
        client.logout()
        forwarded = f"10.1.{n // 250}.{n % 250}" if proxies else None
        logins.append(_login(client, trainee.email, "secret-pass-123", forwarded).status_code)
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        statuses.append(client.get(url, REMOTE_ADDR="127.0.0.1", **extra).status_code)

    assert logins == [302] * 200
    assert statuses == [200] * 200
    assert Attendance.objects.filter(session=class_session).count() == 200


@pytest.mark.django_db
def test_verification_limit_counts_the_real_client(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = "/verify/ZZZZZ22222/"
    proxied = {"REMOTE_ADDR": "127.0.0.1"}

    first = [client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxied) for _ in range(31)]
    other = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxied)

    assert [r.status_code for r in first[:30]] == [404] * 30
    assert first[30].status_code == 429
    assert other.status_code == 404


@pytest.mark.django_db
def test_spoofed_header_does_not_escape_the_verification_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    url = "/verify/ZZZZZ22222/"
    statuses = [
        client.get(url, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(31)
    ]
    assert statuses[30] == 429


def _login(client, email, password, forwarded=None):
    extra = {"REMOTE_ADDR": "127.0.0.1"}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


@pytest.mark.django_db
def test_login_limit_is_keyed_on_the_real_client(client, settings, trainee):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}

    flood = [_login(client, "ai@do.vn", "x", "203.0.113.66").status_code for _ in range(4)]
    owner = _login(client, trainee.email, "secret-pass-123", "203.0.113.10")

    assert flood[-1] == 429
    assert owner.status_code == 302
    assert client.session["_auth_user_id"] == str(trainee.pk)


@pytest.mark.django_db
def test_login_limit_ignores_a_spoofed_header_without_trusted_proxies(client, settings, trainee):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}

    statuses = [_login(client, "ai@do.vn", "x", f"10.0.0.{n}").status_code for n in range(4)]

    assert statuses[-1] == 429


@pytest.mark.django_db
def test_strangers_cannot_lock_the_form_or_an_account_faster_than_its_own_limit(
    client, settings, trainee
):
    """Everyone reaches gunicorn from 127.0.0.1; only the per-account limit (5 failures in
    5 minutes) may lock an account, and only the stranger's own address is slowed."""
    settings.TRUSTED_PROXY_COUNT = 1
    # Another stranger guesses across many accounts from one address...
    for n in range(30):
        _login(client, f"nguoi{n}@do.vn", "sai-mật-khẩu", "198.51.100.66")
    # ...and four strangers each try the trainee's account once.
    for n in range(4):
        _login(client, trainee.email, "sai-mật-khẩu", f"198.51.100.{n}")

    response = _login(client, trainee.email, "secret-pass-123", "203.0.113.10")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(trainee.pk)

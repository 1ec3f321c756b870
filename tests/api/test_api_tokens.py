"""Token lifecycle: the command prints the secret once (last line), only a hash is stored,
revoked or expired tokens and inactive owners get 401, a lost role 403; the profile page."""

import datetime as dt
import hashlib
import io

import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lms.accounts import roles
from lms.api.models import ApiToken
from lms.core.models import AuditEvent


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
def test_command_prints_the_token_once_on_the_last_line_and_stores_only_its_hash(officer, api_get):
    lines = run("create", officer.email.upper(), "--name", "HR", "--expires", "30")
    secret = lines[-1]
    assert secret.startswith("lms_") and " " not in secret
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[4:12]
    for field in ApiToken._meta.concrete_fields:
        assert secret not in str(getattr(token, field.attname))
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert AuditEvent.objects.filter(verb="api_token.created", actor=officer).count() == 1

    assert api_get("/agencies", secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    listing = run("list", officer.email)
    assert len(listing) == 1 and token.prefix in listing[0] and "active" in listing[0]
    assert secret not in "\n".join(listing)

    run("revoke", token.prefix)
    response = api_get("/agencies", secret)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert "revoked" in run("list")[0]
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 1


@pytest.mark.django_db
def test_revoke_by_id(officer, token_for, api_get):
    secret = token_for(officer)
    run("revoke", str(ApiToken.objects.get().pk))
    assert api_get("/agencies", secret).status_code == 401


@pytest.mark.django_db
def test_command_refuses_unknown_people_trainees_and_unknown_tokens(trainee):
    with pytest.raises(CommandError):
        run("create", "nobody@example.vn")
    with pytest.raises(CommandError):
        run("create", trainee.email)
    with pytest.raises(CommandError):
        run("revoke", "khongco")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_expired_token_inactive_owner_and_garbage_get_401(officer, secretary, token_for, api_get):
    expired = token_for(officer, expires_days=1)
    ApiToken.objects.filter(owner=officer).update(expires_at=timezone.now())
    assert api_get("/agencies", expired).status_code == 401

    inactive = token_for(secretary)
    assert api_get("/people", inactive).status_code == 200
    secretary.is_active = False
    secretary.save()
    assert api_get("/people", inactive).status_code == 401

    assert api_get("/agencies").status_code == 401
    assert api_get("/agencies", "lms_not-a-token").status_code == 401


@pytest.mark.django_db
def test_owner_who_loses_the_staff_role_is_refused(trainer, token_for, api_get):
    from django.contrib.auth.models import Group

    secret = token_for(trainer)
    assert api_get("/courses", secret).status_code == 200
    # The groups relation forgets the cached roles (lms.accounts.signals).
    trainer.groups.remove(Group.objects.get(name=roles.TRAINER))
    assert api_get("/courses", secret).status_code == 403


@pytest.mark.django_db
def test_profile_page_creates_shows_once_lists_and_revokes(client, secretary, api_get):
    client.force_login(secretary)
    profile = client.get("/accounts/profile/")
    assert b"/accounts/api-tokens/" in profile.content

    response = client.post("/accounts/api-tokens/", {"action": "create", "create-name": "Một cửa"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content
    token = ApiToken.objects.get(owner=secretary)
    assert token.name == "Một cửa"
    assert api_get("/people", secret).status_code == 200

    listing = client.get("/accounts/api-tokens/")
    assert token.prefix.encode() in listing.content
    assert secret.encode() not in listing.content

    response = client.post("/accounts/api-tokens/", {"action": "revoke", "token": token.pk})
    assert response.status_code == 302
    assert api_get("/people", secret).status_code == 401


@pytest.mark.django_db
def test_profile_page_refuses_trainees_and_other_peoples_tokens(
    client, trainee, secretary, officer, token_for
):
    client.force_login(trainee)
    assert b"/accounts/api-tokens/" not in client.get("/accounts/profile/").content
    assert client.get("/accounts/api-tokens/").status_code == 403

    token_for(officer)
    client.force_login(secretary)
    other = ApiToken.objects.get(owner=officer)
    response = client.post("/accounts/api-tokens/", {"action": "revoke", "token": other.pk})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.django_db
def test_profile_page_needs_two_factor_where_the_role_requires_it(client, officer, settings):
    settings.MFA_REQUIRED_ROLES = [roles.DOST_OFFICER]
    client.force_login(officer)
    response = client.post("/accounts/api-tokens/", {"action": "create"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not ApiToken.objects.exists()

"""The signed-in person is loaded by one written-out statement: the same user the ORM gives."""

import subprocess
import sys

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from lms.accounts.backends import ModelBackend, user_by_pk

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def test_the_user_is_the_one_the_orm_loads(trainee):
    trainee.last_login = timezone.now()
    trainee.save()
    loaded = user_by_pk(trainee.pk)
    assert type(loaded) is get_user_model()
    assert _fields(loaded) == _fields(get_user_model().objects.get(pk=trainee.pk))
    assert loaded._state.adding is False and loaded._state.db == "default"
    loaded.groups.add(Group.objects.create(name="Ban ISO"))  # a saved, usable instance
    assert trainee.groups.filter(name="Ban ISO").exists()


def test_unknown_and_inactive_people_are_not_signed_in(trainee):
    assert user_by_pk(10**9) is None
    backend = ModelBackend()
    assert backend.get_user(trainee.pk) == trainee
    trainee.is_active = False
    trainee.save()
    assert backend.get_user(trainee.pk) is None


def test_a_session_signs_in_through_the_site(client, trainee):
    client.force_login(trainee)
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert response.wsgi_request.user == trainee


def test_the_web_process_freezes_what_it_loaded():
    code = "import gc, lms.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "lms.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert int(result.stdout.strip().splitlines()[-1]) > 10_000


@pytest.mark.parametrize(
    "signed_in_with",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_a_session_opened_before_the_backends_were_replaced_stays_signed_in(
    client, trainee, signed_in_with
):
    from django.contrib.auth import BACKEND_SESSION_KEY

    client.force_login(trainee)
    session = client.session
    session[BACKEND_SESSION_KEY] = signed_in_with  # as Django and allauth wrote it then
    session.save()
    response = client.get(reverse("profile"))
    assert response.status_code == 200
    assert response.wsgi_request.user == trainee
    assert client.session[BACKEND_SESSION_KEY].startswith("lms.accounts.backends.")

"""Roles are cached between requests, and every way of changing them is seen on the next one."""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from lms.accounts import roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(monkeypatch):
    """As deployed with Redis: the test process's cache is the one every request reads."""
    monkeypatch.setattr("lms.core.pagecache.SHARED", True)


def test_a_per_process_cache_never_holds_roles(make_user, monkeypatch):
    monkeypatch.setattr("lms.core.pagecache.SHARED", False)
    user = make_user(roles.TRAINEE)
    roles.user_roles(_next_request(user))
    assert cache.get(roles._roles_key(user.pk)) is None


def _next_request(user):
    """The user as the next request loads it: a fresh object, roles read through the cache."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def trainer_group():
    return Group.objects.get_or_create(name=roles.TRAINER)[0]


def test_roles_are_read_once_and_then_come_from_the_cache(make_user, django_assert_num_queries):
    user = make_user(roles.TRAINEE)
    assert roles.has_role(_next_request(user), roles.TRAINEE)
    fresh = _next_request(user)
    with django_assert_num_queries(0):
        assert roles.has_role(fresh, roles.TRAINEE)


def test_adding_and_removing_a_role_from_the_user_side(make_user, trainer_group):
    user = make_user(roles.TRAINEE)
    assert not roles.has_role(_next_request(user), roles.TRAINER)
    user.groups.add(trainer_group)
    assert roles.has_role(_next_request(user), roles.TRAINER)
    user.groups.remove(trainer_group)
    assert not roles.has_role(_next_request(user), roles.TRAINER)
    user.groups.add(trainer_group)
    user.groups.clear()
    assert roles.user_roles(_next_request(user)) == frozenset()


def test_adding_and_clearing_from_the_group_side(make_user, trainer_group):
    user = make_user(roles.TRAINEE)
    assert not roles.has_role(_next_request(user), roles.TRAINER)
    trainer_group.user_set.add(user)
    assert roles.has_role(_next_request(user), roles.TRAINER)
    trainer_group.user_set.clear()
    assert not roles.has_role(_next_request(user), roles.TRAINER)


def test_deleting_or_renaming_a_group_takes_the_role_away(make_user, trainer_group):
    user = make_user(roles.TRAINER)
    assert roles.has_role(_next_request(user), roles.TRAINER)
    trainer_group.name = "giảng viên cũ"
    trainer_group.save()
    assert not roles.has_role(_next_request(user), roles.TRAINER)
    trainer_group.name = roles.TRAINER
    trainer_group.save()
    assert roles.has_role(_next_request(user), roles.TRAINER)
    trainer_group.delete()
    assert not roles.has_role(_next_request(user), roles.TRAINER)


def test_roles_read_before_the_commit_are_forgotten_after_it(
    make_user, trainer_group, django_capture_on_commit_callbacks
):
    user = make_user(roles.TRAINER)
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.remove(trainer_group)
        # Another request, before this transaction commits, still reads the trainer role.
        cache.set(roles._roles_key(user.pk), frozenset({roles.TRAINER}))
    assert not roles.has_role(_next_request(user), roles.TRAINER)

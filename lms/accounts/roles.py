"""Roles are Django groups; these names are the contract between code, fixtures and admin."""

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

TRAINEE = "trainee"
TRAINER = "trainer"
SECRETARY = "agency_secretary"
DOST_OFFICER = "dost_officer"
EDITOR = "editor"

ROLE_LABELS = {
    TRAINEE: _("Học viên"),
    TRAINER: _("Giảng viên"),
    SECRETARY: _("Thư ký ISO"),
    DOST_OFFICER: _("Cán bộ Sở KH&CN"),
    EDITOR: _("Biên tập viên"),
}
STAFF_ROLES = (TRAINER, SECRETARY, DOST_OFFICER, EDITOR)


def has_role(user, role: str) -> bool:
    """True when the user is in the role's group; superusers hold every role."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return role in user_roles(user)


def holds_staff_role(user) -> bool:
    """Trainer, agency secretary, DOST officer or editor (administrators hold every role)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_roles(user) & set(STAFF_ROLES))


# Every page asks for the roles of the signed-in person; they are kept in the shared cache and
# forgotten (lms.accounts.signals) whenever a membership changes or a group is renamed or
# deleted. The timeout only bounds changes made outside the ORM, such as raw SQL.
ROLES_CACHE_SECONDS = 15 * 60


def _roles_key(user_id) -> str:
    return f"accounts:roles:{user_id}"


def user_roles(user) -> frozenset[str]:
    """Group names of the user, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    names = getattr(user, "_role_names", None)
    if names is None:
        from lms.core.pagecache import SHARED

        # A per-process cache could not forget a role taken away in another worker.
        names = cache.get(_roles_key(user.pk)) if SHARED else None
        if names is None:
            names = frozenset(user.groups.values_list("name", flat=True))
            if SHARED:
                cache.set(_roles_key(user.pk), names, ROLES_CACHE_SECONDS)
        user._role_names = names
    return names


def user_roles_with(user, keys: list[str]) -> tuple[frozenset[str], dict]:
    """The roles of a signed-in user and the cache entries under `keys`, in one round trip
    to the cache when the roles are cached there too (a page cache keyed by them)."""
    from lms.core.pagecache import SHARED

    wanted = list(keys)
    if SHARED and getattr(user, "_role_names", None) is None:
        wanted.append(_roles_key(user.pk))
    found = cache.get_many(wanted)
    names = found.pop(_roles_key(user.pk), None)
    if names is not None:
        user._role_names = names
    return user_roles(user), found


def forget_roles(user_ids) -> None:
    """Drop the cached roles of these people: the next request reads them again. Dropped
    again after commit: a request in between reads the memberships before the change and
    would otherwise keep them (a role taken away still granted) until the entry expires."""
    keys = [_roles_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))

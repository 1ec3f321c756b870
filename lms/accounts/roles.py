"""Roles are Django groups; these names are the contract between code, fixtures and admin."""

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


def user_roles(user) -> frozenset[str]:
    """Group names of the user, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached

"""Who may manage the agency directory and read the audit log."""

from . import roles


def can_manage_directory(user) -> bool:
    """DOST officers and administrators keep the province's agency directory."""
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.DOST_OFFICER))


def can_read_audit_log(user) -> bool:
    """DOST officers and administrators (superusers hold every role)."""
    return user.is_authenticated and user.is_active and roles.has_role(user, roles.DOST_OFFICER)

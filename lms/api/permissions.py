"""Who may hold an API token."""

from lms.accounts import roles


def can_hold_api_token(user) -> bool:
    """Staff roles (trainer, agency secretary, DOST officer, editor) and administrators."""
    return user.is_active and roles.holds_staff_role(user)

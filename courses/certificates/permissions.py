"""Who may do what with certificates: one function per question, used by views, the API and
templates alike."""

from lms.accounts import roles


def can_administer_certificates(user) -> bool:
    """DOST officers and editors: every certificate, revoke, reissue and change templates."""
    return roles.has_role(user, roles.DOST_OFFICER) or roles.has_role(user, roles.EDITOR)


def can_manage_certificates(user) -> bool:
    """The staff list: DOST officers, editors, and secretaries (scoped to their agency tree)."""
    return can_administer_certificates(user) or roles.has_role(user, roles.SECRETARY)

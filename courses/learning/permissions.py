"""Who may do what in learning: one function per question, used by views and the API."""

from lms.accounts import roles


def can_manage_enrolments(user) -> bool:
    """Trainers and agency secretaries enrol other people (secretaries within their agency)."""
    return roles.has_role(user, roles.TRAINER) or roles.has_role(user, roles.SECRETARY)

"""Who sees coverage, of which agencies, and who runs edition transitions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lms.accounts import roles

from . import selectors


def can_see_coverage(user) -> bool:
    return user.is_authenticated and (
        roles.has_role(user, roles.DOST_OFFICER)
        or roles.has_role(user, roles.EDITOR)
        or roles.has_role(user, roles.SECRETARY)
    )


def coverage_scope_root(user) -> int | None:
    """None = the whole province; otherwise the agency whose subtree the user may see."""
    if roles.has_role(user, roles.DOST_OFFICER) or roles.has_role(user, roles.EDITOR):
        return None
    if roles.has_role(user, roles.SECRETARY) and user.agency_id:
        return user.agency_id
    raise PermissionDenied


def coverage_scope(user, tree: selectors.AgencyTree) -> set[int] | None:
    """None = the whole province; otherwise the agency ids the user may see."""
    root = coverage_scope_root(user)
    return None if root is None else tree.subtree(root)


def narrow_to_agency(tree, scope, code):
    """Scope of the ?agency= code; codes outside the user's scope do not exist for them."""
    if not code:
        return scope, None
    agency_id = tree.by_code(code)
    if agency_id is None or (scope is not None and agency_id not in scope):
        raise Http404
    return tree.subtree(agency_id), agency_id


def can_run_transitions(user) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.DOST_OFFICER))

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from lms.core.audit import audit_record

from .models import Agency


@transaction.atomic
def user_add_role(*, user, role: str, actor=None) -> None:
    """Put the user in the role's group (created on first use); safe to call twice.

    Every actual change leaves one "user.role_add" audit event (lms.accounts.signals); adding a
    role the user already has changes nothing and writes nothing.
    """
    group, _ = Group.objects.get_or_create(name=role)
    # The m2m_changed receiver in signals.py writes the audit event with this actor.
    user._audit_actor = actor
    try:
        user.groups.add(group)
    finally:
        del user._audit_actor
    if hasattr(user, "_role_names"):
        del user._role_names


@transaction.atomic
def agency_merge(*, agency: Agency, into: Agency, actor=None, on=None) -> Agency:
    """Mark `agency` merged into `into`. Members and records stay linked to the old agency,
    so who trained where is kept; reports follow `merged_into` to the surviving agency.

    Raises ValidationError on "merged_into" when the merge would make a cycle (itself, or an
    agency already merged into this one)."""
    before = {"is_active": agency.is_active, "merged_into": agency.merged_into_id}
    agency.merged_into = into
    try:
        agency.clean()
    except ValidationError:
        agency.merged_into_id = before["merged_into"]
        raise
    agency.is_active = False
    agency.merged_at = on
    agency.save(update_fields=["is_active", "merged_into", "merged_at"])
    audit_record(
        actor=actor,
        verb="agency.merge",
        obj=agency,
        before=before,
        after={"is_active": False, "merged_into": into.pk},
    )
    return agency

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from lms.core.audit import audit_record
from lms.core.bulk import bulk_insert
from lms.core.signals import send_bulk_written
from lms.core.text import nfc

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


@dataclass(frozen=True)
class Invitee:
    """A person staff name by e-mail (a roster row, someone at the door)."""

    email: str
    full_name: str = ""
    agency: Agency | None = None
    position: str = ""
    phone: str = ""


# Profile fields an invitation fills when the account lacks them; never overwritten.
PROFILE_FIELDS = ("full_name", "agency", "position", "phone")


def _new_user(invitee: Invitee):
    user = get_user_model()(
        email=invitee.email,
        full_name=nfc(invitee.full_name),
        agency=invitee.agency,
        position=nfc(invitee.position),
        phone=invitee.phone,
    )
    # No password: the person sets one through "forgot password" on the verified address.
    # Same form as set_unusable_password(), whose random string costs ~0.15 ms a row.
    user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    return user


def _fill_profile(user, invitee: Invitee) -> set[str]:
    """Fill what the profile lacks from the invitation; the names of the fields filled."""
    filled = set()
    for name in PROFILE_FIELDS:
        value = getattr(invitee, name)
        value = nfc(value) if isinstance(value, str) else value
        # The agency's id, not the agency: reading it would cost a query per person.
        if value and not getattr(user, user._meta.get_field(name).attname):
            setattr(user, name, value)
            filled.add(name)
    return filled


@transaction.atomic(savepoint=False)  # inside the caller's transaction, no extra round trips
def users_invite_bulk(invitees, *, known: dict | None = None) -> dict:
    """Find or create the account of every invitee: the one write path of accounts staff create
    (class rosters, walk-ins at the door). Returns e-mail (lower case) -> user.

    A new account has an unusable password and a verified primary address, so the person sets
    a password through "forgot password"; an existing one only gets the profile fields it lacks
    (what people entered themselves is never overwritten). `known`: accounts the caller already
    read, by e-mail. Each returned user's `created_now` says whether this call created it.
    Bulk statements: the number of queries does not grow with the invitees.
    """
    User = get_user_model()
    invitees = list({invitee.email.strip().lower(): invitee for invitee in invitees}.items())
    users = dict(known or {})
    missing = [email for email, _invitee in invitees if email not in users]
    if missing and known is None:
        users.update({user.email: user for user in User.objects.filter(email__in=missing)})
    new_users, changed_users, changed_fields = [], [], set()
    for email, invitee in invitees:
        user = users.get(email)
        if user is None:
            users[email] = user = _new_user(Invitee(**{**invitee.__dict__, "email": email}))
            new_users.append(user)
        elif filled := _fill_profile(user, invitee):
            changed_users.append(user)
            changed_fields |= filled
    bulk_insert(User, new_users)
    if any(user.pk is None for user in new_users):
        # Backends that do not return ids from a bulk INSERT: read them back by e-mail.
        ids = dict(
            User.objects.filter(email__in=[u.email for u in new_users]).values_list("email", "pk")
        )
        for user in new_users:
            user.pk = ids[user.email]
    if changed_users:
        User.objects.bulk_update(changed_users, sorted(changed_fields), batch_size=1000)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in new_users
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    if new_users or changed_users:
        send_bulk_written(User)  # bulk writes send no model signals: people counted moved
    created = {id(user) for user in new_users}
    for user in users.values():
        user.created_now = id(user) in created
    return users


def user_invite(*, email: str, full_name: str = "") -> tuple[object, bool]:
    """Find or create one person's account (see `users_invite_bulk`); (user, created)."""
    email = email.strip().lower()
    existing = get_user_model().objects.filter(email=email).first()
    users = users_invite_bulk(
        [Invitee(email=email, full_name=full_name)], known={email: existing} if existing else {}
    )
    return users[email], existing is None

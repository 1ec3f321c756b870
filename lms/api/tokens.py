"""API tokens: the one write path for creating and revoking them, and the lookup that turns a
bearer secret into its owner.

Invariants: the secret is shown once and never stored (only its SHA-256 hash and the first
characters, to tell tokens apart); only people who hold a staff role (or administrators) may own
a usable token; a revoked or expired token, or one whose owner is inactive, authenticates nobody.
Every creation and revocation leaves an audit event.
"""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.api.permissions import can_hold_api_token
from lms.core.audit import audit_record

from .models import ApiToken

TOKEN_MARK = "lms_"  # noqa: S105 - a visible marker, not a secret
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenNotAllowed(ValidationError):
    """The person may not hold an API token; the message says why."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, owner, name: str = "", expires_days: int | None = None, actor=None
) -> tuple[ApiToken, str]:
    """Create a token for `owner`; returns it with the secret, which is not kept anywhere."""
    if not can_hold_api_token(owner):
        raise TokenNotAllowed(
            _("%(user)s không có vai trò được cấp khóa API.") % {"user": owner.email},
            code="role",
        )
    if expires_days is not None and expires_days < 1:
        raise TokenNotAllowed(_("Số ngày hiệu lực phải từ 1 trở lên."), code="expires")
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_MARK}{secret}"
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip()[:100],
        prefix=secret[:PREFIX_LENGTH],
        token_hash=token_hash(raw),
        expires_at=timezone.now() + dt.timedelta(days=expires_days) if expires_days else None,
    )
    audit_record(
        actor=actor or owner,
        verb="api_token.created",
        obj=token,
        after={"owner": owner.email, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    """Revoke `token` (once: revoking again changes nothing)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor or token.owner,
            verb="api_token.revoked",
            obj=token,
            after={"prefix": token.prefix},
        )
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token for this secret, with its owner loaded; None for anything else."""
    if not raw or not raw.startswith(TOKEN_MARK) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("owner", "owner__agency")
        .filter(token_hash=token_hash(raw))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.owner.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(owner):
    return ApiToken.objects.filter(owner=owner).order_by("-created_at", "-pk")


def token_by_id_or_prefix(value: str, *, owner=None) -> ApiToken | None:
    """The token with this id or prefix (of `owner` when given); None when none or several."""
    tokens = ApiToken.objects.select_related("owner")
    if owner is not None:
        tokens = tokens.filter(owner=owner)
    value = value.strip().removeprefix(TOKEN_MARK).rstrip("…")
    matches = tokens.filter(pk=int(value)) if value.isdigit() else tokens.none()
    if not matches.exists():
        matches = tokens.filter(prefix=value[:PREFIX_LENGTH]) if value else tokens.none()
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None

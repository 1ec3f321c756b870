"""Cursor pagination: rows in id order; the cursor is the last id seen, signed so that it is
opaque and cannot be forged into a different query."""

from ninja.errors import HttpError

from django.core import signing
from django.utils.translation import gettext as _

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
_SALT = "lms.api.cursor"


def encode_cursor(last_id: int) -> str:
    return signing.dumps(last_id, salt=_SALT, compress=False)


def decode_cursor(cursor: str) -> int:
    try:
        value = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as error:
        raise HttpError(400, _("Con trỏ phân trang không hợp lệ.")) from error
    if not isinstance(value, int):
        raise HttpError(400, _("Con trỏ phân trang không hợp lệ."))
    return value


def page(queryset, *, cursor: str | None, limit: int, row) -> dict:
    """One page of `queryset` (ordered by id) as {"items": [...], "next": cursor or None}.

    One query: limit + 1 rows tell whether another page follows.
    """
    limit = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [row(item) for item in rows],
        "next": encode_cursor(rows[-1].pk) if more else None,
    }

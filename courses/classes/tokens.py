"""Signed tokens of the QR check-in (rotating every QR_WINDOW_SECONDS) and of the calendar
feeds."""

import hashlib
import hmac
import time

from django.core import signing

from courses.classes.models import ClassSession

# A token names the session and a 30-second window and is signed with the session's own secret,
# so a photo of the screen stops working a minute later and one session's token opens no other.
QR_WINDOW_SECONDS = 30


CALENDAR_SALT = "courses.classes.calendar"


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // QR_WINDOW_SECONDS)


def _signature(session: ClassSession, window: int) -> str:
    message = f"{session.pk}:{window}".encode()
    return hmac.new(session.checkin_secret.encode(), message, hashlib.sha256).hexdigest()[:24]


def checkin_token(session: ClassSession, *, now: float | None = None) -> str:
    window = _window(now)
    return f"{session.pk}-{window}-{_signature(session, window)}"


def checkin_token_session_id(token: str) -> int | None:
    """The session id a token claims; the claim is checked by `checkin_token_is_valid`."""
    head, _, _ = token.partition("-")
    return int(head) if head.isdigit() else None


def checkin_token_is_valid(session: ClassSession, token: str, *, now: float | None = None) -> bool:
    """Valid for the current and the previous window only: an old token cannot be replayed."""
    parts = token.split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return False
    if int(parts[0]) != session.pk:
        return False
    window, current = int(parts[1]), _window(now)
    if window not in (current, current - 1):
        return False
    return hmac.compare_digest(parts[2], _signature(session, window))


def calendar_token(user) -> str:
    """A signed, non-expiring token naming the user, for calendar apps that cannot log in."""
    return signing.dumps(user.pk, salt=CALENDAR_SALT, compress=False)


def calendar_token_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None

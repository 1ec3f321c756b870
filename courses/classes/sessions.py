"""Opening classes and scheduling, editing and cancelling their sessions (audited)."""

import hashlib
import json
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from courses.classes.models import ClassSession, SessionStatus, TrainingClass
from lms.core.audit import audit_record
from lms.core.queue import enqueue
from lms.core.text import nfc

SESSION_FIELDS = ("title", "starts_at", "ends_at", "venue", "status", "checkin_opens_minutes",
                  "checkin_closes_minutes", "late_after_minutes")  # fmt: skip


def _snapshot(session: ClassSession) -> dict:
    return {name: _plain(getattr(session, name)) for name in SESSION_FIELDS}


def _plain(value):
    if isinstance(value, datetime):  # the form gives local time, the database UTC
        return value.astimezone(UTC).isoformat()
    return value


@transaction.atomic
def training_class_create(*, actor, course, title: str, trainers, capacity: int,
                          allow_walk_in: bool) -> TrainingClass:  # fmt: skip
    """Open a class of a course; the audit log records who opened it."""
    training_class = TrainingClass(
        course=course, title=nfc(title), capacity=capacity, allow_walk_in=allow_walk_in
    )
    training_class.full_clean()
    training_class.save()
    training_class.trainers.set(trainers)
    audit_record(
        actor=actor,
        verb="class.create",
        obj=training_class,
        after={
            "course": course.pk,
            "title": training_class.title,
            "trainers": sorted(t.pk for t in trainers),
        },  # fmt: skip
    )
    return training_class


# What a person on the roster plans their day around: a change to any of these is e-mailed.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "venue")


def session_version(session: ClassSession) -> str:
    """A short fingerprint of the session's editable fields: an edit form carries the one it
    was shown with, so `session_save` can tell a form opened before someone else's change."""
    snapshot = json.dumps(_snapshot(session), sort_keys=True, default=str)
    return hashlib.sha256(snapshot.encode()).hexdigest()[:32]


@transaction.atomic
def session_save(
    *, actor, session: ClassSession, before: dict | None = None, seen_version: str = ""
) -> ClassSession:
    """Validate and store a new or edited session; records what changed. Saving a session
    unchanged changes nothing and records nothing.

    Every door (the site's form, the Wagtail admin) saves through here, so the roster hears
    of every move the same way: a new time or place is e-mailed after commit (and the
    day-before reminder goes again for the new date); a status set to cancelled sends the
    cancellation notice, as `session_cancel` does.

    What changed is decided against the row as it is now, locked: two saves of one edit (a
    double click, a resent form) that both read the session before either wrote tell the
    roster once, and only the edited fields are written (a reminder run's marks stay).
    A form shown before someone else changed the session (`seen_version` differs) is refused
    with a ValidationError rather than overwrite that change unseen."""
    session.full_clean()
    created = session.pk is None
    if not created and before is not None:
        current = ClassSession.objects.select_for_update().get(pk=session.pk)
        before = _snapshot(current)
    after = _snapshot(session)
    changed = {k: v for k, v in after.items() if (before or {}).get(k) != v}
    if before is not None and not changed:
        return session
    if before is not None and seen_version and seen_version != session_version(current):
        raise ValidationError(
            gettext_lazy(
                "Buổi học vừa được người khác sửa sau khi bạn mở trang này; hãy mở lại để xem "
                "thay đổi đó rồi sửa tiếp."
            ),  # fmt: skip
            code="stale",
        )
    if created:
        session.save()
    else:
        fields = [*SESSION_FIELDS, "training_class"]
        if "starts_at" in changed:
            session.reminder_sent_at = None
            session.reminders.all().delete()
            fields.append("reminder_sent_at")
        session.save(update_fields=fields)
    event = audit_record(
        actor=actor,
        verb="session.create" if created else "session.update",
        obj=session,
        before={k: before[k] for k in changed} if before else {},
        after=changed,
    )
    if not created:
        _notify_roster(session, changed, event_id=event.pk)
    return session


def _notify_roster(session: ClassSession, changed: dict, *, event_id: int) -> None:
    from courses.classes.tasks import send_session_cancelled, send_session_changed

    session_id = session.pk
    if changed.get("status") == SessionStatus.CANCELLED:
        transaction.on_commit(lambda: enqueue(send_session_cancelled, session_id))
    elif session.status != SessionStatus.CANCELLED and set(changed) & set(NOTIFIED_FIELDS):
        # The audit event names this change: a retry mails only those not yet told of it,
        # and a later move is a new notice.
        key = f"session-{session_id}-{event_id}"
        transaction.on_commit(lambda: enqueue(send_session_changed, session_id, key))


def session_before(session: ClassSession) -> dict:
    """What the session looked like before an edit, for `session_save`."""
    return _snapshot(session)


@transaction.atomic
def session_cancel(*, actor, session: ClassSession) -> bool:
    """Cancel a session and e-mail its roster after commit; a cancelled session stays (its
    history is kept). Cancelling twice changes nothing the second time."""
    updated = (
        ClassSession.objects.filter(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .update(status=SessionStatus.CANCELLED)
    )
    if not updated:
        return False
    before = session.status
    session.status = SessionStatus.CANCELLED
    audit_record(
        actor=actor,
        verb="session.cancel",
        obj=session,
        before={"status": before},
        after={"status": SessionStatus.CANCELLED},
    )
    from courses.classes.tasks import send_session_cancelled

    session_id = session.pk
    transaction.on_commit(lambda: enqueue(send_session_cancelled, session_id))
    return True

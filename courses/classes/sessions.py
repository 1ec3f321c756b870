"""Opening classes and scheduling, editing and cancelling their sessions (audited)."""

from datetime import UTC, datetime

from django.db import transaction

from courses.classes.models import ClassSession, SessionStatus, TrainingClass
from lms.core.audit import audit_record
from lms.core.queue import enqueue
from lms.core.text import nfc

# --- QR check-in tokens ---------------------------------------------------------------------
# A token names the session and a 30-second window and is signed with the session's own secret,
# so a photo of the screen stops working a minute later and one session's token opens no other.












# --- calendar feed tokens -------------------------------------------------------------------






# --- attendance exports ---------------------------------------------------------------------








# --- scheduling: classes and sessions run by staff, no superuser needed -----------------------






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


@transaction.atomic
def session_save(*, actor, session: ClassSession, before: dict | None = None) -> ClassSession:
    """Validate and store a new or edited session; records what changed. Saving a session
    unchanged changes nothing and records nothing.

    Every door (the site's form, the Wagtail admin) saves through here, so the roster hears
    of every move the same way: a new time or place is e-mailed after commit (and the
    day-before reminder goes again for the new date); a status set to cancelled sends the
    cancellation notice, as `session_cancel` does."""
    session.full_clean()
    after = _snapshot(session)
    changed = {k: v for k, v in after.items() if (before or {}).get(k) != v}
    if before is not None and not changed:
        return session
    created = session.pk is None
    if not created and "starts_at" in changed:
        session.reminder_sent_at = None
        session.reminders.all().delete()
    session.save()
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

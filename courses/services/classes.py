"""Who may run which class session, which sessions a person sees, and the signed tokens of
the QR check-in and the calendar feeds."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from courses.models import ClassSession, SessionStatus, TrainingClass
from lms.accounts import roles
from lms.core.audit import audit_record
from lms.core.queue import enqueue
from lms.core.text import nfc

# Staff roles that see and run every class, not only the ones they teach.
CLASS_ADMIN_ROLES = (roles.DOST_OFFICER, roles.EDITOR)

QR_WINDOW_SECONDS = 30
CALENDAR_SALT = "courses.classes.calendar"


def is_class_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(roles.has_role(user, role) for role in CLASS_ADMIN_ROLES)
    )


def sessions_visible_to(user) -> QuerySet[ClassSession]:
    """Sessions a trainer teaches; every session for DOST officers, editors and superusers."""
    sessions = ClassSession.objects.select_related("training_class__course")
    if is_class_admin(user):
        return sessions
    return sessions.filter(training_class__trainers=user).distinct()


def session_for_trainer(*, user, session_id: int) -> ClassSession | None:
    """The session when `user` may run it (its class's trainer or a class admin), else None.

    One query: the trainer check is an EXISTS on the class's trainers; only someone who does
    not teach the class costs a second query for their roles.
    """
    teaches = TrainingClass.trainers.through.objects.filter(
        trainingclass_id=OuterRef("training_class_id"), user_id=user.pk
    )
    session = (
        ClassSession.objects.select_related("training_class__course")
        .annotate(taught_by_user=Exists(teaches))
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return None
    if session.taught_by_user or is_class_admin(user):
        return session
    return None


def class_for_trainer(*, user, class_id: int) -> TrainingClass | None:
    classes = TrainingClass.objects.select_related("course").filter(pk=class_id)
    if not is_class_admin(user):
        classes = classes.filter(trainers=user)
    return classes.first()


def sessions_of_person(user) -> QuerySet[ClassSession]:
    """Sessions a person attends (on the roster) or teaches: what their calendar shows."""
    return (
        ClassSession.objects.select_related("training_class__course")
        .filter(Q(training_class__members__user=user) | Q(training_class__trainers=user))
        .exclude(status=SessionStatus.CANCELLED)
        .distinct()
    )


# --- QR check-in tokens ---------------------------------------------------------------------
# A token names the session and a 30-second window and is signed with the session's own secret,
# so a photo of the screen stops working a minute later and one session's token opens no other.


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


# --- calendar feed tokens -------------------------------------------------------------------


def calendar_token(user) -> str:
    """A signed, non-expiring token naming the user, for calendar apps that cannot log in."""
    return signing.dumps(user.pk, salt=CALENDAR_SALT, compress=False)


def calendar_token_user_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


# --- attendance exports ---------------------------------------------------------------------


def attendance_export_rows(sessions) -> tuple[list[str], list[list[str]]]:
    """Header and rows (one per person and session) for the XLSX/CSV attendance exports."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from courses.models import AttendanceMethod, AttendanceStatus
    from courses.services.attendance import session_roster

    header = [
        _("Buổi học"),
        _("Ngày"),
        _("STT"),
        _("Họ và tên"),
        _("Email"),
        _("Đơn vị"),
        _("Chức vụ"),
        _("Trạng thái"),
        _("Hình thức"),
        _("Ghi chú"),
    ]
    statuses, methods = dict(AttendanceStatus.choices), dict(AttendanceMethod.choices)
    rows = []
    for session in sessions:
        day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
        for number, entry in enumerate(session_roster(session=session), start=1):
            rows.append(
                [
                    str(session),
                    day,
                    number,
                    entry.display_name,
                    entry.email,
                    entry.agency,
                    entry.position,
                    str(statuses.get(entry.status, _("Chưa điểm danh"))),
                    str(methods.get(entry.method, "")),
                    entry.note,
                ]
            )
    return header, rows


def attendance_xlsx(header: list[str], rows: list[list]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from django.utils.translation import gettext as _

    from lms.core.exports import spreadsheet_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Điểm danh")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(spreadsheet_row(row))
    for index, label in enumerate(header, start=1):
        width = max([len(str(label)), *(len(str(row[index - 1])) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM: without it Excel opens Vietnamese text as mojibake."""
    import csv
    import io

    from lms.core.exports import spreadsheet_row

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(spreadsheet_row(row) for row in rows)
    return text.getvalue().encode("utf-8-sig")


# --- scheduling: classes and sessions run by staff, no superuser needed -----------------------


def can_create_class(user) -> bool:
    """DOST officers, editors and administrators open classes for any course."""
    return is_class_admin(user)


def can_schedule_session(user, training_class: TrainingClass) -> bool:
    """Class admins, and the trainers of the class, add and edit its sessions."""
    if is_class_admin(user):
        return True
    return training_class.trainers.filter(pk=user.pk).exists()


def may_schedule_sessions(user) -> bool:
    """Whether the person schedules sessions at all: class admins, and trainers (of their own
    classes only, see `can_schedule_session`)."""
    return is_class_admin(user) or roles.has_role(user, roles.TRAINER)


def classes_scheduled_by(user) -> QuerySet[TrainingClass]:
    """Classes whose sessions `user` adds and edits: the rule of `can_schedule_session` as a
    queryset, for choosing a session's class."""
    classes = TrainingClass.objects.select_related("course").order_by("-created_at")
    if is_class_admin(user):
        return classes
    return classes.filter(trainers=user).distinct()


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
    from courses.tasks.classes import send_session_cancelled, send_session_changed

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
    from courses.tasks.classes import send_session_cancelled

    session_id = session.pk
    transaction.on_commit(lambda: enqueue(send_session_cancelled, session_id))
    return True

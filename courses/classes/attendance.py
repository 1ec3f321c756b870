"""Attendance: the trainer's one-POST marking, walk-ins at the door and QR self check-in."""

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.classes.models import (
    ATTENDED_STATUSES,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ClassMember,
    ClassSession,
    SessionStatus,
    TrainingClass,
)
from courses.classes.permissions import CLASS_ADMIN_ROLES, can_manage_classes
from courses.classes.selectors import session_for_trainer
from courses.learning.signals import send_learning_recorded
from lms.accounts.services import user_invite
from lms.core.audit import audit_record_many
from lms.core.models import AuditEvent
from lms.core.queue import enqueue
from lms.core.text import nfc, vietnamese_sort_key

STATUSES = frozenset(AttendanceStatus.values)
NOTE_MAX_LENGTH = Attendance._meta.get_field("note").max_length


@dataclass
class RosterEntry:
    """One person on a session's roster with their attendance (None when not yet marked)."""

    user_id: int
    full_name: str
    email: str
    agency: str
    position: str
    is_walk_in: bool
    status: str | None
    note: str
    method: str | None

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class AttendanceError(Exception):
    """A check-in or mark that must not be recorded; the message is shown to the user.

    `field` names the form field the message is about, when there is one."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _roster_rows(members, session_id: int):
    """Members LEFT JOIN their attendance of this session, as plain values."""
    return members.annotate(
        this_session=FilteredRelation(
            "user__attendances", condition=Q(user__attendances__session_id=session_id)
        )
    ).values(
        "user_id",
        "is_walk_in",
        full_name=F("user__full_name"),
        email=F("user__email"),
        agency=F("user__agency__name"),
        position=F("user__position"),
        status=F("this_session__status"),
        note=F("this_session__note"),
        method=F("this_session__method"),
    )


def _entry(row: dict) -> RosterEntry:
    return RosterEntry(
        user_id=row["user_id"],
        full_name=row["full_name"] or "",
        email=row["email"],
        agency=row["agency"] or "",
        position=row["position"] or "",
        is_walk_in=row["is_walk_in"],
        status=row["status"],
        note=row["note"] or "",
        method=row["method"],
    )


def _sorted(entries: list[RosterEntry]) -> list[RosterEntry]:
    entries.sort(key=lambda entry: vietnamese_sort_key(entry.display_name))
    return entries


def session_roster(*, session: ClassSession) -> list[RosterEntry]:
    """The class roster with this session's attendance, sorted by given name (Vietnamese order).

    One query: members LEFT JOIN their attendance for this session. Sorting happens in Python
    because databases do not know Vietnamese collation by given name.
    """
    members = ClassMember.objects.filter(training_class_id=session.training_class_id)
    return _sorted([_entry(row) for row in _roster_rows(members, session.pk)])


@dataclass(frozen=True)
class SessionRef:
    """What marking needs of a session; read with the roster, so no query fetches the session."""

    pk: int
    training_class_id: int
    label: str  # str(session), for the audit log
    requires_attendance: bool

    @classmethod
    def of(cls, session: "ClassSession | SessionRef") -> "SessionRef":
        if isinstance(session, SessionRef):
            return session
        return cls(
            pk=session.pk,
            training_class_id=session.training_class_id,
            label=str(session),
            requires_attendance=session.training_class.course.requires_attendance,
        )


def marking_roster(*, session_id: int, user) -> tuple[SessionRef, list[RosterEntry]] | None:
    """The roster of a session the user may mark (trainer of its class or class admin), else None.

    One query when the roster is not empty: the trainer and admin-role checks are EXISTS
    conditions of the roster query itself, and the session fields the marking needs come along
    in each row. This keeps the marking POST within its budget whatever the class size.
    """
    members = ClassMember.objects.filter(training_class__sessions=session_id)
    cached_roles = getattr(user, "_role_names", None)  # set by roles.user_roles on this request
    admin_known = user.is_superuser or (cached_roles is not None and can_manage_classes(user))
    if not admin_known:
        teaches = TrainingClass.trainers.through.objects.filter(
            trainingclass_id=OuterRef("training_class_id"), user_id=user.pk
        )
        conditions = Exists(teaches)
        if cached_roles is None:
            # The roles of this user are not loaded yet: ask the database in the same query.
            conditions |= Exists(Group.objects.filter(user=user.pk, name__in=CLASS_ADMIN_ROLES))
        members = members.filter(conditions)
    rows = list(
        _roster_rows(members, session_id).annotate(
            session_title=F("training_class__sessions__title"),
            session_starts_at=F("training_class__sessions__starts_at"),
            class_title=F("training_class__title"),
            requires_attendance=F("training_class__course__requires_attendance"),
            class_id=F("training_class_id"),
        )
    )
    if not rows:
        # Nobody on the roster, or the user may not run this session: tell them apart the
        # slow way, which only such requests pay.
        session = session_for_trainer(user=user, session_id=session_id)
        return None if session is None else (SessionRef.of(session), [])
    first = rows[0]
    label = first["session_title"] or (
        f"{first['class_title']} – {first['session_starts_at']:%d/%m/%Y}"
    )
    ref = SessionRef(
        pk=session_id,
        training_class_id=first["class_id"],
        label=label,
        requires_attendance=first["requires_attendance"],
    )
    return ref, _sorted([_entry(row) for row in rows])


def _snapshot(status, note, method) -> dict:
    return {"status": status, "note": note, "method": method}


Row = tuple[str | None, str]  # (status or None when not marked, note): what a row says


@dataclass
class MarkResult:
    """What a marking did: how many rows it changed, and the rows it left as they were because
    someone else (a QR check-in, another device) changed them after the page was loaded."""

    changed: int = 0
    kept: list[RosterEntry] = field(default_factory=list)


def _plan(entry: RosterEntry, mark: tuple[str, str], loaded: Row | None) -> str:
    """Whether to skip a mark, keep the row (changed by someone else since the page was
    loaded) or write it."""
    wanted: Row = (mark[0], nfc(mark[1]))
    current: Row = (entry.status, entry.note)
    seen = current if loaded is None else (loaded[0] or None, nfc(loaded[1]))
    if wanted in (current, seen):
        return "skip"  # already so (a second click), or not changed on the page
    return "keep" if current != seen else "write"


def attendance_mark(
    *,
    session: "ClassSession | SessionRef",
    marks: dict[int, tuple[str, str]],
    actor,
    method: str = AttendanceMethod.MANUAL,
    roster: list[RosterEntry] | None = None,
    loaded: dict[int, Row] | None = None,
) -> MarkResult:
    """Record the attendance of many people of one session at once.

    Invariants: only people on the class roster are marked (others raise AttendanceError and
    nothing is written); one Attendance per (session, user), kept by the unique constraint and
    an upsert; every change, and only a change, gets an audit event with before and after.
    A save changes only what its page changed: `loaded` is what each row looked like when the
    page was loaded (missing rows: as they are now). A mark equal to its loaded row is not a
    change; a row changed by someone else since then is kept as it is and returned in `kept`;
    each write is a compare-and-set on the row as read, so a check-in or another save between
    the read and the write is kept too. The same POST twice changes nothing the second time.
    A constant number of queries whatever the class size: pass the `roster` already loaded by
    `session_roster` or `marking_roster` to save one more.
    """
    session = SessionRef.of(session)
    if roster is None:
        members = ClassMember.objects.filter(training_class_id=session.training_class_id)
        roster = [_entry(row) for row in _roster_rows(members, session.pk)]
    by_user = {entry.user_id: entry for entry in roster}
    _check_marks(marks, by_user)
    loaded = loaded or {}

    now = timezone.now()
    result = MarkResult()
    rows, changes = [], []
    for user_id, (status, note) in marks.items():
        entry = by_user[user_id]
        plan = _plan(entry, (status, note), loaded.get(user_id))
        if plan == "keep":
            result.kept.append(entry)
        if plan != "write":
            continue
        note = nfc(note)
        # A method change alone (manual over qr) is not a change of attendance.
        row_method = method if entry.status != status else (entry.method or method)
        rows.append(
            Attendance(
                session_id=session.pk,
                user_id=user_id,
                status=status,
                note=note,
                method=row_method,
                recorded_by_id=getattr(actor, "pk", None),
                recorded_at=now,
            )
        )
        changes.append(
            (
                entry,
                _snapshot(entry.status, entry.note, entry.method) if entry.status else {},
                _snapshot(status, note, row_method),
            )
        )
    if rows:
        if connection.vendor == "postgresql":
            # One statement upserts the rows and writes their audit events: atomic on its own,
            # so the whole class costs one round trip and no transaction block.
            saved = _upsert_with_audit(session=session, rows=rows, changes=changes, actor=actor)
        else:
            saved = _save_with_audit(session=session, rows=rows, changes=changes, actor=actor)
        result.changed = len(saved)
        lost = [entry for entry, _b, _a in changes if entry.user_id not in saved]
        if lost:  # rare: a change landed between our read and our write
            result.kept += _not_as_wanted(session, lost, marks)
        if saved:
            _after_attendance_change(session)
            send_learning_recorded("attendance", [[session.pk, user_id] for user_id in saved])
    result.kept = _sorted(result.kept)
    return result


def _not_as_wanted(session, entries, marks) -> list[RosterEntry]:
    """Of rows another request wrote first, those that now differ from this page's marks (a
    concurrent double click wrote the same thing: nothing to report)."""
    now = {
        user_id: (status, note)
        for user_id, status, note in Attendance.objects.filter(
            session_id=session.pk, user_id__in=[entry.user_id for entry in entries]
        ).values_list("user_id", "status", "note")
    }
    return [
        entry
        for entry in entries
        if now.get(entry.user_id) != (marks[entry.user_id][0], nfc(marks[entry.user_id][1]))
    ]


def _check_marks(marks, by_user) -> None:
    if any(user_id not in by_user for user_id in marks):
        raise AttendanceError(_("Có người không thuộc danh sách lớp."))
    for status, note in marks.values():
        if status not in STATUSES:
            raise AttendanceError(_("Trạng thái điểm danh không hợp lệ."))
        if len(note) > NOTE_MAX_LENGTH:
            raise AttendanceError(
                _("Ghi chú dài quá %(limit)s ký tự.") % {"limit": NOTE_MAX_LENGTH}
            )


@transaction.atomic
def _save_with_audit(*, session, rows, changes, actor) -> set[int]:
    """Other databases (SQLite): the same compare-and-set as PostgreSQL in two statements per
    batch (an UPDATE of the rows still as read, an INSERT of the rows still unmarked), then the
    audit events of the rows written. Returns the user ids written."""
    written = {}  # user_id -> attendance id
    updates = [(row, entry) for row, (entry, _b, _a) in zip(rows, changes, strict=True)]
    inserts = [(row, entry) for row, entry in updates if entry.status is None]
    updates = [(row, entry) for row, entry in updates if entry.status is not None]
    with connection.cursor() as cursor:
        for batch in _batches(updates, columns=8):
            written.update(_update_as_read(cursor, session, batch))
        for batch in _batches(inserts, columns=7):
            written.update(_insert_unmarked(cursor, batch))
    saved = [
        (row, change) for row, change in zip(rows, changes, strict=True) if row.user_id in written
    ]
    for row, _change in saved:
        row.pk = written[row.user_id]
    audit_record_many(
        actor=actor,
        verb="attendance.mark",
        changes=[
            (_AuditedAttendance(session, row, entry), before, {**after, "user": entry.user_id})
            for row, (entry, before, after) in saved
        ],
    )
    return set(written)


def _batches(items: list, *, columns: int):
    size = max(1, (connection.features.max_query_params or 999) // columns - 1)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row_params(row) -> list:
    recorded_at = connection.ops.adapt_datetimefield_value(row.recorded_at)
    return [row.user_id, row.status, row.note, row.method, row.recorded_by_id, recorded_at]


def _update_as_read(cursor, session, batch) -> list[tuple[int, int]]:
    table = Attendance._meta.db_table
    params = []
    for row, entry in batch:
        params += [*_row_params(row), entry.status, entry.note]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
    cursor.execute(
        f"""
        WITH m (user_id, status, note, method, recorded_by_id, recorded_at, was_status,
                was_note) AS (VALUES {values})
        UPDATE {table} SET status = m.status, note = m.note, method = m.method,
            recorded_by_id = m.recorded_by_id, recorded_at = m.recorded_at
        FROM m
        WHERE {table}.session_id = %s AND {table}.user_id = m.user_id
          AND {table}.status = m.was_status AND {table}.note = m.was_note
        RETURNING {table}.user_id, {table}.id
        """,  # noqa: S608 - table name from model metadata, values are parameters
        [*params, session.pk],
    )
    return cursor.fetchall()


def _insert_unmarked(cursor, batch) -> list[tuple[int, int]]:
    table = Attendance._meta.db_table
    params = []
    for row, _entry in batch:
        params += [row.session_id, *_row_params(row)]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(batch))
    cursor.execute(
        f"""
        INSERT INTO {table}
            (session_id, user_id, status, note, method, recorded_by_id, recorded_at)
        VALUES {values}
        ON CONFLICT (session_id, user_id) DO NOTHING
        RETURNING user_id, id
        """,  # noqa: S608 - table name from model metadata, values are parameters
        params,
    )
    return cursor.fetchall()


def _upsert_with_audit(*, session, rows, changes, actor) -> set[int]:
    """PostgreSQL: one statement. Rows read as marked are updated only while they still say
    what was read; rows read as unmarked are inserted unless someone inserted them meanwhile;
    the rows written feed the audit INSERT. Returns the user ids written."""
    content_type = ContentType.objects.get_for_model(Attendance)
    values, params = [], []
    for row, (entry, before, after) in zip(rows, changes, strict=True):
        values.append(
            "(%s::bigint, %s::bigint, %s, %s, %s, %s::bigint, %s::timestamptz, %s::jsonb, "
            "%s::jsonb, %s, %s, %s)"
        )
        params += [
            row.session_id,
            row.user_id,
            row.status,
            row.note,
            row.method,
            row.recorded_by_id,
            row.recorded_at,
            json.dumps(before, cls=DjangoJSONEncoder),
            json.dumps({**after, "user": entry.user_id}, cls=DjangoJSONEncoder),
            str(_AuditedAttendance(session, row, entry))[:200],
            entry.status,
            entry.note,
        ]
    attendance = Attendance._meta.db_table
    audit = AuditEvent._meta.db_table
    sql = f"""
        WITH marks (session_id, user_id, status, note, method, recorded_by_id, recorded_at,
                    before, after, label, was_status, was_note) AS (VALUES {", ".join(values)}),
        updated AS (
            UPDATE {attendance} AS a SET
                status = marks.status, note = marks.note, method = marks.method,
                recorded_by_id = marks.recorded_by_id, recorded_at = marks.recorded_at
            FROM marks
            WHERE a.session_id = marks.session_id AND a.user_id = marks.user_id
              AND marks.was_status IS NOT NULL
              AND a.status = marks.was_status AND a.note = marks.was_note
            RETURNING a.id, a.user_id
        ),
        inserted AS (
            INSERT INTO {attendance}
                (session_id, user_id, status, note, method, recorded_by_id, recorded_at)
            SELECT session_id, user_id, status, note, method, recorded_by_id, recorded_at
            FROM marks WHERE marks.was_status IS NULL
            ON CONFLICT (session_id, user_id) DO NOTHING
            RETURNING id, user_id
        ),
        saved AS (SELECT * FROM updated UNION ALL SELECT * FROM inserted)
        INSERT INTO {audit}
            (actor_id, verb, content_type_id, object_id, object_repr, before, after, at)
        SELECT %s, 'attendance.mark', %s, saved.id::text, marks.label, marks.before,
               marks.after, %s
        FROM saved JOIN marks ON marks.user_id = saved.user_id
        RETURNING (after ->> 'user')::bigint
    """  # noqa: S608 - table names come from model metadata, values are parameters
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, actor_id, content_type.pk, timezone.now()])
        return {user_id for (user_id,) in cursor.fetchall()}


class _AuditedAttendance:
    """What audit_record_many needs of an attendance row whose id the upsert did not return."""

    _meta = Attendance._meta

    def __init__(self, session, attendance, entry):
        self.pk = attendance.pk or f"{session.pk}:{entry.user_id}"
        self._repr = f"{entry.display_name} – {session.label}: {attendance.status}"

    def __str__(self):
        return self._repr


def _after_attendance_change(session: "ClassSession | SessionRef") -> None:
    from courses.classes.tasks import evaluate_session_completions

    session = SessionRef.of(session)
    if not session.requires_attendance:
        return  # attendance cannot change this course's completion
    session_id = session.pk
    # Completion may need many queries (every enrolment of the class): a task does it after
    # the commit, so the trainer's POST stays fast and completion sees the committed marks.
    transaction.on_commit(
        lambda: (
            enqueue(evaluate_session_completions, session_id)
            or evaluate_session_completions(session_id)
        )
    )


@transaction.atomic
def walk_in_add(
    *,
    session: ClassSession,
    actor,
    email: str,
    full_name: str = "",
    status=AttendanceStatus.PRESENT,
) -> Attendance:
    """Put someone who came to the door on the class roster and mark them attended.

    Finds the person by e-mail or creates them (with an unusable password and a verified
    address, so they can set a password through "forgot password"); the roster entry is marked
    is_walk_in; attendance method is walk_in.
    """
    email = (email or "").strip().lower()
    full_name = nfc(full_name)
    if not email:
        raise AttendanceError(_("Cần nhập email."), field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise AttendanceError(
            _("Email: “%(email)s” không phải là địa chỉ email.") % {"email": email[:80]},
            field="email",
        ) from None
    if not full_name and not get_user_model().objects.filter(email=email).exists():
        raise AttendanceError(_("Người mới cần có họ và tên."))
    user, _created = user_invite(email=email, full_name=full_name)
    member, created = ClassMember.objects.get_or_create(
        training_class_id=session.training_class_id,
        user=user,
        defaults={"added_by": actor, "is_walk_in": True},
    )
    if created:
        _enrol(user=user, course=session.training_class.course, actor=actor)
    attendance, before = _record(
        session=session, user=user, status=status, method=AttendanceMethod.WALK_IN, actor=actor
    )
    return attendance


def _enrol(*, user, course, actor) -> None:
    from courses.learning.enrolment import EnrolmentNotAllowed, enrolment_create

    # Being in the room counts even when the course's own rules (prerequisites) keep the
    # person from being enrolled yet; the attendance is recorded either way.
    with contextlib.suppress(EnrolmentNotAllowed):
        enrolment_create(user=user, course=course, source="roster", actor=actor)


def _record(*, session, user, status, method, actor) -> tuple[Attendance, dict]:
    """One person's mark (a walk-in, a QR check-in) through `attendance_mark`, the one write
    path of attendance: the same compare-and-set, audit and completion as a trainer's save.
    Reads only this person's roster row, whatever the class size."""
    members = ClassMember.objects.filter(training_class_id=session.training_class_id, user=user)
    roster = [_entry(row) for row in _roster_rows(members, session.pk)]
    entry = roster[0]
    before = _snapshot(entry.status, entry.note, entry.method) if entry.status else {}
    if entry.status != status:
        attendance_mark(
            session=session,
            marks={user.pk: (status, entry.note)},
            actor=actor,
            method=method,
            roster=roster,
        )
    return Attendance.objects.get(session=session, user=user), before


# --- QR self check-in -----------------------------------------------------------------------


@dataclass
class CheckInResult:
    attendance: Attendance
    already: bool  # the person had already checked in: nothing changed


def checkin_window(session: ClassSession) -> tuple[datetime, datetime]:
    opens = session.starts_at - timedelta(minutes=session.checkin_opens_minutes)
    closes = session.starts_at + timedelta(minutes=session.checkin_closes_minutes)
    return opens, closes


def attendance_check_in(
    *, session: ClassSession, user, now: datetime | None = None
) -> CheckInResult:
    """A trainee's own check-in from the session's QR code.

    Invariants: only inside the check-in window of a planned or open session; present, or late
    once `late_after_minutes` have passed; someone not on the roster is refused unless the class
    allows walk-in self check-in; a second scan changes nothing; two scans at the same moment
    leave one row and no error.
    """
    now = now or timezone.now()
    if session.status in (SessionStatus.CLOSED, SessionStatus.CANCELLED):
        raise AttendanceError(_("Buổi học này đã kết thúc hoặc đã bị hủy, không thể điểm danh."))
    opens, closes = checkin_window(session)
    if now < opens:
        raise AttendanceError(
            _("Chưa đến giờ điểm danh. Điểm danh mở lúc %(time)s ngày %(date)s.")
            % {
                "time": timezone.localtime(opens).strftime("%H:%M"),
                "date": timezone.localtime(opens).strftime("%d/%m/%Y"),
            }
        )
    if now > closes:
        raise AttendanceError(_("Đã hết thời gian điểm danh của buổi học này."))

    training_class = session.training_class
    with transaction.atomic():
        on_roster = ClassMember.objects.filter(training_class=training_class, user=user).exists()
        if not on_roster:
            if not training_class.allow_walk_in:
                raise AttendanceError(
                    _(
                        "Bạn không có trong danh sách lớp “%(class)s”. "
                        "Vui lòng liên hệ giảng viên để được bổ sung."
                    )
                    % {"class": training_class.title}
                )
            ClassMember.objects.get_or_create(
                training_class=training_class, user=user, defaults={"is_walk_in": True}
            )
            _enrol(user=user, course=training_class.course, actor=user)
        existing = Attendance.objects.filter(session=session, user=user).first()
        if existing is not None and existing.status in ATTENDED_STATUSES:
            return CheckInResult(attendance=existing, already=True)
        late = now > session.starts_at + timedelta(minutes=session.late_after_minutes)
        status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
        attendance, _before = _record(
            session=session, user=user, status=status, method=AttendanceMethod.QR, actor=user
        )
    # A concurrent scan may have won the race with the same result.
    return CheckInResult(attendance=attendance, already=False)

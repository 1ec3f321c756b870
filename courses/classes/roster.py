"""Roster import: a class list (CSV or XLSX) becomes users, enrolments and class members."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.classes.models import ClassMember, ClassSession
from courses.learning.models import Enrolment
from courses.learning.roster_messages import roster_error_text, roster_messages
from courses.learning.roster_reader import RosterRow, read_roster
from lms.accounts.matching import AgencyMatcher
from lms.accounts.models import Agency
from lms.accounts.services import Invitee, users_invite_bulk
from lms.core import spreadsheets
from lms.core.audit import audit_record
from lms.core.bulk import bulk_insert, collection_paused
from lms.core.storage import private

# Between preview and confirm the uploaded file waits in private storage under an unguessable
# name; files never confirmed are removed after ROSTER_UPLOAD_MAX_AGE (beat entry
# "roster-upload-cleanup").
ROSTER_UPLOADS = "roster-uploads"
ROSTER_UPLOAD_MAX_AGE = timedelta(days=1)


def roster_upload_keep(*, data: bytes, suffix: str) -> str:
    """Store the exact bytes of a previewed roster; returns the stored name."""
    return private.save(f"{ROSTER_UPLOADS}/{uuid.uuid4().hex}{suffix}", ContentFile(data))


def roster_upload_read(name: str) -> bytes | None:
    if not name.startswith(f"{ROSTER_UPLOADS}/") or not private.exists(name):
        return None
    with private.open(name, "rb") as stored:
        return stored.read()


def roster_upload_discard(name: str) -> None:
    private.delete(name)


def roster_uploads_remove_stale(*, now: datetime | None = None) -> int:
    """Delete uploads older than ROSTER_UPLOAD_MAX_AGE; returns how many. Safe to run twice."""
    cutoff = (now or timezone.now()) - ROSTER_UPLOAD_MAX_AGE
    try:
        _dirs, names = private.listdir(ROSTER_UPLOADS)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{ROSTER_UPLOADS}/{name}"
        if private.get_modified_time(path) < cutoff:
            private.delete(path)
            removed += 1
    return removed


@dataclass
class RosterError:
    row: int  # 0: the file as a whole
    message: str

    def __str__(self):
        return f"row {self.row}: {self.message}" if self.row else self.message


@dataclass(kw_only=True)
class PlannedRow(RosterRow):
    new_user: bool
    new_enrolment: bool
    new_member: bool


@dataclass
class RosterImportResult:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    written: bool = False

    @property
    def created(self) -> int:
        return sum(row.new_user for row in self.rows)

    @property
    def linked(self) -> int:
        return sum(not row.new_user for row in self.rows)

    @property
    def enrolled(self) -> int:
        return sum(row.new_enrolment for row in self.rows)

    @property
    def added(self) -> int:
        return sum(row.new_member for row in self.rows)


def _unknown_agency(row: RosterRow, agencies: AgencyMatcher) -> str:
    if row.agency_code:
        return _("không tìm thấy cơ quan, đơn vị có mã “%(code)s”") % {"code": row.agency_code}
    if clashing := agencies.clashing(row.agency):
        return _("có nhiều cơ quan, đơn vị tên “%(name)s”: %(choices)s; hãy ghi mã đơn vị") % {
            "name": row.agency,
            "choices": "; ".join(clashing),
        }
    message = _("không tìm thấy cơ quan, đơn vị “%(name)s”") % {"name": row.agency}
    suggestions = agencies.suggest(row.agency)
    if suggestions:
        message += "; " + _("có phải là: %(names)s?") % {"names": "; ".join(suggestions)}
    return message


def roster_import(
    *,
    session: ClassSession,
    data: bytes,
    filename: str,
    actor,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> RosterImportResult:
    """Put everyone in a roster file on the session's class roster and enrol them in the course.

    Invariants: all or nothing — if any row is invalid nothing is written, unless
    `skip_invalid`, when the valid rows are written and the invalid ones reported; a dry run
    writes nothing and reports what would happen; running the same file twice changes nothing
    the second time (users are found by e-mail, enrolment and membership are unique).
    """
    with collection_paused():
        return _roster_import(
            session=session,
            data=data,
            filename=filename,
            actor=actor,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )


def _roster_import(*, session, data, filename, actor, dry_run, skip_invalid):
    parsed = read_roster(data, filename, limits=spreadsheets.ImportLimits.from_settings())
    messages = roster_messages()
    result = RosterImportResult(
        errors=[
            RosterError(error.row, roster_error_text(error, messages)) for error in parsed.errors
        ]
    )
    agencies = AgencyMatcher()
    valid: list[tuple[RosterRow, Agency | None]] = []
    for row in parsed.rows:
        agency = None
        if row.agency or row.agency_code:
            agency = agencies.find(name=row.agency, code=row.agency_code)
            if agency is None:
                result.errors.append(RosterError(row.row, _unknown_agency(row, agencies)))
                continue
        valid.append((row, agency))
    result.errors.sort(key=lambda error: error.row)

    course = session.training_class.course
    emails = [row.email for row, _agency in valid]
    User = get_user_model()
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    enrolled_ids = set(
        Enrolment.objects.current()
        .filter(course=course, user__in=users.values())
        .values_list("user_id", flat=True)
    )
    member_ids = set(
        ClassMember.objects.filter(
            training_class_id=session.training_class_id, user__in=users.values()
        ).values_list("user_id", flat=True)
    )
    for row, agency in valid:
        user = users.get(row.email)
        result.rows.append(
            PlannedRow(
                row=row.row,
                full_name=row.full_name,
                email=row.email,
                agency=agency.name if agency else "",
                position=row.position,
                phone=row.phone,
                new_user=user is None,
                new_enrolment=user is None or user.pk not in enrolled_ids,
                new_member=user is None or user.pk not in member_ids,
            )
        )
    if dry_run or (result.errors and not skip_invalid) or not valid:
        return result

    try:
        with transaction.atomic():
            _write(session=session, valid=valid, users=users, actor=actor, result=result)
    except _RowRefused as refused:
        result.errors.append(RosterError(refused.row, refused.message))
        result.errors.sort(key=lambda error: error.row)
        return result
    result.written = True
    return result


class _RowRefused(Exception):
    """A row the enrolment rules refuse; raised inside the transaction to roll it all back."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row, self.message = row, message


def _write(*, session, valid, users, actor, result: RosterImportResult) -> None:
    # Bulk statements throughout: the number of queries does not grow with the number of rows.
    from courses.learning import enrolment as enrolment_service

    course = session.training_class.course
    invited = users_invite_bulk(
        [
            Invitee(
                email=row.email,
                full_name=row.full_name,
                agency=agency,
                position=row.position,
                phone=row.phone,
            )
            for row, agency in valid
        ],
        known={email.lower(): user for email, user in users.items()},
    )
    for row, _agency in valid:
        users[row.email] = invited[row.email.strip().lower()]
    rows_by_user = {}
    to_enrol, to_add = [], []
    for (row, _agency), planned in zip(valid, result.rows, strict=True):
        user = users[row.email]
        rows_by_user[user.pk] = row.row
        if planned.new_enrolment:
            to_enrol.append(user)
        if planned.new_member:
            to_add.append(user)
    try:
        enrolment_service.enrolments_bulk_ensure(
            users=to_enrol,
            course=course,
            source="roster",
            actor=actor,
            fresh_user_ids={user.pk for user in invited.values() if user.created_now},
        )
    except enrolment_service.EnrolmentNotAllowed as refused:
        row = rows_by_user.get(getattr(getattr(refused, "user", None), "pk", None), 0)
        raise _RowRefused(row, " ".join(refused.messages)) from refused
    _members_add(training_class_id=session.training_class_id, users=to_add, actor=actor)
    audit_record(
        actor=actor,
        verb="class.roster_import",
        obj=session.training_class,
        after={
            "session": session.pk,
            "created": result.created,
            "linked": result.linked,
            "enrolled": result.enrolled,
            "added": result.added,
            "skipped_rows": [error.row for error in result.errors],
        },
    )


def _members_add(*, training_class_id: int, users, actor) -> None:
    """Put people on the class roster. Someone may have put a person already known on it
    meanwhile (their rows skip conflicts); people created by this import cannot be on any
    roster yet, so theirs are plain inserts, COPY on PostgreSQL (lms.core.bulk)."""
    added_by = actor if getattr(actor, "pk", None) else None

    def members(fresh: bool) -> list[ClassMember]:
        return [
            ClassMember(training_class_id=training_class_id, user=user, added_by=added_by)
            for user in users
            if user.created_now is fresh
        ]

    bulk_insert(ClassMember, members(fresh=True))
    ClassMember.objects.bulk_create(members(fresh=False), batch_size=1000, ignore_conflicts=True)

"""Enrolment: the one write path for self-enrolment, staff enrolment and bulk lists."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.formats.roster import read_roster
from courses.models import CoursePage, Enrolment, EnrolmentSource, EnrolmentStatus
from courses.signals import send_learning_recorded
from lms.accounts import roles
from lms.core import spreadsheets
from lms.core.audit import audit_record, audit_record_many


class EnrolmentNotAllowed(ValidationError):
    """The actor may not enrol this user in this course; the message says why, in Vietnamese."""


@dataclass
class BulkResult:
    created: int = 0
    existing: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# Vietnamese wording of the roster reader's error codes (the reader itself is English-only).
ROSTER_MESSAGES = {
    "unsupported_file_type": gettext_lazy(
        "loại tệp “%(extension)s” không được hỗ trợ; hãy tải lên .csv hoặc .xlsx"
    ),
    "empty_file": gettext_lazy("tệp trống"),
    "not_utf8": gettext_lazy("tệp không dùng bảng mã UTF-8; hãy lưu lại dưới dạng CSV UTF-8"),
    "utf16": gettext_lazy("tệp dùng bảng mã UTF-16; hãy lưu lại dưới dạng CSV UTF-8"),
    "csv_is_workbook": gettext_lazy("tệp là bảng tính Excel, không phải CSV; hãy đặt đuôi .xlsx"),
    "csv_unreadable": gettext_lazy("không đọc được tệp CSV gần dòng %(line)s"),
    "not_xlsx": gettext_lazy("không đọc được tệp .xlsx; hãy mở bằng Excel và lưu lại dạng .xlsx"),
    "no_header": gettext_lazy(
        "không tìm thấy dòng tiêu đề có cột Email trong %(scanned)s dòng đầu"
    ),
    "missing_column": gettext_lazy("thiếu cột %(column)s"),
    "no_data_rows": gettext_lazy("tệp có dòng tiêu đề nhưng không có dữ liệu"),
    "missing_value": gettext_lazy("thiếu giá trị ở cột %(column)s"),
    "invalid_email": gettext_lazy("email “%(email)s” không hợp lệ"),
    "duplicate_email": gettext_lazy("email %(email)s bị lặp, đã có ở dòng %(first_row)s"),
}


def _located(row: int, message: str) -> str:
    if row:
        return _("Dòng %(row)s: %(message)s") % {"row": row, "message": message}
    return message


def missing_prerequisites(*, user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses the user has not completed yet, in title order."""
    completed = Enrolment.objects.filter(user=user, completed_at__isnull=False).values("course_id")
    return list(course.prerequisites.exclude(pk__in=completed).order_by("title"))


def enrolment_scope_error(*, actor, user) -> str | None:
    """Why `actor` may not enrol `user` (None when allowed). Trainers and DOST officers enrol
    anyone; a secretary only people of their own agency and its sub-agencies."""
    if _enrols_anyone(actor):
        return None
    if roles.has_role(actor, roles.SECRETARY) and actor.agency_id:
        if user.agency_id and user.agency_id in _agency_scope(actor):
            return None
        return _("%(user)s không thuộc đơn vị của bạn.") % {"user": user.email}
    return _("Bạn không có quyền ghi danh người khác.")


def _enrols_anyone(actor) -> bool:
    # DOST officers enrol people province-wide (edition transitions, plans).
    return roles.has_role(actor, roles.TRAINER) or roles.has_role(actor, roles.DOST_OFFICER)


def _agency_scope(actor) -> set[int]:
    cached = getattr(actor, "_enrolment_agency_scope", None)
    if cached is None:
        cached = actor.agency.descendant_ids()
        actor._enrolment_agency_scope = cached
    return cached


def _source_for(actor) -> str:
    if _enrols_anyone(actor):
        return EnrolmentSource.TRAINER
    return EnrolmentSource.SECRETARY


def _get_or_create(*, user, course, source, actor) -> tuple[Enrolment, bool]:
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                user=user,
                course=course,
                is_current=True,
                defaults={"source": source, "enrolled_by": actor if actor != user else None},
            )
    except IntegrityError:
        # Two requests enrolled the same person at once; the other one won.
        return Enrolment.objects.current().get(user=user, course=course), False
    if created:
        audit_record(
            actor=actor or user, verb="enrolment.created", obj=enrolment, after={"source": source}
        )
        send_learning_recorded("enrolment", [enrolment.pk])
    elif enrolment.status == EnrolmentStatus.WITHDRAWN:
        enrolment.status = (
            EnrolmentStatus.COMPLETED if enrolment.completed_at else EnrolmentStatus.ACTIVE
        )
        enrolment.save(update_fields=["status"])
        audit_record(actor=actor or user, verb="enrolment.reactivated", obj=enrolment)
    return enrolment, created


@transaction.atomic
def enrolment_create(*, user, course: CoursePage, source: str, actor=None) -> Enrolment:
    """Enrol `user` in `course`, once: a second call returns the existing enrolment.

    Rules: enrolling oneself (no actor, or actor is the user) needs every prerequisite course
    completed; a trainer may enrol anyone; an agency secretary only users whose agency lies in
    their agency's subtree. A refused enrolment raises EnrolmentNotAllowed and writes nothing.
    """
    if actor is not None and actor.pk == user.pk:
        actor = None
    if actor is not None:
        # Scope first: a person outside it is refused whatever their enrolments are.
        error = enrolment_scope_error(actor=actor, user=user)
        if error:
            raise EnrolmentNotAllowed(error, code="scope")
    existing = Enrolment.objects.current().filter(user=user, course=course).first()
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        return existing
    if actor is None:
        missing = missing_prerequisites(user=user, course=course)
        if missing:
            raise EnrolmentNotAllowed(
                _("Bạn cần hoàn thành khóa học tiên quyết trước: %(courses)s.")
                % {"courses": ", ".join(page.title for page in missing)},
                code="prerequisites",
            )
    enrolment, _created = _get_or_create(user=user, course=course, source=source, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_renew(*, user, course: CoursePage, actor=None) -> Enrolment:
    """Start the next cycle of `user` in `course` ("Học lại để gia hạn"); earlier cycles stay.

    Allowed only when the current cycle is completed and the latest certificate of the course
    is expired, revoked, superseded or expires within RENEWAL_WINDOW_DAYS. Idempotent: a second
    call while the new cycle is unfinished returns it (a double click makes one cycle).
    """
    from courses.services.certificates import renewal_due

    if actor is not None and actor.pk == user.pk:
        actor = None
    if actor is not None:
        error = enrolment_scope_error(actor=actor, user=user)
        if error:
            raise EnrolmentNotAllowed(error, code="scope")
    # Locking the person's row serialises two clicks of the same button.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    current = Enrolment.objects.current().filter(user=user, course=course).first()
    if current is not None and current.cycle > 1 and current.completed_at is None:
        return current  # already renewed, the new cycle is under way
    if current is None or not renewal_due(user=user, course=course):
        raise EnrolmentNotAllowed(
            _(
                "Chỉ học lại để gia hạn khi bạn đã hoàn thành khóa học và chứng chỉ đã hết hạn,"
                " sắp hết hạn, bị thu hồi hoặc đã được thay thế."
            ),
            code="not_due",
        )
    Enrolment.objects.filter(pk=current.pk).update(is_current=False)  # create() bumps coverage
    try:
        with transaction.atomic():
            renewed = Enrolment.objects.create(
                user=user,
                course=course,
                cycle=current.cycle + 1,
                source=EnrolmentSource.SELF if actor is None else _source_for(actor),
                enrolled_by=actor,
            )
    except IntegrityError:
        # Another request started this cycle between our read and insert.
        return Enrolment.objects.current().get(user=user, course=course)
    audit_record(
        actor=actor or user,
        verb="enrolment.renewed",
        obj=renewed,
        before={"cycle": current.cycle},
        after={"cycle": renewed.cycle},
    )
    send_learning_recorded("enrolment", [renewed.pk])
    return renewed


def users_enrollable_by(actor):
    """The people `actor` may enrol: anyone for a trainer or DOST officer, the people of their
    agency and its sub-agencies for a secretary, nobody for anyone else. Every look-up of a
    person by e-mail on an enrolment screen goes through this, so staff learn nothing about
    people outside it."""
    users = get_user_model().objects.all()
    if _enrols_anyone(actor):
        return users
    if roles.has_role(actor, roles.SECRETARY) and actor.agency_id:
        return users.filter(agency_id__in=_agency_scope(actor))
    return users.none()


def _not_found(email: str) -> str:
    # The same words for "no such account" and "not yours": the answer reveals nothing more.
    return _("không tìm thấy người dùng có email %(email)s") % {"email": email}


@dataclass
class EnrolByEmail:
    enrolment: Enrolment
    created: bool  # False: the person was already enrolled

    @property
    def full_name(self) -> str:
        return self.enrolment.user.get_full_name()


def enrolment_create_by_email(*, actor, course: CoursePage, email: str) -> EnrolByEmail:
    """Staff enrol one person by e-mail, with the rules of `enrolment_create`.

    Invariant: the person is looked up only among `users_enrollable_by(actor)`; no such
    account and an account outside the actor's scope raise the same EnrolmentNotAllowed
    ("not_found"), so whether someone is enrolled is told only about people in scope.
    """
    email = email.strip().lower()
    user = users_enrollable_by(actor).filter(email=email).first()
    if user is None:
        raise EnrolmentNotAllowed(
            _("Không tìm thấy người dùng có email %(email)s.") % {"email": email}, code="not_found"
        )
    already = (
        Enrolment.objects.current()
        .filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exists()
    )
    enrolment = enrolment_create(user=user, course=course, source=_source_for(actor), actor=actor)
    return EnrolByEmail(enrolment=enrolment, created=not already)


def enrolment_bulk_create(
    *, course: CoursePage, data: bytes, filename: str, actor, source: str = EnrolmentSource.BULK
) -> BulkResult:
    """Enrol every e-mail of a CSV/XLSX list, all or nothing.

    Each row must name an existing user within the actor's scope (`users_enrollable_by`: a
    person outside it reads as not found); when any row fails, the result lists every failure
    as "Dòng N: ..." and no enrolment is written.
    """
    parsed = read_roster(
        data, filename, required=("email",), limits=spreadsheets.ImportLimits.from_settings()
    )
    result = BulkResult()
    for error in parsed.errors:
        template = ROSTER_MESSAGES.get(error.code)
        if error.code in spreadsheets.CODES:
            message = spreadsheets.describe(error.code, error.params)
        else:
            message = str(template) % error.params if template else error.message
        result.errors.append(_located(error.row, message))
    if result.errors:
        return result
    emails = [row.email.lower() for row in parsed.rows]
    users = {
        user.email: user
        for user in users_enrollable_by(actor).filter(email__in=emails).select_related("agency")
    }
    targets = []
    for row in parsed.rows:
        user = users.get(row.email.lower())
        if user is None:
            result.errors.append(_located(row.row, _not_found(row.email)))
            continue
        targets.append(user)
    if result.errors:
        return result
    with transaction.atomic():
        for user in targets:
            _enrolment, created = _get_or_create(
                user=user, course=course, source=source, actor=actor
            )
            if created:
                result.created += 1
            else:
                result.existing += 1
    return result


def _refused(error: str, code: str, user) -> EnrolmentNotAllowed:
    refused = EnrolmentNotAllowed(error, code=code)
    refused.user = user  # lets a bulk caller point at the row that named this person
    return refused


@transaction.atomic
def enrolments_bulk_ensure(
    *, users, course: CoursePage, source: str, actor=None, fresh_user_ids=frozenset()
) -> list[Enrolment]:
    """Enrol every user in `course` at once, with the rules of `enrolment_create`.

    Same invariants as `enrolment_create`, checked for every user before anything is written:
    a refused user raises EnrolmentNotAllowed (its `user` attribute names them) and nothing is
    written; an existing active or completed enrolment is returned as it is; a withdrawn one is
    reactivated (completed again when it had been completed); running it twice changes nothing.
    A fixed number of statements whatever the number of users.

    `fresh_user_ids` names people the caller created in this same transaction (a roster's
    newcomers): nobody else can have enrolled them yet, so they are not looked up and their
    enrolments come back from the INSERT instead of being read again.
    """
    users = list({user.pk: user for user in users}.values())
    if not users:
        return []
    user_ids = [user.pk for user in users]
    known_ids = [pk for pk in user_ids if pk not in fresh_user_ids]
    existing = {
        enrolment.user_id: enrolment
        for enrolment in Enrolment.objects.current().filter(course=course, user_id__in=known_ids)
    }
    pending = [
        user
        for user in users
        if user.pk not in existing or existing[user.pk].status == EnrolmentStatus.WITHDRAWN
    ]
    self_enrolling = [user for user in pending if actor is None or actor.pk == user.pk]
    if self_enrolling:
        prerequisites = list(course.prerequisites.order_by("title"))
        if prerequisites:
            completed = set(
                Enrolment.objects.filter(
                    user_id__in=[user.pk for user in self_enrolling],
                    course__in=prerequisites,
                    completed_at__isnull=False,
                ).values_list("user_id", "course_id")
            )
            for user in self_enrolling:
                missing = [page for page in prerequisites if (user.pk, page.pk) not in completed]
                if missing:
                    raise _refused(
                        _("Bạn cần hoàn thành khóa học tiên quyết trước: %(courses)s.")
                        % {"courses": ", ".join(page.title for page in missing)},
                        "prerequisites",
                        user,
                    )
    for user in users:  # everyone, enrolled or not: "already enrolled" is told only in scope
        if actor is not None and actor.pk != user.pk:
            error = enrolment_scope_error(actor=actor, user=user)
            if error:
                raise _refused(error, "scope", user)

    def author(user):
        # Self-enrolment is recorded without an actor, as enrolment_create does.
        return None if actor is None or actor.pk == user.pk else actor

    new_users = [user for user in pending if user.pk not in existing]
    created = Enrolment.objects.bulk_create(
        [
            Enrolment(user=user, course=course, source=source, enrolled_by=author(user))
            for user in new_users
            if user.pk in fresh_user_ids
        ],
        batch_size=1000,
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(user=user, course=course, source=source, enrolled_by=author(user))
            for user in new_users
            if user.pk not in fresh_user_ids
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent request may have enrolled someone meanwhile
    )
    withdrawn = [existing[user.pk] for user in pending if user.pk in existing]
    for enrolment in withdrawn:
        enrolment.status = (
            EnrolmentStatus.COMPLETED if enrolment.completed_at else EnrolmentStatus.ACTIVE
        )
    Enrolment.objects.bulk_update(withdrawn, ["status"], batch_size=1000)
    from lms.coverage.cache import coverage_changed

    coverage_changed()  # bulk writes send no signals: the dashboard's numbers moved
    # Backends that return no ids from a bulk INSERT leave pk None: those are read back too.
    enrolments = {enrolment.user_id: enrolment for enrolment in created if enrolment.pk}
    unread = [pk for pk in user_ids if pk not in enrolments]
    if unread:
        enrolments.update(
            (enrolment.user_id, enrolment)
            for enrolment in Enrolment.objects.current().filter(course=course, user_id__in=unread)
        )
    by_pk = {user.pk: user for user in users}
    for enrolment in enrolments.values():
        # The objects in hand; str(enrolment) in the audit would otherwise fetch both per row.
        enrolment.user, enrolment.course = by_pk[enrolment.user_id], course
    for verb, changed in (
        ("enrolment.created", [enrolments[user.pk] for user in new_users]),
        ("enrolment.reactivated", [enrolments[e.user_id] for e in withdrawn]),
    ):
        # One INSERT per acting person: the staff member, or each person enrolling themselves.
        groups: dict[int, list[Enrolment]] = {}
        for enrolment in changed:
            who = author(by_pk[enrolment.user_id]) or by_pk[enrolment.user_id]
            groups.setdefault(who.pk, []).append(enrolment)
        for group in groups.values():
            who = author(by_pk[group[0].user_id]) or by_pk[group[0].user_id]
            audit_record_many(
                actor=who,
                verb=verb,
                changes=[
                    (e, {}, {"source": source} if verb == "enrolment.created" else {})
                    for e in group
                ],
            )
    send_learning_recorded("enrolment", [enrolments[user.pk].pk for user in new_users])
    return [enrolments[pk] for pk in user_ids]

"""Enrolment: the one write path for self-enrolment, staff enrolment and bulk lists."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from courses.learning import rules
from courses.learning.models import Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import CoursePage
from courses.learning.roster_messages import roster_error_text, roster_messages
from courses.learning.roster_reader import read_roster
from courses.learning.signals import send_learning_recorded
from lms.accounts import roles
from lms.core import spreadsheets
from lms.core.audit import audit_record, audit_record_many
from lms.core.bulk import bulk_insert
from lms.core.signals import send_bulk_written


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


def enrolment_create(*, user, course: CoursePage, source: str, actor=None) -> Enrolment:
    """Enrol `user` in `course`, once: a second call returns the existing enrolment.

    Rules: enrolling oneself (no actor, or actor is the user) needs every prerequisite course
    completed; a trainer may enrol anyone; an agency secretary only users whose agency lies in
    their agency's subtree. A refused enrolment raises EnrolmentNotAllowed and writes nothing.
    The rules live in `enrolments_bulk_ensure`, the one write path of enrolments; this is its
    call for one person.
    """
    return enrolments_bulk_ensure(users=[user], course=course, source=source, actor=actor)[0]


@transaction.atomic
def enrolment_renew(*, user, course: CoursePage, actor=None) -> Enrolment:
    """Start the next cycle of `user` in `course` ("Học lại để gia hạn"); earlier cycles stay.

    Allowed only when the current cycle is completed and the latest certificate of the course
    is expired, revoked, superseded or expires within RENEWAL_WINDOW_DAYS. Idempotent: a second
    call while the new cycle is unfinished returns it (a double click makes one cycle).
    """
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
    if current is None or not rules.renewal_due(user=user, course=course):
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
    messages = roster_messages()
    for error in parsed.errors:
        result.errors.append(_located(error.row, roster_error_text(error, messages)))
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
    enrolments = enrolments_bulk_ensure(users=targets, course=course, source=source, actor=actor)
    # A withdrawn enrolment is reactivated and counted with the existing ones.
    result.created = sum(enrolment.created_now for enrolment in enrolments)
    result.existing = len(enrolments) - result.created
    return result


def _refused(error: str, code: str, user) -> EnrolmentNotAllowed:
    refused = EnrolmentNotAllowed(error, code=code)
    refused.user = user  # lets a bulk caller point at the row that named this person
    return refused


def _check_prerequisites(users, course: CoursePage) -> None:
    """Refuse the first of `users` (people enrolling themselves) missing a prerequisite."""
    prerequisites = list(course.prerequisites.order_by("title")) if users else []
    if not prerequisites:
        return
    completed = set(
        Enrolment.objects.filter(
            user_id__in=[user.pk for user in users],
            course__in=prerequisites,
            completed_at__isnull=False,
        ).values_list("user_id", "course_id")
    )
    for user in users:
        missing = [page for page in prerequisites if (user.pk, page.pk) not in completed]
        if missing:
            raise _refused(
                _("Bạn cần hoàn thành khóa học tiên quyết trước: %(courses)s.")
                % {"courses": ", ".join(page.title for page in missing)},
                "prerequisites",
                user,
            )


def _check_scope(users, actor) -> None:
    """Refuse the first of `users` outside the actor's scope (staff enrolling others)."""
    for user in users:  # everyone, enrolled or not: "already enrolled" is told only in scope
        if actor is not None and actor.pk != user.pk:
            error = enrolment_scope_error(actor=actor, user=user)
            if error:
                raise _refused(error, "scope", user)


def _audit_enrolments(*, created, reactivated, by_pk, author, source) -> None:
    """One audit INSERT per acting person and kind: the staff member, or each person enrolling
    themselves."""
    for verb, changed in (("enrolment.created", created), ("enrolment.reactivated", reactivated)):
        groups: dict[int, list[Enrolment]] = {}
        for enrolment in changed:
            who = author(by_pk[enrolment.user_id]) or by_pk[enrolment.user_id]
            groups.setdefault(who.pk, []).append((who, enrolment))
        for group in groups.values():
            after = {"source": source} if verb == "enrolment.created" else {}
            audit_record_many(
                actor=group[0][0], verb=verb, changes=[(e, {}, after) for _who, e in group]
            )
    send_learning_recorded("enrolment", [enrolment.pk for enrolment in created])


def _lock_people(user_ids) -> None:
    """Lock the people's rows (in id order: no deadlock), so two requests enrolling the same
    people are serialised and each enrolment is created, counted and audited once."""
    if user_ids:
        list(
            get_user_model()
            .objects.select_for_update()
            .filter(pk__in=user_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _insert(*, new_users, course, source, author, fresh_user_ids) -> list[Enrolment]:
    """INSERT the new enrolments; those of people created in this transaction come back with
    their ids, the others are read back by the caller (a concurrent request may have won)."""

    def row(user):
        return Enrolment(user=user, course=course, source=source, enrolled_by=author(user))

    created = bulk_insert(Enrolment, [row(user) for user in new_users if user.pk in fresh_user_ids])
    Enrolment.objects.bulk_create(
        [row(user) for user in new_users if user.pk not in fresh_user_ids],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent request may have enrolled someone meanwhile
    )
    return created


@transaction.atomic
def enrolments_bulk_ensure(
    *, users, course: CoursePage, source: str, actor=None, fresh_user_ids=frozenset()
) -> list[Enrolment]:
    """Enrol every user in `course` at once: the one write path of enrolments.

    Rules, checked for every user before anything is written: enrolling oneself (no actor, or
    the actor is the user) needs every prerequisite course completed; staff enrol only people in
    their scope (`enrolment_scope_error`). A refused user raises EnrolmentNotAllowed (its `user`
    attribute names them) and nothing is written; an existing active or completed enrolment is
    returned as it is; a withdrawn one is reactivated (completed again when it had been
    completed); running it twice changes nothing. Each returned enrolment's `created_now` says
    whether this call created it. A fixed number of statements whatever the number of users.

    `fresh_user_ids` names people the caller created in this same transaction (a roster's
    newcomers): nobody else can have enrolled them yet, so they are neither locked nor looked
    up, and their enrolments come back from the INSERT instead of being read again.
    """
    users = list({user.pk: user for user in users}.values())
    if not users:
        return []
    user_ids = [user.pk for user in users]
    known_ids = [pk for pk in user_ids if pk not in fresh_user_ids]
    _lock_people(known_ids)
    existing = {
        enrolment.user_id: enrolment
        for enrolment in Enrolment.objects.current().filter(course=course, user_id__in=known_ids)
    }
    pending = [
        user
        for user in users
        if user.pk not in existing or existing[user.pk].status == EnrolmentStatus.WITHDRAWN
    ]
    _check_prerequisites([u for u in pending if actor is None or actor.pk == u.pk], course)
    _check_scope(users, actor)

    def author(user):
        # Self-enrolment is recorded without an actor.
        return None if actor is None or actor.pk == user.pk else actor

    new_users = [user for user in pending if user.pk not in existing]
    created = _insert(
        new_users=new_users,
        course=course,
        source=source,
        author=author,
        fresh_user_ids=fresh_user_ids,
    )
    withdrawn = [existing[user.pk] for user in pending if user.pk in existing]
    for enrolment in withdrawn:
        enrolment.status = (
            EnrolmentStatus.COMPLETED if enrolment.completed_at else EnrolmentStatus.ACTIVE
        )
    Enrolment.objects.bulk_update(withdrawn, ["status"], batch_size=1000)
    send_bulk_written(Enrolment, user_ids=user_ids)  # bulk writes send no model signals
    # Backends that return no ids from a bulk INSERT leave pk None: those are read back too.
    enrolments = {enrolment.user_id: enrolment for enrolment in created if enrolment.pk}
    unread = [pk for pk in user_ids if pk not in enrolments]
    if unread:
        enrolments.update(
            (enrolment.user_id, enrolment)
            for enrolment in Enrolment.objects.current().filter(course=course, user_id__in=unread)
        )
    by_pk = {user.pk: user for user in users}
    created_ids = {user.pk for user in new_users}
    for enrolment in enrolments.values():
        # The objects in hand; str(enrolment) in the audit would otherwise fetch both per row.
        enrolment.user, enrolment.course = by_pk[enrolment.user_id], course
        enrolment.created_now = enrolment.user_id in created_ids
    _audit_enrolments(
        created=[enrolments[user.pk] for user in new_users],
        reactivated=[enrolments[e.user_id] for e in withdrawn],
        by_pk=by_pk,
        author=author,
        source=source,
    )
    return [enrolments[pk] for pk in user_ids]

"""xAPI 1.0.3 statements for the learning records the site keeps.

A statement is built from the record as it is stored, never from the moment it is sent: its id
is a UUID5 of the event kind and the record's id, and its timestamp is the record's, so sending
it again (a retry, `xapi_resend`) sends the same statement and the LRS keeps one.

People are agents identified by account: homePage is the site's address, name the person's
database id (stable across renamed e-mails and names; no personal data leaves the site).
Activity ids are IRIs under the site's address: `<SITE_URL>/xapi/activities/page/<id>` for
courses, lessons and quizzes, `.../session/<id>` for class sessions, and the verify address of
a certificate.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import Q

from lms.core.links import site_url

VERSION = "1.0.3"
# Fixed forever: statement ids derive from it, and a new namespace would resend everything.
NAMESPACE = uuid.UUID("88099aea-258e-4ba2-bcc0-66b15c770c35")
PLATFORM = "LMS ISO 9001"

ADL = "http://adlnet.gov/expapi"
VERBS = {
    "registered": (f"{ADL}/verbs/registered", "đã ghi danh"),
    "completed": (f"{ADL}/verbs/completed", "đã hoàn thành"),
    "passed": (f"{ADL}/verbs/passed", "đã đạt"),
    "failed": (f"{ADL}/verbs/failed", "chưa đạt"),
    "attended": (f"{ADL}/verbs/attended", "đã tham dự"),
    "earned": ("http://id.tincanapi.com/verb/earned", "đã được cấp"),
}

# Event kinds: each names one record type and the verb its statements use.
KINDS = ("enrolment", "activity", "course", "attempt", "attendance", "certificate")


def statement_id(kind: str, record_id) -> str:
    """The statement's id: the same for the same event, whoever sends it and how often."""
    if isinstance(record_id, list | tuple):
        record_id = ":".join(str(part) for part in record_id)
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{record_id}"))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def agent(user_id: int) -> dict:
    return {"objectType": "Agent", "account": {"homePage": site_url(), "name": str(user_id)}}


def verb(name: str) -> dict:
    iri, vietnamese = VERBS[name]
    return {"id": iri, "display": {"en-US": name, "vi-VN": vietnamese}}


def page_activity(page, activity_type: str) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{site_url()}/xapi/activities/page/{page.pk}",
        "definition": {"name": {"vi-VN": page.title}, "type": f"{ADL}/activities/{activity_type}"},
    }


def _statement(kind, record_id, *, user_id, verb_name, obj, moment, result=None, context=None):
    statement = {
        "id": statement_id(kind, record_id),
        "actor": agent(user_id),
        "verb": verb(verb_name),
        "object": obj,
        "timestamp": _timestamp(moment),
        "context": {"platform": PLATFORM, "language": "vi-VN", **(context or {})},
    }
    if result is not None:
        statement["result"] = result
    return statement


def _in_course(course, enrolment_id: int | None = None) -> dict:
    context = {"contextActivities": {"parent": [page_activity(course, "course")]}}
    if enrolment_id is not None:
        context["registration"] = statement_id("registration", enrolment_id)
    return context


def _enrolments(ids):
    from courses.learning.models import Enrolment

    return Enrolment.objects.filter(pk__in=ids).select_related("course").order_by("pk")


def enrolment_statements(ids) -> Iterable[tuple[object, dict]]:
    for enrolment in _enrolments(ids):
        yield (
            enrolment.pk,
            _statement(
                "enrolment",
                enrolment.pk,
                user_id=enrolment.user_id,
                verb_name="registered",
                obj=page_activity(enrolment.course, "course"),
                moment=enrolment.created_at,
                context={"registration": statement_id("registration", enrolment.pk)},
            ),
        )


def course_statements(ids) -> Iterable[tuple[object, dict]]:
    for enrolment in _enrolments(ids).filter(completed_at__isnull=False):
        yield (
            enrolment.pk,
            _statement(
                "course",
                enrolment.pk,
                user_id=enrolment.user_id,
                verb_name="completed",
                obj=page_activity(enrolment.course, "course"),
                moment=enrolment.completed_at,
                result={"completion": True},
                context={"registration": statement_id("registration", enrolment.pk)},
            ),
        )


def activity_statements(ids) -> Iterable[tuple[object, dict]]:
    from courses.learning.models import ActivityCompletion

    completions = ActivityCompletion.objects.filter(pk__in=ids).select_related(
        "enrolment__course", "page"
    )
    for completion in completions.order_by("pk"):
        page, enrolment = completion.page, completion.enrolment
        is_quiz = page.specific_class is not None and page.specific_class.__name__ == "QuizPage"
        yield (
            completion.pk,
            _statement(
                "activity",
                completion.pk,
                user_id=enrolment.user_id,
                verb_name="completed",
                obj=page_activity(page, "assessment" if is_quiz else "lesson"),
                moment=completion.completed_at,
                result={"completion": True},
                context=_in_course(enrolment.course, enrolment.pk),
            ),
        )


def _score(attempt) -> dict:
    raw, maximum = float(attempt.score or 0), float(attempt.max_score or 0)
    scaled = max(-1.0, min(1.0, float(attempt.percent or 0) / 100))
    return {"scaled": round(scaled, 4), "raw": raw, "min": 0, "max": max(maximum, raw)}


def attempt_statements(ids) -> Iterable[tuple[object, dict]]:
    from courses.learning.pages import CoursePage
    from quizzes.models import Attempt, AttemptStatus

    attempts = Attempt.objects.filter(pk__in=ids, status=AttemptStatus.GRADED).select_related(
        "quiz"
    )
    for attempt in attempts.order_by("pk"):
        course = CoursePage.objects.ancestor_of(attempt.quiz).order_by("-depth").first()
        yield (
            attempt.pk,
            _statement(
                "attempt",
                attempt.pk,
                user_id=attempt.user_id,
                verb_name="passed" if attempt.passed else "failed",
                obj=page_activity(attempt.quiz, "assessment"),
                moment=attempt.submitted_at,
                result={
                    "score": _score(attempt),
                    "success": bool(attempt.passed),
                    "completion": True,
                },
                context=_in_course(course) if course is not None else None,
            ),
        )


def _session_activity(session) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{site_url()}/xapi/activities/session/{session.pk}",
        "definition": {"name": {"vi-VN": str(session)}, "type": f"{ADL}/activities/meeting"},
    }


def attendance_statements(keys) -> Iterable[tuple[object, dict]]:
    """`keys` are [session_id, user_id] pairs; only people present or late attended."""
    from courses.classes.models import ATTENDED_STATUSES, Attendance

    wanted = Q(pk__in=[])
    for session_id, user_id in keys:
        wanted |= Q(session_id=session_id, user_id=user_id)
    rows = Attendance.objects.filter(wanted, status__in=ATTENDED_STATUSES).select_related(
        "session__training_class__course"
    )
    for attendance in rows.order_by("pk"):
        session = attendance.session
        yield (
            [session.pk, attendance.user_id],
            _statement(
                "attendance",
                attendance.pk,
                user_id=attendance.user_id,
                verb_name="attended",
                obj=_session_activity(session),
                moment=attendance.recorded_at,
                result={"completion": True, "response": attendance.status},
                context=_in_course(session.training_class.course),
            ),
        )


def certificate_statements(ids) -> Iterable[tuple[object, dict]]:
    from courses.certificates.models import Certificate
    from courses.certificates.services import verify_url

    certificates = Certificate.objects.filter(pk__in=ids).select_related("course")
    for certificate in certificates.order_by("pk"):
        yield (
            certificate.pk,
            _statement(
                "certificate",
                certificate.pk,
                user_id=certificate.user_id,
                verb_name="earned",
                obj={
                    "objectType": "Activity",
                    "id": verify_url(certificate.code),
                    "definition": {"name": {"vi-VN": certificate.course_title}},
                },
                moment=certificate.issued_at,
                result={"success": True, "completion": True},
                context=_in_course(certificate.course),
            ),
        )


BUILDERS = {
    "enrolment": enrolment_statements,
    "activity": activity_statements,
    "course": course_statements,
    "attempt": attempt_statements,
    "attendance": attendance_statements,
    "certificate": certificate_statements,
}


def statements_for(kind: str, ids) -> list[tuple[object, dict]]:
    """(record key, statement) for each record of `kind` in `ids` that makes a statement."""
    return list(BUILDERS[kind](ids))

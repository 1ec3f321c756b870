"""xAPI statements reach a learning record store: a small LRS on a real local HTTP port."""

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from courses.certificates.services import certificate_issue
from courses.classes.attendance import attendance_mark
from courses.learning.enrolment import enrolment_create, enrolments_bulk_ensure
from courses.learning.progress import activity_mark_done
from courses.models import Attendance, Certificate, Enrolment, LessonPage
from lms.xapi.statements import statement_id
from quizzes.services import attempt_start, attempt_submit

SITE = "https://daotao.example.vn"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class LrsStub:
    """Keeps the statements PUT to /statements by id, as an LRS does; can answer 503 first."""

    def __init__(self):
        self.stored: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (statement id, status answered)
        self.headers: list = []
        self.fail_next: list[int] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                query = parse_qs(urlsplit(self.path).query)
                sid = query.get("statementId", [""])[0]
                stub.headers.append(self.headers)  # case-insensitive, as HTTP is
                status = stub.fail_next.pop(0) if stub.fail_next else None  # None: as usual
                if status is None:
                    if urlsplit(self.path).path != "/xapi/statements" or sid != body.get("id"):
                        status = 400
                    elif sid in stub.stored:
                        status = 204 if stub.stored[sid] == body else 409
                    else:
                        stub.stored[sid] = body
                        status = 204
                stub.requests.append((sid, status))
                if status == "garbage":  # not HTTP: a proxy or LRS misbehaving
                    self.wfile.write(b"garbage\r\n\r\n")
                    return
                self.send_response(status)
                self.send_header("X-Experience-API-Version", "1.0.3")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def by_verb(self, verb: str) -> list[dict]:
        return [s for s in self.stored.values() if s["verb"]["id"].endswith(f"/{verb}")]


@pytest.fixture
def lrs(settings):
    stub = LrsStub()
    stub.thread.start()
    settings.SITE_URL = SITE
    settings.XAPI_ENDPOINT = stub.url
    settings.XAPI_USERNAME, settings.XAPI_PASSWORD, settings.XAPI_AUTH = "lms", "bí mật", ""
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the work, then its on-commit callbacks (and theirs), as a real commit would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def eager_retries():
    """Eager tasks retry at once instead of raising Retry: the retry path a worker follows."""
    from lms.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def assert_valid_statement(statement: dict) -> None:
    """The structure xAPI 1.0.3 requires of what we send."""
    assert UUID.match(statement["id"])
    actor = statement["actor"]
    assert actor["objectType"] == "Agent"
    assert actor["account"]["homePage"] == SITE
    assert actor["account"]["name"].isdigit()
    assert set(actor) == {"objectType", "account"}  # no name, no e-mail: ids only
    verb = statement["verb"]
    assert verb["id"].startswith("http") and verb["display"]["en-US"]
    obj = statement["object"]
    assert obj["objectType"] == "Activity" and obj["id"].startswith(SITE + "/")
    assert obj["definition"]["name"]["vi-VN"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", statement["timestamp"])
    result = statement.get("result")
    if result and "score" in result:
        score = result["score"]
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"]
    for parent in statement["context"].get("contextActivities", {}).get("parent", []):
        assert parent["id"].startswith(SITE + "/")


def test_enrolment_sends_one_registered_statement(lrs, on_commit, trainee, course):
    enrolment = on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    (statement,) = lrs.stored.values()
    assert_valid_statement(statement)
    assert statement["id"] == statement_id("enrolment", enrolment.pk)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/registered"
    assert statement["actor"]["account"]["name"] == str(trainee.pk)
    assert statement["object"]["id"] == f"{SITE}/xapi/activities/page/{course.pk}"
    assert [status for _sid, status in lrs.requests] == [204]
    headers = lrs.headers[0]
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"].startswith("Basic ")
    # Enrolling again changes nothing and sends nothing.
    on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    assert len(lrs.requests) == 1


def test_bulk_enrolment_sends_one_statement_per_person(
    lrs, on_commit, listed_users, course, trainer
):
    users = list(listed_users.values())
    on_commit(
        lambda: enrolments_bulk_ensure(users=users, course=course, source="bulk", actor=trainer)
    )
    registered = lrs.by_verb("registered")
    assert len(registered) == len(users) == len(lrs.requests)
    assert {s["actor"]["account"]["name"] for s in registered} == {str(u.pk) for u in users}


def test_lessons_course_and_certificate(lrs, on_commit, make_course, trainee):
    course = make_course(lessons=2)
    on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    for lesson in LessonPage.objects.child_of(course):
        on_commit(lambda lesson=lesson: activity_mark_done(user=trainee, page=lesson))
    completed = lrs.by_verb("completed")
    lessons = [s for s in completed if s["object"]["definition"]["type"].endswith("/lesson")]
    courses = [s for s in completed if s["object"]["definition"]["type"].endswith("/course")]
    assert len(lessons) == 2 and len(courses) == 1
    (earned,) = lrs.by_verb("earned")
    certificate = Certificate.objects.get(user=trainee, course=course)
    assert earned["object"]["id"] == f"{SITE}/verify/{certificate.code}/"
    assert earned["id"] == statement_id("certificate", certificate.pk)
    enrolment = Enrolment.objects.get(user=trainee, course=course)
    registration = statement_id("registration", enrolment.pk)
    assert {s["context"]["registration"] for s in lessons + courses} == {registration}
    for statement in lrs.stored.values():
        assert_valid_statement(statement)
    assert len(lrs.requests) == len(lrs.stored) == 5  # registered, 2 lessons, course, earned
    # Reading a lesson again records nothing new and sends nothing.
    on_commit(lambda: activity_mark_done(user=trainee, page=LessonPage.objects.first()))
    assert len(lrs.requests) == 5


def test_quiz_failed_and_passed_with_score(
    lrs, on_commit, bank_quiz, trainee, make_quiz, course, question_bank
):
    failed = on_commit(
        lambda: attempt_submit(attempt=attempt_start(user=trainee, quiz=bank_quiz), responses={})
    )
    (statement,) = lrs.by_verb("failed")
    assert_valid_statement(statement)
    assert statement["id"] == statement_id("attempt", failed.pk)
    assert statement["result"]["success"] is False
    assert statement["result"]["score"]["raw"] == 0
    assert statement["result"]["score"]["max"] == float(failed.max_score) > 0
    assert statement["object"]["definition"]["type"].endswith("/assessment")
    assert statement["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/{course.pk}")

    question = bank_quiz.slots.first().question
    easy = make_quiz(course, slots=[{"question": question}], pass_mark_percent=0)
    passed = on_commit(
        lambda: attempt_submit(attempt=attempt_start(user=trainee, quiz=easy), responses={})
    )
    assert passed.passed
    (statement,) = lrs.by_verb("passed")
    assert statement["result"]["success"] is True
    assert_valid_statement(statement)


def test_attendance_sends_attended_for_people_present(
    lrs, on_commit, class_session, training_class, add_member, trainee, other_trainee, trainer
):
    add_member(training_class, trainee, other_trainee)
    marks = {trainee.pk: ("present", ""), other_trainee.pk: ("absent", "Ốm")}
    on_commit(lambda: attendance_mark(session=class_session, marks=marks, actor=trainer))
    (statement,) = lrs.by_verb("attended")
    assert_valid_statement(statement)
    attendance = Attendance.objects.get(session=class_session, user=trainee)
    assert statement["id"] == statement_id("attendance", attendance.pk)
    assert statement["object"]["id"] == f"{SITE}/xapi/activities/session/{class_session.pk}"
    assert statement["actor"]["account"]["name"] == str(trainee.pk)
    # The absent person comes in late after all: one more statement, for them only.
    late = {other_trainee.pk: ("late", "")}
    on_commit(lambda: attendance_mark(session=class_session, marks=late, actor=trainer))
    assert len(lrs.by_verb("attended")) == 2
    assert len(lrs.requests) == 2


def test_a_503_is_retried_and_the_statement_is_stored_once(
    lrs, eager_retries, on_commit, trainee, course
):
    lrs.fail_next = [503]
    enrolment = on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    sid = statement_id("enrolment", enrolment.pk)
    assert lrs.requests == [(sid, 503), (sid, 204)]
    assert list(lrs.stored) == [sid]


def test_a_retry_sends_only_what_the_lrs_has_not_taken(
    lrs, eager_retries, on_commit, listed_users, course, trainer
):
    users = list(listed_users.values())
    lrs.fail_next = [None, 503]  # the first statement is taken, the second refused for now
    on_commit(
        lambda: enrolments_bulk_ensure(users=users, course=course, source="bulk", actor=trainer)
    )
    statuses = [status for _sid, status in lrs.requests]
    assert statuses == [204, 503, 204, 204]
    ids = [sid for sid, status in lrs.requests if status == 204]
    assert len(ids) == len(set(ids)) == len(users) == len(lrs.stored)
    assert lrs.requests[1][0] == lrs.requests[2][0]  # the refused one is the one retried


def test_an_answer_that_is_not_http_is_retried_like_an_lrs_that_is_down(
    lrs, eager_retries, on_commit, trainee, course
):
    lrs.fail_next = ["garbage"]
    enrolment = on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    sid = statement_id("enrolment", enrolment.pk)
    assert lrs.requests == [(sid, "garbage"), (sid, 204)]
    assert list(lrs.stored) == [sid]


def test_lrs_down_for_good_gives_up_after_eight_retries(
    lrs, eager_retries, on_commit, trainee, course
):
    lrs.fail_next = [503] * 20
    enrolment = on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert lrs.stored == {}
    assert len(lrs.requests) == 9  # the first try and eight retries


def test_without_a_broker_an_lrs_error_does_not_break_the_request(
    lrs, client, on_commit, trainee, course
):
    """No worker to retry later: the statement waits for `xapi_resend`, the page works."""
    lrs.fail_next = [503]
    client.force_login(trainee)
    url = reverse("courses:enrol", args=[course.pk])
    response = on_commit(lambda: client.post(url))
    assert response.status_code == 302
    assert Enrolment.objects.filter(user=trainee, course=course).exists()
    assert [status for _sid, status in lrs.requests] == [503]


def test_nothing_is_sent_without_an_endpoint(lrs, settings, on_commit, trainee, course):
    settings.XAPI_ENDPOINT = ""
    on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    assert lrs.requests == []


def test_resend_a_period(lrs, settings, on_commit, trainee, course, complete_course):
    settings.XAPI_ENDPOINT = ""
    on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    lesson = LessonPage.objects.child_of(course).first()
    on_commit(lambda: activity_mark_done(user=trainee, page=lesson))
    certificate = on_commit(
        lambda: certificate_issue(user=trainee, course=complete_course(trainee, course).course)
    )
    assert lrs.requests == []
    settings.XAPI_ENDPOINT = lrs.url
    today = timezone.localdate().strftime("%d/%m/%Y")
    call_command("xapi_resend", "--since", today)
    kinds = {s["verb"]["display"]["en-US"] for s in lrs.stored.values()}
    assert kinds == {"registered", "completed", "earned"}
    assert statement_id("certificate", certificate.pk) in lrs.stored
    first = dict(lrs.stored)
    # A second run sends the same statements: the LRS still holds one of each.
    call_command("xapi_resend", "--since", today, "--until", today)
    assert lrs.stored == first
    assert all(status == 204 for _sid, status in lrs.requests)
    assert len(lrs.requests) == 2 * len(first)


def test_resend_outside_the_period_sends_nothing(lrs, on_commit, settings, trainee, course):
    settings.XAPI_ENDPOINT = ""
    on_commit(lambda: enrolment_create(user=trainee, course=course, source="self"))
    settings.XAPI_ENDPOINT = lrs.url
    call_command("xapi_resend", "--since", "01/01/2020", "--until", "31/12/2020")
    assert lrs.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "31/02/2026"], "not a date"),
        (["--since", "01/01/1900"], "2000"),
        (["--since", "02/01/2026", "--until", "01/01/2026"], "after"),
    ],
)
def test_resend_refuses_bad_dates(lrs, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("xapi_resend", *args)


def test_resend_needs_an_endpoint(settings, db):
    settings.XAPI_ENDPOINT = ""
    with pytest.raises(CommandError, match="XAPI_ENDPOINT"):
        call_command("xapi_resend", "--since", "01/01/2026")


def test_statement_ids_are_fixed_uuid5():
    assert statement_id("enrolment", 7) == statement_id("enrolment", 7)
    assert statement_id("enrolment", 7) != statement_id("certificate", 7)
    assert uuid.UUID(statement_id("attendance", [3, 4])).version == 5

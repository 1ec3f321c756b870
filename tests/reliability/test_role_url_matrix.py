"""Every URL × every role: the expected status of each cell lives in one table.

A new URL pattern without a row here fails `test_every_url_has_a_row`. Object URLs are
requested with ids of objects that belong to the trainee, the trainer's class and the
department's agency, so "another trainee", "trainer of another class" and "secretary of another
agency" are the IDOR probes: they must get 403/404 (or a login redirect), never 200.
"""

import re

import pytest

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lms.accounts import roles

ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "trainer",
    "other_trainer",
    "secretary",
    "other_secretary",
    "officer",
    "editor",
]
# Prefixes owned by packages (allauth, Wagtail and Django admin internals, i18n helpers):
# their own tests cover them; the entry points we rely on are in PAGES below.
EXTERNAL_PREFIXES = ("django-admin/", "admin/", "accounts/", "documents/", "_util/", "jsi18n/")
EXTERNAL_NAMES = {"set_language", "wagtail_serve"}
# Prefixes of ours that this matrix cannot probe: the API ignores sessions (Bearer tokens only),
# so every cell here would be 401. Its role × endpoint matrix with tokens is
# tests/api/test_api_scopes.py::test_role_endpoint_matrix; the schema test
# (tests/api/test_api_schema.py) fails when an endpoint is added without being listed there.
SEPARATELY_TESTED_PREFIXES = ("api/",)

R, D, N, F, OK, B, NA = 302, 403, 404, 405, 200, 400, 429
# Columns follow ROLES: anonymous, trainee, other_trainee, trainer, other_trainer, secretary,
# other_secretary, officer, editor. R login redirect, D 403, N 404, F 405 (POST only), B 400.
EXPECTED = {
    "certificates:bulk_download": [R, F, F, F, F, F, F, F, F],
    "certificates:download": [R, OK, N, N, N, OK, N, OK, OK],
    "certificates:issue_session": [R, F, F, F, F, F, F, F, F],
    "certificates:manage": [R, D, D, D, D, OK, OK, OK, OK],
    "certificates:mine": [R, OK, OK, OK, OK, OK, OK, OK, OK],
    "certificates:reissue": [R, F, F, F, F, F, F, F, F],
    "certificates:revoke": [R, F, F, F, F, F, F, F, F],
    "certificates:zip_download": [R, D, D, D, D, N, N, N, N],
    "certificates:zip_progress": [R, D, D, D, D, N, N, N, N],
    "checkin:checkin": [R, OK, B, B, B, B, B, B, B],
    "classes:attendance": [R, N, N, OK, N, N, N, OK, OK],
    "classes:calendar": [R, OK, OK, OK, OK, OK, OK, OK, OK],
    "classes:calendar_feed": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "classes:class_create": [R, N, N, N, N, N, N, OK, OK],
    "classes:class_export": [R, N, N, OK, N, N, N, OK, OK],
    "classes:list": [R, N, N, OK, OK, N, N, OK, OK],
    "classes:paper": [R, N, N, OK, N, N, N, OK, OK],
    "classes:qr": [R, N, N, OK, N, N, N, OK, OK],
    "classes:qr_image": [R, N, N, OK, N, N, N, OK, OK],
    "classes:roster": [R, N, N, OK, N, N, N, OK, OK],
    "classes:session": [R, N, N, OK, N, N, N, OK, OK],
    "classes:session_cancel": [R, F, F, F, F, F, F, F, F],
    "classes:session_create": [R, N, N, OK, N, N, N, OK, OK],
    "classes:session_edit": [R, N, N, OK, N, N, N, OK, OK],
    "classes:session_export": [R, N, N, OK, N, N, N, OK, OK],
    "classes:sign_in_sheet": [R, N, N, OK, N, N, N, OK, OK],
    "classes:walk_in": [R, F, F, F, F, F, F, F, F],
    "courses:activity_done": [R, F, F, F, F, F, F, F, F],
    "courses:catalogue": [R, R, R, R, R, R, R, R, R],
    "courses:enrol": [R, F, F, F, F, F, F, F, F],
    "courses:enrolments": [R, D, D, OK, OK, OK, OK, D, D],
    "courses:my_learning": [R, OK, OK, OK, OK, OK, OK, OK, OK],
    "courses:renew": [R, OK, OK, OK, OK, OK, OK, OK, OK],  # GET confirms; nothing is due here
    "courses:resume": [R, R, R, R, R, R, R, R, R],
    "coverage:transition": [R, D, D, D, D, D, D, N, D],
    "coverage:transition_enrol": [R, F, F, F, F, F, F, F, F],
    "coverage:transitions": [R, D, D, D, D, D, D, OK, D],
    "coverage:agency": [R, D, D, D, D, OK, N, OK, OK],
    "coverage:dashboard": [R, D, D, D, D, OK, OK, OK, OK],
    "coverage:export": [R, F, F, F, F, F, F, F, F],
    "coverage:export_download": [R, N, N, N, N, N, N, N, N],
    "coverage:export_status": [R, N, N, N, N, N, N, OK, N],
    "healthz": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "quizzes:attempt": [R, OK, N, N, N, N, N, N, N],
    "quizzes:autosave": [R, F, F, F, F, F, F, F, F],
    "quizzes:grade_essays": [R, D, D, OK, N, D, D, OK, OK],
    "quizzes:item_analysis": [R, D, D, OK, N, D, D, OK, OK],
    "quizzes:quiz_results": [R, D, D, OK, N, D, D, OK, OK],
    "quizzes:result": [R, R, N, N, N, N, N, N, N],
    "quizzes:results_index": [R, D, D, OK, OK, D, D, OK, OK],
    "quizzes:start": [R, F, F, F, F, F, F, F, F],
    "quizzes:submit": [R, F, F, F, F, F, F, F, F],
    # A forged launch token: the package files answer only to a token the lesson page minted
    # (tests/courses/scorm/test_scorm_runtime.py probes real tokens of other people).
    "scorm:file": [N, N, N, N, N, N, N, N, N],
    "scorm:runtime": [F, F, F, F, F, F, F, F, F],
    "verify:detail": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "verify:form": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    # With a signing certificate configured (world uses certificate_signing); 404 without one.
    "verify:public_key": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def project_url_names() -> set[str]:
    return {
        name
        for name, route in _walk(get_resolver().url_patterns)
        if not route.startswith(EXTERNAL_PREFIXES + SEPARATELY_TESTED_PREFIXES)
        and name not in EXTERNAL_NAMES
    }


def test_every_url_has_a_row():
    missing = project_url_names() - set(EXPECTED)
    assert not missing, f"add these URLs to EXPECTED: {sorted(missing)}"


@pytest.fixture
def world(
    agency_tree,
    make_user,
    course,
    bank_quiz,
    trainee,
    other_trainee,
    trainer,
    training_class,
    class_session,
    add_member,
    secretary,
    officer,
    editor,
    certificate_signing,
):
    from courses.classes.tokens import calendar_token, checkin_token
    from courses.models import Certificate, LessonPage
    from lms.coverage.models import CoverageExport
    from quizzes.services import attempt_start

    other_trainer = make_user(roles.TRAINER, agency=agency_tree["province"], is_staff=True)
    other_secretary = make_user(roles.SECRETARY, agency=agency_tree["district"])
    add_member(training_class, trainee)
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    lesson = LessonPage.objects.child_of(course).live().first()
    certificate = Certificate.objects.create(
        user=trainee,
        course=course,
        code="ABCDEFGH23",
        issued_at=class_session.starts_at,
        full_name=trainee.full_name,
        course_title=course.title,
        track=course.track,
        edition=course.edition,
    )
    export = CoverageExport.objects.create(requested_by=officer, file_format="csv")
    users = {
        "trainee": trainee,
        "other_trainee": other_trainee,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "secretary": secretary,
        "other_secretary": other_secretary,
        "officer": officer,
        "editor": editor,
    }
    kwargs = {
        "course_id": course.pk,
        "page_id": lesson.pk,
        "quiz_id": bank_quiz.pk,
        "attempt_id": attempt.pk,
        "session_id": class_session.pk,
        "class_id": training_class.pk,
        "fmt": "xlsx",
        "pk": certificate.pk,
        "code": certificate.code,
        "job_id": "khong-co-cong-viec",
    }
    special = {
        "classes:calendar_feed": {"token": calendar_token(trainee)},
        "checkin:checkin": {"token": checkin_token(class_session)},
        "coverage:agency": {"code": agency_tree["department"].code},
        "coverage:export_status": {"pk": export.pk},
        "coverage:transition": {"pk": 999999},
        "coverage:transition_enrol": {"pk": 999999},
        "coverage:export_download": {"pk": export.pk},
        "scorm:file": {"token": "forged:token", "path": "index.html"},
    }
    pages = {
        "home": "/",
        "catalogue": course.get_parent().url,
        "course": course.url,
        "lesson": lesson.url,
        "quiz": bank_quiz.url,
        "wagtail_admin": "/admin/",
        "django_admin": "/django-admin/",
    }
    return {"users": users, "kwargs": kwargs, "special": special, "pages": pages}


def _url_for(name, world):
    resolver = get_resolver()
    if name in world["special"]:
        return reverse(name, kwargs=world["special"][name])
    for candidate, route in _walk(resolver.url_patterns):
        if candidate == name:
            needed = re.findall(r"<(?:\w+:)?(\w+)>", route)
            return reverse(name, kwargs={key: world["kwargs"][key] for key in needed})
    raise AssertionError(name)


def statuses(client, world, url, roles_, method="get") -> list[int]:
    """The status `url` answers to each role, signed in as that role (or anonymous)."""
    row = []
    for role in roles_:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.post(url, {}) if method == "post" else client.get(url)
        row.append(response.status_code)
    return row


def observe(client, world) -> dict[str, list[int]]:
    return {
        name: statuses(client, world, _url_for(name, world), ROLES)
        for name in sorted(project_url_names())
    }


@pytest.mark.django_db
def test_role_url_matrix(client, world):
    observed = observe(client, world)
    mismatches = {
        name: (EXPECTED.get(name), row)
        for name, row in observed.items()
        if EXPECTED.get(name) != row
    }
    assert not mismatches, mismatches


# POST-only actions probed by the people who must not be able to use them on these objects.
POST_ROLES = ["anonymous", "trainee", "other_trainee", "other_trainer", "other_secretary"]
POST_EXPECTED = {
    "certificates:bulk_download": [R, D, D, D, R],
    "certificates:issue_session": [R, D, D, D, D],
    "certificates:reissue": [R, D, D, D, D],
    "certificates:revoke": [R, D, D, D, D],
    "classes:session_cancel": [R, N, N, N, N],
    "classes:walk_in": [R, N, N, N, N],
    "courses:activity_done": [R, R, R, R, R],  # not enrolled: nothing recorded, back to page
    "courses:enrol": [R, R, R, R, R],  # self-enrolment is open to everyone signed in
    "coverage:export": [R, D, D, D, B],
    "coverage:transition_enrol": [R, D, D, D, D],
    "quizzes:autosave": [R, OK, N, N, N],
    "quizzes:start": [R, R, R, R, R],
    "quizzes:submit": [R, R, N, N, N],
    "scorm:runtime": [D, N, N, N, N],  # JSON answers, no login redirect; an ordinary lesson
}

# Wagtail pages and admin entry points (served by packages, guarded by us).
PAGES = ["home", "catalogue", "course", "lesson", "quiz", "wagtail_admin", "django_admin"]
PAGE_EXPECTED = {
    "home": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "catalogue": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "course": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "lesson": [R, OK, OK, OK, OK, OK, OK, OK, OK],  # body only for the enrolled: see below
    "quiz": [OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "wagtail_admin": [R, R, R, OK, OK, R, R, OK, OK],  # trainers: their class sessions
    "django_admin": [R, R, R, R, R, R, R, R, R],
}


@pytest.mark.django_db
def test_post_actions_refuse_other_people(client, world):
    post_only = sorted(name for name, row in EXPECTED.items() if F in row)
    observed = {
        name: statuses(client, world, _url_for(name, world), POST_ROLES, method="post")
        for name in post_only
    }
    assert observed == POST_EXPECTED


@pytest.mark.django_db
def test_pages_and_admin_entry_points(client, world):
    observed = {name: statuses(client, world, world["pages"][name], ROLES) for name in PAGES}
    assert observed == PAGE_EXPECTED


@pytest.mark.django_db
def test_lesson_body_is_shown_only_to_the_enrolled(client, world):
    url = world["pages"]["lesson"]
    client.force_login(world["users"]["trainee"])
    assert "Nội dung bài 1." in client.get(url).content.decode()
    client.force_login(world["users"]["other_trainee"])
    assert "Nội dung bài 1." not in client.get(url).content.decode()


# Quiz attempts as objects: a trainer reads and grades only attempts of people on the rosters of
# their own classes. "class_trainer" teaches another class of the same course (the IDOR probe the
# columns above cannot make: other_trainer teaches nothing); "outsider" is enrolled in the course
# but on no roster. Rows: (URL name, whose submitted attempt, method).
ATTEMPT_ROLES = ["trainee", "trainer", "class_trainer", "secretary", "officer", "editor"]
ATTEMPT_EXPECTED = {
    ("quizzes:result", "trainee", "get"): [OK, OK, N, N, OK, OK],
    ("quizzes:grade_essays", "trainee", "get"): [D, OK, N, D, OK, OK],
    ("quizzes:grade_essays", "trainee", "post"): [D, OK, N, D, OK, OK],
    ("quizzes:result", "outsider", "get"): [N, N, N, N, OK, OK],
    ("quizzes:grade_essays", "outsider", "get"): [D, N, N, D, OK, OK],
    ("quizzes:grade_essays", "outsider", "post"): [D, N, N, D, OK, OK],
}


@pytest.mark.django_db
def test_attempt_urls_only_for_trainers_of_the_persons_class(
    client, world, make_user, enrol, course, bank_quiz, other_trainee
):
    from courses.models import TrainingClass
    from quizzes.models import Attempt
    from quizzes.services import attempt_start, attempt_submit

    class_trainer = make_user(roles.TRAINER, is_staff=True)
    TrainingClass.objects.create(course=course, title="Lớp khác").trainers.add(class_trainer)
    world["users"]["class_trainer"] = class_trainer
    enrol(other_trainee, course)
    attempts = {
        "trainee": attempt_submit(attempt=Attempt.objects.get(pk=world["kwargs"]["attempt_id"])),
        "outsider": attempt_submit(attempt=attempt_start(user=other_trainee, quiz=bank_quiz)),
    }
    observed = {
        (name, whose, method): statuses(
            client, world, reverse(name, args=[attempts[whose].pk]), ATTEMPT_ROLES, method
        )
        for name, whose, method in ATTEMPT_EXPECTED
    }
    assert observed == ATTEMPT_EXPECTED

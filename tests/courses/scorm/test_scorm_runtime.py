"""Playing a SCORM lesson: the sandboxed player, the package files' headers, the runtime
endpoint that stores each person's state, completes the lesson and restores it on resume."""

import html
import json
import re
from decimal import Decimal

import pytest

from django.test import Client

from courses.models import ActivityCompletion, Enrolment, ScormAttempt
from courses.scorm.views import launch_token

from .conftest import scorm_2004_zip


def _player_src(client, lesson) -> str:
    response = client.get(lesson.url)
    assert response.status_code == 200
    match = re.search(r'<iframe src="([^"]+)" sandbox="([^"]*)"', response.content.decode())
    assert match, "the lesson page frames the package"
    assert match.group(2) == "allow-scripts allow-forms"
    return html.unescape(match.group(1))


def _launch_values(response, encoding="utf-8") -> dict:
    match = re.search(r'data-scorm-values="([^"]*)"', response.content.decode(encoding))
    return json.loads(html.unescape(match.group(1)))


def _commit(client, lesson, values):
    return client.post(
        f"/scorm/runtime/{lesson.pk}/",
        data=json.dumps({"values": values}),
        content_type="application/json",
    )


def test_lesson_page_frames_the_package_in_a_sandbox(client, enrolled_trainee, scorm_lesson):
    client.force_login(enrolled_trainee)
    response = client.get(scorm_lesson.url)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "script-src 'self'" in policy
    page = response.content.decode()
    assert "courses/scorm/player.js" in page
    assert "allow-same-origin" not in page
    assert _player_src(client, scorm_lesson).endswith("/index.html")


def test_lesson_page_with_its_launch_token_is_never_cached(client, enrolled_trainee, scorm_lesson):
    client.force_login(enrolled_trainee)
    response = client.get(scorm_lesson.url)
    assert response.status_code == 200
    assert "/scorm/play/" in response.content.decode()
    assert response.headers["Cache-Control"] == "private, no-store"


def test_package_files_are_sandboxed_and_carry_the_api_shim(client, enrolled_trainee, scorm_lesson):
    client.force_login(enrolled_trainee)
    src = _player_src(client, scorm_lesson)
    # The frame's own requests come from an opaque origin: they must work without the cookie.
    anonymous = Client()
    response = anonymous.get(src)
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "sandbox allow-scripts allow-forms"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    body = response.content.decode()
    assert body.index("courses/scorm/api.js") < body.index("lesson.js")
    values = _launch_values(response)
    assert values["cmi.core.lesson_status"] == "not attempted"
    assert values["cmi.core.entry"] == "ab-initio"
    assert values["cmi.core.student_name"] == enrolled_trainee.full_name
    script = anonymous.get(src.replace("index.html", "lesson.js"))
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    assert script.headers["Content-Security-Policy"] == "sandbox allow-scripts allow-forms"
    assert script.headers["X-Content-Type-Options"] == "nosniff"


def test_paths_outside_the_package_and_forged_tokens_are_not_found(
    client, enrolled_trainee, scorm_lesson
):
    client.force_login(enrolled_trainee)
    src = _player_src(client, scorm_lesson)
    prefix = src.rsplit("/", 1)[0]
    assert client.get(prefix + "/../../settings.py").status_code == 404
    assert client.get(prefix + "/missing.html").status_code == 404
    forged = prefix.replace("/play/", "/play/x") + "/index.html"
    assert client.get(forged).status_code == 404


def test_a_launch_address_opened_by_another_signed_in_person_is_refused(
    client, enrolled_trainee, other_trainee, scorm_lesson
):
    """The address names its person; someone else signed in (it was shared, or seen over a
    shoulder) does not get that person's name and saved state in their own browser."""
    client.force_login(enrolled_trainee)
    src = _player_src(client, scorm_lesson)
    assert client.get(src).status_code == 200
    someone_else = Client()
    someone_else.force_login(other_trainee)
    response = someone_else.get(src)
    assert response.status_code == 403
    assert response.headers["Content-Security-Policy"] == "sandbox allow-scripts allow-forms"
    assert "data-scorm-values" not in response.content.decode()


def test_commit_persists_and_completed_marks_the_lesson_done(
    client, enrolled_trainee, scorm_lesson, django_assert_max_num_queries
):
    client.force_login(enrolled_trainee)
    response = _commit(
        client,
        scorm_lesson,
        {"cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "2"},
    )
    assert response.json() == {"ok": True, "lesson_done": False, "course_completed": False}
    assert not ActivityCompletion.objects.exists()
    with django_assert_max_num_queries(40):
        response = _commit(
            client,
            scorm_lesson,
            {
                "cmi.core.lesson_status": "completed",
                "cmi.core.score.raw": "100",
                "cmi.interactions.0.id": "q1",  # not kept, not refused
            },
        )
    assert response.json() == {"ok": True, "lesson_done": True, "course_completed": True}
    attempt = ScormAttempt.objects.get(user=enrolled_trainee, page=scorm_lesson)
    assert (attempt.lesson_status, attempt.location, attempt.score_raw) == ("completed", "2", 100)
    assert attempt.completed_at is not None
    assert ActivityCompletion.objects.filter(page_id=scorm_lesson.pk).count() == 1
    enrolment = Enrolment.objects.get(user=enrolled_trainee)
    assert enrolment.completed_at is not None  # the SCORM lesson was the course's only activity
    assert 'class="badge badge-ok" data-done="1"' in client.get(scorm_lesson.url).content.decode()


def test_resume_restores_suspend_data_and_location(client, enrolled_trainee, scorm_lesson):
    client.force_login(enrolled_trainee)
    _commit(
        client,
        scorm_lesson,
        {
            "cmi.suspend_data": '{"slide": 2}',
            "cmi.core.lesson_location": "2",
            "cmi.core.exit": "suspend",
        },
    )
    values = _launch_values(client.get(_player_src(client, scorm_lesson)))
    assert values["cmi.suspend_data"] == '{"slide": 2}'
    assert values["cmi.core.lesson_location"] == "2"
    assert values["cmi.core.entry"] == "resume"
    assert values["cmi.core.lesson_status"] == "not attempted"


def test_scorm_2004_passed_completes_the_lesson(client, trainee, make_course):
    from courses.learning.enrolment import enrolment_create
    from courses.scorm.services import scorm_lesson_import

    course = make_course(lessons=1)
    lesson = scorm_lesson_import(data=scorm_2004_zip(), parent=course)
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    src = _player_src(client, lesson)
    assert src.endswith("/content/start.html?lang=vi")
    assert _launch_values(client.get(src))["cmi.completion_status"] == "unknown"
    response = _commit(client, lesson, {"cmi.success_status": "passed", "cmi.score.scaled": "0.9"})
    assert response.json()["lesson_done"] is True
    assert ScormAttempt.objects.get().score_scaled == Decimal("0.9")
    assert ActivityCompletion.objects.filter(page_id=lesson.pk).exists()
    assert not Enrolment.objects.get().completed_at  # the reading lesson is still to do


@pytest.mark.parametrize(
    "values",
    [
        {"cmi.core.lesson_status": "finished"},
        {"cmi.core.score.raw": "a lot"},
        {"cmi.core.lesson_location": "x" * 256},
        {"cmi.suspend_data": "x" * 70_000},
        {"cmi.core.lesson_status": 3},
    ],
)
def test_values_the_data_model_forbids_are_refused(client, enrolled_trainee, scorm_lesson, values):
    client.force_login(enrolled_trainee)
    response = _commit(client, scorm_lesson, values)
    assert response.status_code == 400
    assert "không hợp lệ" in response.json()["error"]
    assert not ScormAttempt.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"values": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than Python recurses
        '{"values": {"cmi.suspend_data": "\\ud800"}}',  # a lone surrogate, not UTF-8
        b'{"values": {"cmi.suspend_data": "\xff"}}',  # not UTF-8 at all
    ],
)
def test_bodies_json_accepts_but_no_database_stores_are_refused(
    client, enrolled_trainee, scorm_lesson, body
):
    client.force_login(enrolled_trainee)
    url = f"/scorm/runtime/{scorm_lesson.pk}/"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert not ScormAttempt.objects.exists()


def test_suspend_data_limit_follows_the_setting(client, enrolled_trainee, scorm_lesson, settings):
    settings.SCORM_MAX_SUSPEND_DATA = 10
    client.force_login(enrolled_trainee)
    assert _commit(client, scorm_lesson, {"cmi.suspend_data": "x" * 11}).status_code == 400
    assert _commit(client, scorm_lesson, {"cmi.suspend_data": "x" * 10}).status_code == 200


def test_person_not_enrolled_is_refused(client, other_trainee, scorm_lesson):
    client.force_login(other_trainee)
    page = client.get(scorm_lesson.url).content.decode()
    assert "<iframe" not in page
    response = _commit(client, scorm_lesson, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403
    token = launch_token(user=other_trainee, page=scorm_lesson)
    assert client.get(f"/scorm/play/{token}/index.html").status_code == 403
    assert not ScormAttempt.objects.exists() and not ActivityCompletion.objects.exists()


def test_launch_stops_working_once_the_enrolment_is_withdrawn(
    client, enrolled_trainee, scorm_lesson
):
    client.force_login(enrolled_trainee)
    src = _player_src(client, scorm_lesson)
    Enrolment.objects.filter(user=enrolled_trainee).update(status="withdrawn")
    assert Client().get(src).status_code == 403


def test_anonymous_and_cross_site_posts_are_refused(client, enrolled_trainee, scorm_lesson):
    assert _commit(client, scorm_lesson, {"cmi.core.lesson_status": "completed"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(enrolled_trainee)
    response = _commit(strict, scorm_lesson, {"cmi.core.lesson_status": "completed"})
    assert response.status_code == 403
    assert not ScormAttempt.objects.exists()


def test_expired_launch_token_is_refused(client, enrolled_trainee, scorm_lesson, settings):
    client.force_login(enrolled_trainee)
    src = _player_src(client, scorm_lesson)
    settings.SCORM_LAUNCH_MAX_AGE = -1
    assert Client().get(src).status_code == 404


def test_pages_keep_their_own_encoding(client, trainee, make_course):
    from courses.learning.enrolment import enrolment_create
    from courses.scorm.services import scorm_lesson_import

    from .conftest import MANIFEST_2004, build_zip

    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        "<title>Bai</title></head><body>Café</body></html>"
    ).encode("cp1258")
    data = build_zip(
        {"imsmanifest.xml": MANIFEST_2004, "shared/a.css": "", "content/start.html": page}
    )
    course = make_course(lessons=0)
    lesson = scorm_lesson_import(data=data, parent=course)
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    response = client.get(_player_src(client, lesson))
    assert response.headers["Content-Type"] == "text/html; charset=windows-1258"
    assert response.content.decode("cp1258").endswith("<body>Café</body></html>")
    assert _launch_values(response, "cp1258")["cmi.learner_name"] == trainee.full_name


def _replace_package(lesson):
    """The lesson's package swapped for a new version of it, as an editor publishing it does."""
    from courses.scorm.services import scorm_package_import

    from .conftest import DEMO_FOLDER, build_zip

    members = {
        str(path.relative_to(DEMO_FOLDER)): path.read_bytes()
        for path in sorted(DEMO_FOLDER.rglob("*"))
        if path.is_file()
    }
    members["ban-moi.txt"] = "phiên bản 2"
    package = scorm_package_import(data=build_zip(members))
    lesson.package = package
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return package


def test_a_replaced_package_starts_afresh_and_keeps_the_lesson_done(
    client, enrolled_trainee, scorm_lesson
):
    client.force_login(enrolled_trainee)
    old_runtime = re.search(r'data-runtime-url="([^"]+)"', client.get(scorm_lesson.url).text)
    old_runtime = html.unescape(old_runtime.group(1))
    done = {
        "cmi.core.lesson_status": "completed",
        "cmi.suspend_data": '{"slide": 9}',
        "cmi.core.lesson_location": "9",
    }
    assert _commit(client, scorm_lesson, done).json()["lesson_done"] is True
    first = ScormAttempt.objects.get(user=enrolled_trainee)
    assert first.package_id == scorm_lesson.package_id
    new_package = _replace_package(scorm_lesson)

    values = _launch_values(client.get(_player_src(client, scorm_lesson)))
    assert values["cmi.core.entry"] == "ab-initio"
    assert values["cmi.suspend_data"] == ""
    assert values["cmi.core.lesson_location"] == ""
    assert values["cmi.core.lesson_status"] == "completed"

    # The old package, still open in a tab, cannot write over the new one's state.
    stale = client.post(
        old_runtime, data=json.dumps({"values": done}), content_type="application/json"
    )
    assert stale.status_code == 409
    response = _commit(client, scorm_lesson, {"cmi.core.lesson_status": "incomplete"})
    assert response.json()["ok"] is True
    attempt = ScormAttempt.objects.get(user=enrolled_trainee)
    assert attempt.package_id == new_package.pk
    assert (attempt.suspend_data, attempt.location) == ("", "")
    assert attempt.completed_at == first.completed_at
    assert ActivityCompletion.objects.filter(page_id=scorm_lesson.pk).count() == 1
    assert 'data-done="1"' in client.get(scorm_lesson.url).text

    _commit(client, scorm_lesson, {"cmi.suspend_data": "moi", "cmi.core.lesson_location": "1"})
    values = _launch_values(client.get(_player_src(client, scorm_lesson)))
    assert (values["cmi.core.entry"], values["cmi.suspend_data"]) == ("resume", "moi")

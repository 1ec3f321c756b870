"""Writes that had no audit trail now leave one: classes and sessions (edited in the Wagtail
admin), question banks and their imports, and essay grading."""

import pytest

from django.urls import reverse

from courses.models import ClassSession
from lms.core.audit import AuditKind
from lms.core.models import AuditEvent
from quizzes.models import QuestionBank, QuestionType
from quizzes.services import (
    attempt_grade_essay,
    attempt_start,
    attempt_submit,
    questions_import,
)

pytestmark = pytest.mark.django_db


def _events(kind, obj):
    return list(AuditEvent.objects.filter(verb=kind, object_id=str(obj.pk)).order_by("pk"))


def test_class_edited_in_the_wagtail_admin_records_who_and_what(
    client, make_user, training_class, trainer
):
    administrator = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    url = reverse("wagtailsnippets_courses_trainingclass:edit", args=[training_class.pk])

    response = client.post(
        url,
        {
            "course": training_class.course_id,
            "title": "Lớp thư ký ISO khóa 2",
            "trainers": [trainer.pk],
            "capacity": 40,
            "allow_walk_in": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = _events(AuditKind.CLASS_UPDATE, training_class)
    assert event.actor == administrator
    assert event.before["title"] == "Lớp bồi dưỡng thư ký ISO"
    assert event.after["title"] == "Lớp thư ký ISO khóa 2"
    assert event.after["capacity"] == 40


def test_session_edited_in_the_wagtail_admin_records_only_what_changed(
    client, make_user, class_session
):
    administrator = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    # Whole minutes, as the admin's date-time inputs show them.
    starts = class_session.starts_at.replace(second=0, microsecond=0)
    ClassSession.objects.filter(pk=class_session.pk).update(
        starts_at=starts, ends_at=starts + (class_session.ends_at - class_session.starts_at)
    )
    url = reverse("wagtailsnippets_courses_classsession:edit", args=[class_session.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["venue"] = "Phòng họp tầng 3"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = _events(AuditKind.SESSION_UPDATE, class_session)
    assert event.actor == administrator
    assert event.before == {"venue": "Hội trường Sở Khoa học và Công nghệ"}
    assert event.after == {"venue": "Phòng họp tầng 3"}


def test_question_import_records_the_actor_and_counts(editor):
    text = "::Q1:: Tiêu chuẩn ISO 9001 nói về? {=Quản lý chất lượng ~An toàn thực phẩm}\n"

    result = questions_import(bank_name="Ngân hàng mới", text=text, fmt="gift", actor=editor)

    bank = QuestionBank.objects.get(name="Ngân hàng mới")
    assert result.ok
    [event] = _events(AuditKind.QUESTION_IMPORT, bank)
    assert event.actor == editor and event.after == {"questions": 1, "format": "gift"}


def test_dry_run_import_records_nothing(editor):
    text = "::Q1:: Câu hỏi? {=Đúng ~Sai}\n"
    questions_import(bank_name="Thử", text=text, fmt="gift", dry_run=True, actor=editor)
    assert not AuditEvent.objects.filter(verb=AuditKind.QUESTION_IMPORT).exists()


def test_essay_grading_records_the_grader_and_the_score(
    course, question_bank, make_quiz, enrol, trainee, officer
):
    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    enrol(trainee, course)
    attempt = attempt_start(user=trainee, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, responses={str(essay.pk): "Cải tiến quy trình."})

    graded = attempt_grade_essay(attempt=attempt, question_id=str(essay.pk), mark=1, grader=officer)

    [event] = _events(AuditKind.ATTEMPT_GRADE, graded)
    assert event.actor == officer
    assert event.before["passed"] is None and event.after["passed"] is True
    assert event.after["mark"] == 1.0


def test_archiving_a_person_in_the_wagtail_user_form_is_recorded(client, make_user, trainee):
    administrator = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(administrator)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[trainee.pk]),
        {
            "email": trainee.email,
            "first_name": "Thử",  # the form asks for them; the model keeps full_name only
            "last_name": "Nguyễn",
            "groups": list(trainee.groups.values_list("pk", flat=True)),
            "password1": "",
            "password2": "",
        },
    )

    assert response.status_code == 302
    [event] = _events(AuditKind.USER_UPDATE, trainee)
    assert event.actor == administrator
    assert event.before == {"is_active": True} and event.after == {"is_active": False}


def test_signing_in_is_not_an_account_change(client, trainee):
    assert client.login(email=trainee.email, password="secret-pass-123")
    assert not _events(AuditKind.USER_UPDATE, trainee)
    assert len(_events(AuditKind.USER_CREATE, trainee)) == 1
    assert "password" not in _events(AuditKind.USER_CREATE, trainee)[0].after

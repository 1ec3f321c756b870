"""Taking a quiz through the browser views, and who may see what."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from courses.models import ActivityCompletion, ClassMember, TrainingClass
from quizzes.models import Attempt, AttemptStatus, QuestionType
from quizzes.services import attempt_start, attempt_submit

from .test_attempts import right_answers


def form_data(attempt, responses):
    """The POST body the attempt page's form sends for these responses."""
    data = {}
    for qid, value in responses.items():
        if isinstance(value, dict):
            for pair_id, match in value.items():
                data[f"q-{qid}-{pair_id}"] = match
        else:
            data[f"q-{qid}"] = value
    return data


def test_quiz_page_shows_rules_and_start_button_for_an_enrolled_trainee(client, bank_quiz, trainee):
    client.force_login(trainee)
    response = client.get(bank_quiz.url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Thời gian làm bài: 20 phút" in content
    assert "Bạn còn 3 lần." in content
    assert reverse("quizzes:start", args=[bank_quiz.pk]) in content


def test_trainee_takes_the_quiz_sees_the_timer_and_gets_a_score_and_review(
    client, bank_quiz, trainee, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    response = client.post(reverse("quizzes:start", args=[bank_quiz.pk]))
    attempt = Attempt.objects.get(user=trainee)
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
    page = client.get(response.url).content.decode()
    assert 'id="quiz-countdown"' in page
    assert re.search(r'data-remaining="(1[12]\d\d)"', page)  # about 20 minutes
    assert "quizzes/attempt.js" in page
    with django_capture_on_commit_callbacks(execute=True):
        result = client.post(
            reverse("quizzes:submit", args=[attempt.pk]),
            form_data(attempt, right_answers(attempt)),
        )
    assert result.url == reverse("quizzes:result", args=[attempt.pk])
    review = client.get(result.url).content.decode()
    assert "100%" in review and "Đạt" in review
    assert "Đáp án đúng:" in review
    assert ActivityCompletion.objects.filter(page_id=bank_quiz.pk).exists()


def test_autosave_endpoint_saves_and_refuses_after_submit(client, bank_quiz, trainee):
    client.force_login(trainee)
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    single = next(q for q in attempt.questions if q["qtype"] == "single_choice")
    url = reverse("quizzes:autosave", args=[attempt.pk])
    first, second = (a["id"] for a in single["answers"][:2])
    response = client.post(url, {f"q-{single['id']}": first})
    assert response.status_code == 200 and json.loads(response.content)["saved"] is True
    attempt.refresh_from_db()
    assert attempt.responses == {single["id"]: first}
    attempt_submit(attempt=attempt)
    refused = client.post(url, {f"q-{single['id']}": second})
    assert refused.status_code == 409
    attempt.refresh_from_db()
    assert attempt.responses == {single["id"]: first}


def test_autosave_needs_the_csrf_token(bank_quiz, trainee):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    response = client.post(reverse("quizzes:autosave", args=[attempt.pk]), {})
    assert response.status_code == 403


def test_not_enrolled_user_gets_a_message_not_an_attempt(client, bank_quiz, other_trainee):
    client.force_login(other_trainee)
    response = client.post(reverse("quizzes:start", args=[bank_quiz.pk]), follow=True)
    assert "ghi danh khóa học" in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("name", ["attempt", "result", "autosave", "submit", "grade_essays"])
def test_no_one_sees_another_trainees_attempt(client, bank_quiz, trainee, other_trainee, name):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    if name == "result":
        attempt_submit(attempt=attempt)
    client.force_login(other_trainee)
    url = reverse(f"quizzes:{name}", args=[attempt.pk])
    response = client.post(url, {}) if name in ("autosave", "submit") else client.get(url)
    assert response.status_code in (403, 404)
    attempt.refresh_from_db()
    assert attempt.status == (AttemptStatus.GRADED if name == "result" else "in_progress")


@pytest.mark.parametrize("name", ["quiz_results", "item_analysis"])
def test_trainee_cannot_open_results_or_item_analysis(client, bank_quiz, trainee, name):
    client.force_login(trainee)
    assert client.get(reverse(f"quizzes:{name}", args=[bank_quiz.pk])).status_code == 403
    assert client.get(reverse("quizzes:results_index")).status_code == 403


def test_trainer_sees_results_only_for_courses_they_teach(
    client, bank_quiz, course, trainee, trainer
):
    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    attempt_submit(attempt=attempt, responses=right_answers(attempt))
    client.force_login(trainer)
    url = reverse("quizzes:quiz_results", args=[bank_quiz.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    training_class = TrainingClass.objects.create(course=course, title="Lớp 1")
    training_class.trainers.add(trainer)
    assert trainee.full_name not in client.get(url).content.decode()  # not on their roster
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    ClassMember.objects.create(training_class=training_class, user=trainee)
    page = client.get(url).content.decode()
    assert trainee.full_name in page and "100%" in page
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200


def test_officer_downloads_item_analysis_as_csv_with_bom_and_xlsx(
    client, bank_quiz, make_user, enrol, course, trainee, officer
):
    from lms.accounts import roles

    for user, good in [(trainee, True), (make_user(roles.TRAINEE), False)]:
        enrol(user, course)
        attempt = attempt_start(user=user, quiz=bank_quiz)
        attempt_submit(attempt=attempt, responses=right_answers(attempt) if good else {})
    client.force_login(officer)
    url = reverse("quizzes:item_analysis", args=[bank_quiz.pk])
    page = client.get(url).content.decode()
    assert "Chỉ số phân biệt" in page and "Số nguyên tắc" in page
    raw = client.get(url + "?format=csv").content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Câu hỏi"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Số nguyên tắc"][2] == "2"
    assert by_name["Số nguyên tắc"][3] == "0.5"
    assert by_name["Số nguyên tắc"][4] == "1.0"
    workbook = load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    assert workbook.active.max_row == len(rows)


def test_trainer_marks_an_essay_from_the_queue(
    client, course, question_bank, make_quiz, enrol, trainee, trainer
):
    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    enrol(trainee, course)
    training_class = TrainingClass.objects.create(course=course, title="Lớp 1")
    training_class.trainers.add(trainer)
    ClassMember.objects.create(training_class=training_class, user=trainee)
    attempt = attempt_submit(
        attempt=attempt_start(user=trainee, quiz=quiz), responses={str(essay.pk): "Ý kiến"}
    )
    client.force_login(trainer)
    queue = client.get(reverse("quizzes:results_index")).content.decode()
    grade_url = reverse("quizzes:grade_essays", args=[attempt.pk])
    assert grade_url in queue
    bad = client.post(grade_url, {"question_id": str(essay.pk), "mark": "7"})
    assert bad.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING
    client.post(grade_url, {"question_id": str(essay.pk), "mark": "1", "feedback": "Tốt"})
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_submitting_a_20_question_attempt_costs_at_most_15_queries(
    client, course, make_quiz, enrol, trainee, django_assert_max_num_queries
):
    from quizzes.services import questions_import

    gift = "\n\n".join(f"::Câu {n}:: Câu hỏi số {n}?{{=Đúng ~Sai ~Không rõ}}" for n in range(20))
    bank = questions_import(bank_name="Hai mươi câu", text=gift, fmt="gift").bank
    quiz = make_quiz(course, slots=[{"bank": bank, "draw_count": 20}])
    enrol(trainee, course)
    attempt = attempt_start(user=trainee, quiz=quiz)
    assert len(attempt.questions) == 20
    client.force_login(trainee)
    data = form_data(attempt, right_answers(attempt))
    with django_assert_max_num_queries(15):
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.percent == 100


def test_review_shows_chosen_answer_feedback_and_respects_the_review_policy(
    client, course, question_bank, make_quiz, enrol, trainee
):
    short = question_bank.questions.get(name="Điều khoản đánh giá nội bộ")
    quiz = make_quiz(course, slots=[{"question": short}], review_policy="after_pass")
    enrol(trainee, course)
    client.force_login(trainee)
    failed = attempt_submit(
        attempt=attempt_start(user=trainee, quiz=quiz), responses={str(short.pk): " 9 "}
    )
    page = client.get(reverse("quizzes:result", args=[failed.pk])).content.decode()
    assert "Đáp án đúng:" not in page
    assert "sau khi đạt" in page
    passed = attempt_submit(
        attempt=attempt_start(user=trainee, quiz=quiz), responses={str(short.pk): "9.2"}
    )
    page = client.get(reverse("quizzes:result", args=[passed.pk])).content.decode()
    assert "Đáp án đúng:</strong> 9.2" in page
    assert "Đúng." in page  # feedback of the accepted answer typed


@pytest.fixture
def essay_attempts(course, question_bank, make_quiz, enrol, make_user, trainer, add_member):
    """An essay quiz of the course; one trainee in the trainer's class, one in another trainer's
    class of the same course, one in no class: each has an attempt waiting to be graded."""
    from lms.accounts import roles

    essay = question_bank.questions.get(qtype=QuestionType.ESSAY)
    quiz = make_quiz(course, slots=[{"question": essay}], pass_mark_percent=50)
    own_class = TrainingClass.objects.create(course=course, title="Lớp của tôi")
    own_class.trainers.add(trainer)
    other_trainer = make_user(roles.TRAINER, full_name="Giảng Viên Khác")
    other_class = TrainingClass.objects.create(course=course, title="Lớp khác")
    other_class.trainers.add(other_trainer)
    people = {
        "mine": make_user(full_name="Học Viên Của Tôi"),
        "other_class": make_user(full_name="Học Viên Lớp Khác"),
        "no_class": make_user(full_name="Học Viên Tự Học"),
    }
    add_member(own_class, people["mine"])
    add_member(other_class, people["other_class"])
    attempts = {}
    for key, person in people.items():
        enrol(person, course)
        attempts[key] = attempt_submit(
            attempt=attempt_start(user=person, quiz=quiz), responses={str(essay.pk): "Bài viết"}
        )
    return {"quiz": quiz, "essay": essay, "attempts": attempts, "other_trainer": other_trainer}


@pytest.mark.parametrize("whose", ["other_class", "no_class"])
def test_trainer_cannot_open_or_grade_attempts_outside_their_classes(
    client, trainer, essay_attempts, whose
):
    attempt = essay_attempts["attempts"][whose]
    client.force_login(trainer)

    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 404
    grade_url = reverse("quizzes:grade_essays", args=[attempt.pk])
    assert client.get(grade_url).status_code == 404
    response = client.post(grade_url, {"question_id": str(essay_attempts["essay"].pk), "mark": "1"})
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.NEEDS_GRADING


def test_trainer_lists_show_only_their_own_trainees(client, trainer, essay_attempts):
    quiz, attempts = essay_attempts["quiz"], essay_attempts["attempts"]
    client.force_login(trainer)

    queue = client.get(reverse("quizzes:results_index")).content.decode()
    results = client.get(reverse("quizzes:quiz_results", args=[quiz.pk]))
    page = results.content.decode()

    assert list(results.context["attempts"]) == [attempts["mine"]]
    assert results.context["summary"]["pending"] == 1
    for text in (queue, page):
        assert "Học Viên Của Tôi" in text
        assert "Học Viên Lớp Khác" not in text and "Học Viên Tự Học" not in text
    assert reverse("quizzes:grade_essays", args=[attempts["mine"].pk]) in queue
    assert (
        client.get(reverse("quizzes:grade_essays", args=[attempts["mine"].pk])).status_code == 200
    )


def test_officer_and_editor_see_and_grade_every_attempt(client, officer, editor, essay_attempts):
    for user in (officer, editor):
        client.force_login(user)
        results = client.get(reverse("quizzes:quiz_results", args=[essay_attempts["quiz"].pk]))
        assert len(results.context["attempts"]) == 3
        for attempt in essay_attempts["attempts"].values():
            grade_url = reverse("quizzes:grade_essays", args=[attempt.pk])
            assert client.get(grade_url).status_code == 200

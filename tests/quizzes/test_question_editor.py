"""The per-type question editor of the Wagtail admin: answer rows, no JSON, checked per type."""

import random

import pytest

from django.urls import reverse

from quizzes import grading
from quizzes.models import Question, QuestionBank
from quizzes.services import attempt_start, attempt_submit, freeze_question

ADD = "wagtailsnippets_quizzes_question:add"
EDIT = "wagtailsnippets_quizzes_question:edit"


@pytest.fixture
def bank(db):
    return QuestionBank.objects.create(name="Ngân hàng soạn tay")


def form(bank, qtype, **extra):
    data = {
        "bank": bank.pk,
        "category": "",
        "qtype": qtype,
        "name": f"Câu {qtype}",
        "text": "Nội dung câu hỏi",
        "text_format": "plain",
        "general_feedback": "",
        "default_mark": "1",
        "shuffle_answers": "on",
        "true_false_answer": "",
    }
    return data | {k: str(v) for k, v in extra.items()}


def rows(*answers):
    """answer_<i>_text / _percent / _feedback / _tolerance from (text, percent[, tolerance])."""
    data = {}
    for i, (text, percent, *tolerance) in enumerate(answers):
        data[f"answer_{i}_text"] = text
        data[f"answer_{i}_percent"] = percent
        data[f"answer_{i}_feedback"] = f"phản hồi {i}"
        if tolerance:
            data[f"answer_{i}_tolerance"] = tolerance[0]
    return data


def create(client, editor, bank, qtype, **extra):
    client.force_login(editor)
    return client.post(reverse(ADD), form(bank, qtype, **extra))


def grade(question, response_of):
    """The fraction a response scores on the stored question, through an attempt snapshot."""
    snapshot = freeze_question(question, shuffle=False, rng=random.Random(1))
    return grading.grade_question(snapshot, response_of(snapshot)).fraction


def test_editor_page_shows_answer_rows_and_no_json(client, editor, bank):
    client.force_login(editor)
    page = client.get(reverse(ADD)).content.decode()
    assert 'name="answer_0_text"' in page and 'name="pair_0_left"' in page
    assert 'name="answers"' not in page


def test_single_choice_is_created_from_rows_and_grades(client, editor, bank):
    response = create(
        client, editor, bank, "single_choice", **rows(("Chất lượng", 100), ("Môi trường", 0))
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.answers == [
        {"text": "Chất lượng", "fraction": 1.0, "feedback": "phản hồi 0"},
        {"text": "Môi trường", "fraction": 0.0, "feedback": "phản hồi 1"},
    ]
    assert grade(question, lambda q: q["answers"][0]["id"]) == 1.0
    assert grade(question, lambda q: q["answers"][1]["id"]) == 0.0


@pytest.mark.parametrize(
    ("qtype", "extra", "message"),
    [
        ("single_choice", rows(("a", 100), ("b", 100)), "đúng một đáp án 100 %"),
        ("single_choice", rows(("a", 50), ("b", 0)), "đúng một đáp án 100 %"),
        ("single_choice", rows(("a", 100)), "ít nhất 2 đáp án"),
        ("multiple_choice", rows(("a", 50), ("b", 20), ("c", -50)), "cộng lại 100 %"),
        ("true_false", {}, "Chọn đáp án đúng"),
        ("short_answer", rows(("ISO", 50)), "ít nhất một đáp án 100 %"),
        ("short_answer", {}, "ít nhất một đáp án đúng"),
        ("numerical", rows(("hai nghìn", 100)), "phải là một số"),
        ("matching", {"pair_0_left": "Plan", "pair_0_right": "Hoạch định"}, "ít nhất 2 cặp"),
        ("matching", {"pair_0_left": "Plan"}, "cả hai vế"),
    ],
)
def test_each_type_is_checked_and_nothing_is_saved(client, editor, bank, qtype, extra, message):
    response = create(client, editor, bank, qtype, **extra)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


def test_multiple_choice_shares_and_penalties_grade(client, editor, bank):
    extra = rows(("a", 50), ("b", 50), ("c", -100))
    assert create(client, editor, bank, "multiple_choice", **extra).status_code == 302
    question = Question.objects.get()
    assert [a["fraction"] for a in question.answers] == [0.5, 0.5, -1.0]
    ids = lambda q, picks: [q["answers"][i]["id"] for i in picks]  # noqa: E731
    assert grade(question, lambda q: ids(q, [0, 1])) == 1.0
    assert grade(question, lambda q: ids(q, [0])) == 0.5
    assert grade(question, lambda q: ids(q, [0, 1, 2])) == 0.0


def test_true_false_is_a_choice_not_json(client, editor, bank):
    assert create(client, editor, bank, "true_false", true_false_answer="false").status_code == 302
    question = Question.objects.get()
    assert [(a["text"], a["fraction"]) for a in question.answers] == [
        ("true", 0.0),
        ("false", 1.0),
    ]
    assert grade(question, lambda q: q["answers"][1]["id"]) == 1.0


def test_short_answer_accepts_each_row(client, editor, bank):
    extra = rows(("ISO 9001", 100), ("TCVN ISO 9001", 100))
    extra["answer_1_percent"] = ""  # blank: a typed answer is right
    assert create(client, editor, bank, "short_answer", **extra).status_code == 302
    question = Question.objects.get()
    assert grade(question, lambda q: "tcvn iso 9001") == 1.0
    assert grade(question, lambda q: "ISO 14001") == 0.0


def test_numerical_keeps_its_tolerance(client, editor, bank):
    extra = rows(("3,5", 100, "0.1"))
    assert create(client, editor, bank, "numerical", **extra).status_code == 302
    question = Question.objects.get()
    assert question.answers == [
        {"value": 3.5, "tolerance": 0.1, "fraction": 1.0, "feedback": "phản hồi 0"}
    ]
    assert grade(question, lambda q: "3.58") == 1.0
    assert grade(question, lambda q: "3.7") == 0.0


def test_matching_pairs_grade(client, editor, bank):
    extra = {
        "pair_0_left": "Plan",
        "pair_0_right": "Hoạch định",
        "pair_1_left": "Do",
        "pair_1_right": "Thực hiện",
    }
    assert create(client, editor, bank, "matching", **extra).status_code == 302
    question = Question.objects.get()
    assert question.answers == [
        {"text": "Plan", "match": "Hoạch định"},
        {"text": "Do", "match": "Thực hiện"},
    ]

    def right(snapshot):
        choice = {c["text"]: c["id"] for c in snapshot["choices"]}
        return {a["id"]: choice[a["match"]] for a in snapshot["answers"]}

    assert grade(question, right) == 1.0


@pytest.mark.parametrize("qtype", ["essay", "description"])
def test_essay_and_description_need_no_answers(client, editor, bank, qtype):
    assert create(client, editor, bank, qtype).status_code == 302
    assert Question.objects.get().answers == []


def test_edit_page_shows_the_stored_answers_in_rows(client, editor, bank):
    question = Question.objects.create(
        bank=bank,
        qtype="numerical",
        name="Năm",
        text="Năm ban hành?",
        text_format="plain",
        answers=[{"value": 2015.0, "tolerance": 0.5, "fraction": 1.0, "feedback": "đúng"}],
    )
    client.force_login(editor)
    page = client.get(reverse(EDIT, args=[question.pk])).content.decode()
    assert "\n2015</textarea>" in page and 'value="0.5"' in page and 'value="đúng"' in page
    assert 'name="answer_0_percent" value="100' in page


def test_editing_a_question_leaves_a_started_attempt_alone(client, editor, bank_quiz, trainee):
    from tests.quizzes.test_attempts import right_answers

    attempt = attempt_start(user=trainee, quiz=bank_quiz)
    frozen = next(q for q in attempt.questions if q["qtype"] == "single_choice")
    question = Question.objects.get(pk=frozen["question_id"])
    client.force_login(editor)
    data = form(question.bank, "single_choice", **rows(("Đáp án mới", 100), ("Khác", 0)))
    data |= {"text": "Nội dung đã sửa", "default_mark": "5"}
    assert client.post(reverse(EDIT, args=[question.pk]), data).status_code == 302
    question.refresh_from_db()
    assert question.text == "Nội dung đã sửa" and question.answers[0]["text"] == "Đáp án mới"
    attempt.refresh_from_db()
    still = next(q for q in attempt.questions if q["id"] == frozen["id"])
    assert still == frozen
    assert attempt_submit(attempt=attempt, responses=right_answers(attempt)).percent == 100


def test_a_question_with_more_answers_than_rows_is_not_cut_short(client, editor, bank):
    answers = [{"text": f"Phương án {n}", "fraction": 0.0, "feedback": ""} for n in range(10)]
    answers[0]["fraction"] = 1.0
    question = Question.objects.create(
        bank=bank, qtype="single_choice", name="Dài", text="Mười phương án", answers=answers
    )
    client.force_login(editor)
    data = form(bank, "single_choice", **rows(("a", 100), ("b", 0)))
    response = client.post(reverse(EDIT, args=[question.pk]), data)
    assert response.status_code == 200 and "tệp GIFT" in response.content.decode()
    question.refresh_from_db()
    assert question.answers == answers

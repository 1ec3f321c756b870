"""The attempt page never gives the answer key away: ids are random per attempt, the display
order is shuffled, and nothing on the page or in autosave replies tells which answer is right."""

import json
import random
import re
from collections import Counter

import pytest

from django.urls import reverse

from quizzes.models import Attempt, AttemptStatus, Question
from quizzes.services import attempt_start, attempt_submit, freeze_question

from .test_attempts import right_answers
from .test_quiz_views import form_data

DRAWS = 200
OPAQUE_ID = re.compile(r"[A-Za-z0-9_-]{12}")
# Feedback, accepted answers and numbers of the bank in tests/quizzes/files/vi_iso9001.gift.
SECRETS = (
    "Đúng: bảy nguyên tắc",
    "Đó là số nguyên tắc của phiên bản 2008",
    "Xem TCVN ISO 9000",
    "Không có bước này trong chu trình PDCA",
    "Chưa đúng, hãy xem lại bảy nguyên tắc",
    "Chính xác!",
    "Đúng chương",
    "9.2",
    "khách quan",
    "khach quan",
    "97.5",
    "Câu trả lời tốt nêu được",
    "fraction",
    "feedback",
)


def every_question_quiz(course, question_bank, make_quiz, enrol, trainee, **fields):
    questions = question_bank.questions.order_by("pk")
    quiz = make_quiz(course, slots=[{"question": q} for q in questions], **fields)
    enrol(trainee, course)
    return quiz


def start_over_http(client, quiz) -> tuple[Attempt, str]:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    return attempt, client.get(response.url).content.decode()


def choice_values(page: str, question: dict) -> list[str]:
    """Values of the radios/checkboxes of one question, in the order the page shows them."""
    return re.findall(rf'name="q-{question["id"]}" value="([^"]*)"', page)


def test_right_answer_id_and_position_are_unpredictable_over_200_attempts(
    client, course, question_bank, make_quiz, enrol, trainee
):
    single = question_bank.questions.get(name="Số nguyên tắc")  # right answer first in the bank
    quiz = make_quiz(course, slots=[{"question": single}], attempts_allowed=0, time_limit_minutes=0)
    enrol(trainee, course)
    client.force_login(trainee)
    right_ids, positions, all_ids = set(), Counter(), set()
    for _ in range(DRAWS):
        attempt, page = start_over_http(client, quiz)
        question = attempt.questions[0]
        right = next(a["id"] for a in question["answers"] if a["fraction"] == 1.0)
        shown = choice_values(page, question)
        assert sorted(shown) == sorted(a["id"] for a in question["answers"])
        assert all(OPAQUE_ID.fullmatch(value) for value in shown)
        right_ids.add(right)
        all_ids.update(shown)
        positions[shown.index(right)] += 1
        client.post(reverse("quizzes:submit", args=[attempt.pk]), {f"q-{question['id']}": right})
        attempt.refresh_from_db()
        assert attempt.percent == 100
    assert len(right_ids) == DRAWS  # never the same id twice
    assert len(all_ids) == 4 * DRAWS
    # Four positions, 200 draws: 50 expected each, standard deviation about 6.
    assert set(positions) == {0, 1, 2, 3}
    assert all(20 <= count <= 85 for count in positions.values()), positions


def test_matching_pairs_and_right_sides_do_not_line_up_over_200_draws(question_bank):
    matching = question_bank.questions.get(qtype="matching")
    rng = random.SystemRandom()
    first_pair_choice, first_pair = Counter(), Counter()
    for _ in range(DRAWS):
        snapshot = freeze_question(matching, shuffle=True, rng=rng)
        pair = snapshot["answers"][0]
        texts = [c["text"] for c in snapshot["choices"]]
        first_pair[pair["text"]] += 1
        first_pair_choice[texts.index(pair["match"])] += 1
        ids = [p["id"] for p in snapshot["answers"]] + [c["id"] for c in snapshot["choices"]]
        assert len(set(ids)) == 6 and all(OPAQUE_ID.fullmatch(i) for i in ids)
    # Three pairs and three right sides: about 67 of each, standard deviation about 7.
    assert all(35 <= n <= 100 for n in first_pair.values()) and len(first_pair) == 3
    assert all(35 <= n <= 100 for n in first_pair_choice.values()) and len(first_pair_choice) == 3


def test_true_false_ids_are_random_and_say_nothing(question_bank):
    true_false = question_bank.questions.get(qtype="true_false")
    rng = random.SystemRandom()
    seen = set()
    for _ in range(50):
        answers = freeze_question(true_false, shuffle=True, rng=rng)["answers"]
        ids = [a["id"] for a in answers]
        assert all(OPAQUE_ID.fullmatch(i) for i in ids)
        seen.update(ids)
    assert len(seen) == 100


def test_a_question_that_keeps_its_order_is_not_shuffled_but_still_gets_random_ids(
    question_bank,
):
    single = question_bank.questions.get(name="Số nguyên tắc")
    single.shuffle_answers = False
    single.save()
    rng = random.SystemRandom()
    for _ in range(20):
        answers = freeze_question(single, shuffle=True, rng=rng)["answers"]
        assert [a["text"] for a in answers] == ["5", "7", "8", "10"]
        assert all(OPAQUE_ID.fullmatch(a["id"]) for a in answers)


def test_attempt_page_and_autosave_reply_carry_no_key_feedback_or_bank_order_ids(
    client, course, question_bank, make_quiz, enrol, trainee
):
    quiz = every_question_quiz(course, question_bank, make_quiz, enrol, trainee)
    client.force_login(trainee)
    attempt, page = start_over_http(client, quiz)

    for secret in SECRETS:
        assert secret not in page, secret
    values = re.findall(r'<(?:input|option)[^>]*value="([^"]*)"', page)
    choice_ids = [v for v in values if OPAQUE_ID.fullmatch(v)]
    assert not {"a0", "a1", "p0", "p1", "true", "false"} & set(values)
    # Every choice id appears exactly once, the right ones no more or less than the others.
    for question in attempt.questions:
        for answer in question["answers"]:
            if "id" in answer:
                assert page.count(answer["id"]) == 1, (question["qtype"], answer)
        for choice in question.get("choices", []):  # offered once to every pair
            assert page.count(choice["id"]) == len(question["answers"])
    assert len(choice_ids) >= 15
    data_attributes = set(re.findall(r"\sdata-([a-z-]+)=", page))
    assert not {name for name in data_attributes if "correct" in name or "answer" in name}

    reply = client.post(
        reverse("quizzes:autosave", args=[attempt.pk]), form_data(attempt, right_answers(attempt))
    )
    body = reply.content.decode()
    assert reply.status_code == 200 and set(json.loads(body)) == {"saved", "at"}
    assert all(secret not in body for secret in SECRETS)
    assert not any(a["id"] in body for q in attempt.questions for a in q["answers"] if "id" in a)


def test_every_question_type_is_graded_through_real_posts(
    client, course, question_bank, make_quiz, enrol, trainee
):
    quiz = every_question_quiz(course, question_bank, make_quiz, enrol, trainee, attempts_allowed=0)
    client.force_login(trainee)
    attempt, _page = start_over_http(client, quiz)
    client.post(
        reverse("quizzes:submit", args=[attempt.pk]), form_data(attempt, right_answers(attempt))
    )
    attempt.refresh_from_db()
    marks = {q["qtype"]: attempt.marks[q["id"]] for q in attempt.questions}
    for qtype in ("single_choice", "multiple_choice", "true_false", "matching", "numerical"):
        assert marks[qtype]["fraction"] == 1.0, qtype
    assert marks["short_answer"]["fraction"] == 1.0
    assert marks["essay"]["needs_grading"] is True
    assert attempt.status == AttemptStatus.NEEDS_GRADING

    wrong, _page = start_over_http(client, quiz)
    data = {}
    for q in wrong.questions:
        if q["qtype"] in ("single_choice", "true_false"):
            data[f"q-{q['id']}"] = min(q["answers"], key=lambda a: a["fraction"])["id"]
        elif q["qtype"] == "matching":
            texts = [c["text"] for c in q["choices"]]
            for pair in q["answers"]:
                other = texts[(texts.index(pair["match"]) + 1) % len(texts)]
                data[f"q-{q['id']}-{pair['id']}"] = next(
                    c["id"] for c in q["choices"] if c["text"] == other
                )
        elif q["qtype"] == "numerical":
            data[f"q-{q['id']}"] = "12"
    client.post(reverse("quizzes:submit", args=[wrong.pk]), data)
    wrong.refresh_from_db()
    for q in wrong.questions:
        if q["qtype"] in ("single_choice", "true_false", "matching", "numerical"):
            assert wrong.marks[q["id"]]["fraction"] == 0.0, q["qtype"]


def test_ids_from_another_attempt_do_not_count(
    client, course, question_bank, make_quiz, enrol, trainee
):
    single = question_bank.questions.get(name="Số nguyên tắc")
    quiz = make_quiz(course, slots=[{"question": single}], attempts_allowed=0)
    enrol(trainee, course)
    client.force_login(trainee)
    first, _page = start_over_http(client, quiz)
    right_of_first = next(a["id"] for a in first.questions[0]["answers"] if a["fraction"] == 1)
    attempt_submit(attempt=first)
    second, _page = start_over_http(client, quiz)
    client.post(reverse("quizzes:submit", args=[second.pk]), {f"q-{single.pk}": right_of_first})
    second.refresh_from_db()
    assert second.responses == {} and second.percent == 0


# Snapshot shape stored by attempts started before choice ids were random.
LEGACY_SNAPSHOT = [
    {
        "id": "101",
        "question_id": 101,
        "qtype": "single_choice",
        "name": "Cũ một lựa chọn",
        "text": "Câu một lựa chọn cũ?",
        "text_format": "moodle",
        "general_feedback": "",
        "mark": 1.0,
        "answers": [
            {"id": "a1", "text": "Sai cũ", "fraction": 0.0, "feedback": ""},
            {"id": "a0", "text": "Đúng cũ", "fraction": 1.0, "feedback": "Giỏi"},
        ],
    },
    {
        "id": "102",
        "question_id": 102,
        "qtype": "true_false",
        "name": "Cũ đúng sai",
        "text": "Câu đúng sai cũ.",
        "text_format": "moodle",
        "general_feedback": "",
        "mark": 1.0,
        "answers": [
            {"id": "true", "text": "true", "fraction": 0.0, "feedback": ""},
            {"id": "false", "text": "false", "fraction": 1.0, "feedback": ""},
        ],
    },
    {
        "id": "103",
        "question_id": 103,
        "qtype": "matching",
        "name": "Cũ ghép đôi",
        "text": "Ghép đôi cũ.",
        "text_format": "moodle",
        "general_feedback": "",
        "mark": 2.0,
        "answers": [
            {"id": "p0", "text": "Điều 4", "match": "Bối cảnh"},
            {"id": "p1", "text": "Điều 5", "match": "Lãnh đạo"},
        ],
        "choices": ["Lãnh đạo", "Bối cảnh"],
    },
]


def test_attempt_started_before_the_change_still_shows_and_grades(
    client, course, make_quiz, enrol, trainee
):
    quiz = make_quiz(course, time_limit_minutes=0)
    enrol(trainee, course)
    attempt = Attempt.objects.create(user=trainee, quiz=quiz, questions=LEGACY_SNAPSHOT)
    client.force_login(trainee)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "Câu một lựa chọn cũ?" in page and "Đúng cũ" in page
    assert 'name="q-103-p0"' in page and '<option value="Bối cảnh">Bối cảnh</option>' in page
    response = client.post(
        reverse("quizzes:submit", args=[attempt.pk]),
        {"q-101": "a0", "q-102": "false", "q-103-p0": "Bối cảnh", "q-103-p1": "Lãnh đạo"},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.score == 4
    review = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "Điều 4 → Bối cảnh" in review and "Giỏi" in review


def test_matching_pair_without_left_side_is_only_a_wrong_choice(
    client, course, make_quiz, enrol, trainee
):
    from quizzes.services import questions_import

    gift = "::Ghép::Ghép điều với nội dung.{=Điều 4 -> Bối cảnh =Điều 5 -> Lãnh đạo = -> Hỗ trợ}"
    bank = questions_import(bank_name="Ghép", text=gift, fmt="gift").bank
    quiz = make_quiz(course, slots=[{"question": Question.objects.get(bank=bank)}])
    enrol(trainee, course)
    client.force_login(trainee)
    attempt, page = start_over_http(client, quiz)
    question = attempt.questions[0]
    assert len(re.findall(r"<select name=\"q-", page)) == 2 and "Hỗ trợ" in page
    assert attempt_start(user=trainee, quiz=quiz).pk == attempt.pk
    client.post(
        reverse("quizzes:submit", args=[attempt.pk]), form_data(attempt, right_answers(attempt))
    )
    attempt.refresh_from_db()
    assert attempt.marks[question["id"]]["fraction"] == 1.0


@pytest.mark.parametrize("shuffle", [True, False])
def test_choice_ids_are_random_whether_or_not_the_quiz_shuffles(question_bank, shuffle):
    single = question_bank.questions.get(name="Số nguyên tắc")
    rng = random.SystemRandom()
    first = freeze_question(single, shuffle=shuffle, rng=rng)["answers"]
    second = freeze_question(single, shuffle=shuffle, rng=rng)["answers"]
    assert not {a["id"] for a in first} & {a["id"] for a in second}


def test_migration_gives_attempts_in_progress_random_ids_and_keeps_their_answers(
    client, course, make_quiz, enrol, trainee
):
    import copy
    from importlib import import_module

    from django.apps import apps

    quiz = make_quiz(course, time_limit_minutes=0, attempts_allowed=0)
    enrol(trainee, course)
    saved = {"101": "a0", "102": "true", "103": {"p0": "Bối cảnh", "p1": "Bối cảnh"}}
    open_attempt = Attempt.objects.create(
        user=trainee, quiz=quiz, number=1, questions=copy.deepcopy(LEGACY_SNAPSHOT),
        responses=saved,
    )  # fmt: skip
    finished = Attempt.objects.create(
        user=trainee, quiz=quiz, number=2, questions=copy.deepcopy(LEGACY_SNAPSHOT),
        responses=saved, status=AttemptStatus.GRADED,
    )  # fmt: skip
    migration = import_module("quizzes.migrations.0006_random_ids_for_attempts_in_progress")
    migration.rekey_attempts_in_progress(apps, None)

    finished.refresh_from_db()
    assert finished.questions == LEGACY_SNAPSHOT and finished.responses == saved
    open_attempt.refresh_from_db()
    single, true_false, matching = open_attempt.questions
    assert [a["text"] for a in single["answers"]] == ["Sai cũ", "Đúng cũ"]  # order kept
    ids = [a["id"] for q in open_attempt.questions for a in q["answers"]]
    ids += [c["id"] for c in matching["choices"]]
    assert all(OPAQUE_ID.fullmatch(i) for i in ids) and len(set(ids)) == len(ids)
    choice = {c["text"]: c["id"] for c in matching["choices"]}
    pair = {p["text"]: p["id"] for p in matching["answers"]}
    assert open_attempt.responses == {
        "101": single["answers"][1]["id"],
        "102": true_false["answers"][0]["id"],
        "103": {pair["Điều 4"]: choice["Bối cảnh"], pair["Điều 5"]: choice["Bối cảnh"]},
    }
    client.force_login(trainee)
    page = client.get(reverse("quizzes:attempt", args=[open_attempt.pk])).content.decode()
    assert 'value="a0"' not in page and 'value="true"' not in page
    client.post(
        reverse("quizzes:submit", args=[open_attempt.pk]),
        form_data(open_attempt, right_answers(open_attempt)),
    )
    open_attempt.refresh_from_db()
    assert open_attempt.percent == 100

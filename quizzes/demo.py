"""Demo steps of the quizzes area, run by `load_demo` after the course pages exist.

One question bank per track from fixtures/question_banks/<track>.gift (and one from the Word and
Excel samples there), one quiz per Vietnamese
course (settings from the `quiz:` section of fixtures/courses/<track>.yaml), and attempts by
the extra demo trainees, passing and failing. Running it again changes nothing.
"""

import random
from pathlib import Path

import yaml

from django.contrib.auth import get_user_model
from django.db import transaction

from courses.learning.models import Enrolment
from courses.learning.pages import CoursePage
from lms.core.demo import child_page_upsert
from quizzes.grading import matching_choices, matching_pairs
from quizzes.models import Attempt, QuestionBank, QuestionType, QuizPage, QuizSlot
from quizzes.services import attempt_save_responses, attempt_start, attempt_submit, questions_import

TRACKS = ("awareness", "building", "maintaining", "improving")
QUIZ_SLUG = "bai-kiem-tra"
# The building quiz also asks one essay, so the trainer's marking queue has work in it.
ESSAY_TRACK = "building"


def bank_name(track: str) -> str:
    return f"ISO 9001 – {track}"


def _quiz_spec(fixtures: Path, track: str) -> dict | None:
    path = fixtures / "courses" / f"{track}.yaml"
    if not path.exists():
        return None
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("quiz")


@transaction.atomic
def load_question_banks(*, fixtures: Path, stdout) -> str:
    loaded, skipped = 0, 0
    for track in TRACKS:
        path = fixtures / "question_banks" / f"{track}.gift"
        if not path.exists():
            continue
        if _bank_question_count(bank_name(track)):
            skipped += 1
            continue
        result = questions_import(
            bank_name=bank_name(track), text=path.read_text(encoding="utf-8-sig"), fmt="gift"
        )
        if result.errors:
            first = result.errors[0]
            raise ValueError(f"{path}:{first.location}: {first.message}")
        loaded += sum(result.counts.values())
    return f"Question banks: {loaded} questions imported, {skipped} bank(s) already loaded"


# The samples of the Word and Excel layouts trainers use, imported into one bank of their own.
OFFICE_BANK = "ISO 9001 – Word và Excel"
OFFICE_SAMPLES = (("iso9001_word.docx", "docx"), ("iso9001_excel.xlsx", "xlsx"))


@transaction.atomic
def load_office_bank(*, fixtures: Path, stdout) -> str:
    if _bank_question_count(OFFICE_BANK):
        return f"Question bank '{OFFICE_BANK}' already loaded"
    loaded = 0
    for name, fmt in OFFICE_SAMPLES:
        path = fixtures / "question_banks" / name
        if not path.exists():
            continue
        result = questions_import(bank_name=OFFICE_BANK, data=path.read_bytes(), fmt=fmt)
        if result.errors:
            first = result.errors[0]
            raise ValueError(f"{path}:{first.location}: {first.message}")
        loaded += sum(result.counts.values())
    return f"Question bank '{OFFICE_BANK}': {loaded} questions imported from Word and Excel"


def _bank_question_count(name: str) -> int:
    bank = QuestionBank.objects.filter(name=name).first()
    return bank.questions.count() if bank else 0


def _publish_quiz(course: CoursePage, spec: dict, bank: QuestionBank, track: str) -> QuizPage:
    fields = {
        "title": spec.get("title_vi") or "Bài kiểm tra",
        "pass_mark_percent": spec.get("pass_mark", 70),
        "time_limit_minutes": spec.get("time_limit_minutes", 20),
        "attempts_allowed": spec.get("attempts_allowed", 3),
        "intro": "<p>Bài kiểm tra cuối khóa. Câu hỏi được rút ngẫu nhiên từ ngân hàng câu hỏi; "
        "thứ tự phương án được đảo cho mỗi lần làm.</p>",
    }
    quiz = child_page_upsert(course, QuizPage, QUIZ_SLUG, fields)
    quiz.slots.all().delete()
    draw = int(spec.get("questions", 10))
    order = 0
    if track == ESSAY_TRACK:
        essay = bank.questions.filter(qtype=QuestionType.ESSAY).order_by("pk").first()
        if essay is not None:
            QuizSlot.objects.create(quiz=quiz, sort_order=order, question=essay)
            order += 1
            draw -= 1
    QuizSlot.objects.create(
        quiz=quiz, sort_order=order, bank=bank, draw_count=draw, exclude_essays=True
    )
    quiz.save_revision().publish()
    return quiz


@transaction.atomic
def load_quizzes(*, fixtures: Path, stdout) -> str:
    made = []
    for track in TRACKS:
        spec = _quiz_spec(fixtures, track)
        bank = QuestionBank.objects.filter(name=bank_name(track)).first()
        course = CoursePage.objects.filter(track=track, language="vi").order_by("path").first()
        if not spec or bank is None or course is None:
            continue
        made.append(_publish_quiz(course, spec, bank, track))
    if not made:
        return "Quizzes: skipped (no Vietnamese course pages yet)"
    return f"Quizzes: {len(made)} ({', '.join(q.title for q in made)})"


def _responses(attempt: Attempt, rng: random.Random, skill: float) -> dict:
    """Answers of a demo trainee who gets about `skill` of the questions right."""
    responses = {}
    for q in attempt.questions:
        right = rng.random() < skill
        answers = q["answers"]
        if q["qtype"] in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
            ordered = sorted(answers, key=lambda a: a["fraction"], reverse=right)
            responses[q["id"]] = ordered[0]["id"]
        elif q["qtype"] == QuestionType.MULTIPLE_CHOICE:
            responses[q["id"]] = [a["id"] for a in answers if (a["fraction"] > 0) == right]
        elif q["qtype"] == QuestionType.SHORT_ANSWER:
            responses[q["id"]] = answers[0]["text"] if right else "không rõ"
        elif q["qtype"] == QuestionType.NUMERICAL:
            value = next((a["value"] for a in answers if a["value"] is not None), 0)
            responses[q["id"]] = f"{value:g}" if right else f"{value + 1000:g}"
        elif q["qtype"] == QuestionType.MATCHING:
            pairs = matching_pairs(q)
            by_text = {c["text"]: c["id"] for c in matching_choices(q)}
            matches = [by_text[a["match"]] for a in pairs]
            if not right:
                matches = matches[1:] + matches[:1]
            responses[q["id"]] = {a["id"]: m for a, m in zip(pairs, matches, strict=True)}
        elif q["qtype"] == QuestionType.ESSAY:
            responses[q["id"]] = (
                "Cơ quan cần xác định rõ trách nhiệm, theo dõi việc thực hiện và xem xét "
                "hiệu lực của hành động khắc phục sau mỗi lần đánh giá nội bộ."
            )
    return responses


def load_attempts(*, fixtures: Path, stdout) -> str:
    quizzes = list(QuizPage.objects.filter(slug=QUIZ_SLUG).live())
    if not quizzes:
        return "Quiz attempts: skipped (no quizzes)"
    rng = random.Random(9001)  # noqa: S311 - reproducible demo data
    users = (
        get_user_model().objects.filter(email__regex=r"^hocvien\d\d@demo\.vn$").order_by("email")
    )
    made = 0
    for quiz in quizzes:
        course = quiz.get_parent().specific
        enrolled = set(Enrolment.objects.filter(course=course).values_list("user_id", flat=True))
        for index, user in enumerate(users):
            if user.pk not in enrolled or Attempt.objects.filter(user=user, quiz=quiz).exists():
                continue
            if index % 3 == 2:
                continue  # some trainees have not taken the quiz yet
            with transaction.atomic():
                attempt = attempt_start(user=user, quiz=quiz)
                skill = 0.95 if index % 3 == 0 else 0.4
                attempt_save_responses(attempt=attempt, responses=_responses(attempt, rng, skill))
                attempt_submit(attempt=attempt)
            made += 1
    return f"Quiz attempts: {made} demo attempts submitted"


STEPS = [load_question_banks, load_office_bank, load_quizzes, load_attempts]

"""Reads shared by the quiz views, the trainer reports and the export command."""

import statistics

from django.db.models import Q
from django.utils.translation import gettext as _

from lms.accounts import roles
from quizzes.formats import ParsedQuestion, write_docx, write_gift, write_xlsx
from quizzes.grading import (
    best_numerical_answer,
    best_short_answer,
    chosen_match,
    matching_choices,
    matching_pairs,
)
from quizzes.models import Attempt, AttemptStatus, Question, QuestionBank, QuizPage
from quizzes.permissions import attempts_gradable_by, sees_all_results
from quizzes.question_html import as_html, as_text


def parsed_from_question(question: Question) -> ParsedQuestion:
    return ParsedQuestion(
        qtype=question.qtype,
        name=question.name,
        text=question.text,
        text_format=question.text_format,
        category=question.category.path if question.category_id else "",
        answers=question.answers,
        general_feedback=question.general_feedback,
        default_mark=float(question.default_mark),
    )


def bank_as_gift(bank: QuestionBank) -> str:
    return bank_export(bank, "gift")


WRITERS = {"gift": write_gift, "docx": write_docx, "xlsx": write_xlsx}


def bank_questions(bank: QuestionBank) -> list[ParsedQuestion]:
    """The bank's questions in export order (category, then creation)."""
    questions = bank.questions.select_related("category").order_by("category__path", "pk")
    return [parsed_from_question(q) for q in questions]


def bank_export(bank: QuestionBank, fmt: str) -> str | bytes:
    """The bank as GIFT text, or as the bytes of a Word or Excel file, in category order."""
    return WRITERS[fmt](bank_questions(bank))


def quizzes_for_results(user):
    """Quizzes whose results the user may read."""
    quizzes = QuizPage.objects.all().order_by("title")
    if sees_all_results(user):
        return quizzes
    if not roles.has_role(user, roles.TRAINER):
        return quizzes.none()
    course_paths = [
        c.course.path for c in user.taught_classes.select_related("course").only("course__path")
    ]
    if not course_paths:
        return quizzes.none()
    condition = Q()
    for path in course_paths:
        condition |= Q(path__startswith=path)
    return quizzes.filter(condition)


def finished_attempts(quiz: QuizPage, *, user):
    """The submitted attempts at `quiz` that `user` may read (quizzes.permissions)."""
    return (
        attempts_gradable_by(user, quiz=quiz)
        .exclude(status=AttemptStatus.IN_PROGRESS)
        .select_related("user", "user__agency")
        .order_by("-submitted_at")
    )


def quiz_summary(quiz: QuizPage, *, user) -> dict:
    visible = attempts_gradable_by(user, quiz=quiz)
    attempts = list(finished_attempts(quiz, user=user).filter(status=AttemptStatus.GRADED))
    passed = sum(1 for a in attempts if a.passed)
    percents = [float(a.percent) for a in attempts if a.percent is not None]
    return {
        "graded": len(attempts),
        "passed": passed,
        "pass_rate": round(100 * passed / len(attempts), 1) if attempts else None,
        "mean_percent": round(statistics.fmean(percents), 1) if percents else None,
        "pending": visible.filter(status=AttemptStatus.NEEDS_GRADING).count(),
    }


def essay_queue(quizzes, *, user):
    return (
        attempts_gradable_by(user)
        .filter(quiz__in=quizzes, status=AttemptStatus.NEEDS_GRADING)
        .select_related("user", "quiz")
        .order_by("submitted_at")
    )


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:  # one of the series is constant
        return None


def item_analysis(quiz: QuizPage, *, user) -> list[dict]:
    """Facility and discrimination per question over the graded attempts.

    facility index = mean fraction scored on the question (0 hard … 1 easy);
    discrimination index = Pearson correlation between the question's fraction and the
    attempt's percent on the *other* questions (Moodle's "discrimination index", corrected so a
    question does not correlate with itself). None when fewer than two attempts answered it or
    when either series is constant.
    """
    attempts = (
        attempts_gradable_by(user, quiz=quiz)
        .filter(status=AttemptStatus.GRADED)
        .only("questions", "marks", "score", "max_score")
    )
    rows: dict[str, dict] = {}
    for attempt in attempts:
        marks = attempt.marks or {}
        for question in attempt.questions:
            mark = marks.get(question["id"])
            if not mark or mark.get("fraction") is None:
                continue
            row = rows.setdefault(
                question["id"],
                {
                    "id": question["id"],
                    "name": question["name"],
                    "qtype": question["qtype"],
                    "fractions": [],
                    "rest": [],
                },
            )
            rest_max = float(attempt.max_score) - (mark.get("max") or 0)
            rest_score = float(attempt.score or 0) - (mark.get("mark") or 0)
            row["fractions"].append(float(mark["fraction"]))
            row["rest"].append(rest_score / rest_max if rest_max else 0.0)
    result = []
    for row in rows.values():
        fractions = row.pop("fractions")
        rest = row.pop("rest")
        row["attempts"] = len(fractions)
        row["facility"] = round(statistics.fmean(fractions), 3)
        discrimination = _pearson(fractions, rest)
        row["discrimination"] = None if discrimination is None else round(discrimination, 3)
        result.append(row)
    return sorted(result, key=lambda r: r["name"])


def _numbered(questions: list[dict]):
    number = 0
    for question in questions:
        if question["qtype"] == "description":
            yield question, None
        else:
            number += 1
            yield question, number


def _public_question(question: dict) -> dict:
    """What the attempt page may know of a question: never fractions, feedback or matches."""
    return {
        key: question[key]
        for key in ("id", "qtype", "mark", "text", "text_format")
        if key in question
    }


def questions_for_display(attempt: Attempt) -> list[dict]:
    """The attempt's questions for the page while it is being taken, with saved responses.

    Built from an allow-list of keys: the page, its form values and its data attributes can
    show nothing that tells which answer is right.
    """
    responses = attempt.responses or {}
    rows = []
    for question, number in _numbered(attempt.questions):
        saved = responses.get(question["id"])
        chosen = (
            set(saved) if isinstance(saved, list) else {saved} if isinstance(saved, str) else set()
        )
        pairs_saved = saved if isinstance(saved, dict) else {}
        matching = question["qtype"] == "matching"
        rows.append(
            {
                "q": _public_question(question),
                "number": number,
                "field": f"q-{question['id']}",
                "saved": saved if isinstance(saved, str) else "",
                "answers": []
                if matching
                else [
                    {"id": a["id"], "text": a["text"], "checked": a["id"] in chosen}
                    for a in question["answers"]
                    if "id" in a
                ],
                "pairs": [
                    {
                        "id": pair["id"],
                        "text": pair["text"],
                        "selected": pairs_saved.get(pair["id"]),
                    }
                    for pair in matching_pairs(question)
                ]
                if matching
                else [],
                "choices": matching_choices(question) if matching else [],
            }
        )
    return rows


def _correct_answer_text(question: dict) -> str:
    qtype = question["qtype"]
    answers = question["answers"]
    if qtype in ("single_choice", "true_false", "short_answer"):
        best = [a for a in answers if a["fraction"] == 1.0] or answers[:1]
        return " / ".join(_answer_label(question, a) for a in best)
    if qtype == "multiple_choice":
        return "; ".join(_answer_label(question, a) for a in answers if a["fraction"] > 0)
    if qtype == "numerical":
        parts = []
        for a in answers:
            if a["value"] is None or a["fraction"] != 1.0:
                continue
            tolerance = a.get("tolerance") or 0
            parts.append(f"{a['value']:g}" + (f" ± {tolerance:g}" if tolerance else ""))
        return " / ".join(parts)
    if qtype == "matching":
        return "; ".join(
            f"{_answer_label(question, a)} → {a['match']}" for a in matching_pairs(question)
        )
    return ""


def _answer_label(question: dict, answer: dict) -> str:
    if question["qtype"] == "true_false":
        return {"true": _("Đúng"), "false": _("Sai")}.get(answer["text"], answer["text"])
    if question["qtype"] == "short_answer":
        return answer["text"]  # typed text, never HTML
    return as_text(answer["text"], question.get("text_format", ""))


def _response_text(question: dict, response) -> tuple[str, list[str]]:
    """What the person answered, and the per-answer feedback of what they chose."""
    if response in (None, "", [], {}):
        return "", []
    qtype = question["qtype"]
    if qtype in ("single_choice", "multiple_choice", "true_false"):
        ids = response if isinstance(response, list) else [response]
        chosen = [a for a in question["answers"] if a.get("id") in ids]
        return (
            "; ".join(_answer_label(question, a) for a in chosen),
            [a["feedback"] for a in chosen if a.get("feedback")],
        )
    if qtype == "matching" and isinstance(response, dict):
        return "; ".join(
            f"{_answer_label(question, pair)} → "
            f"{chosen_match(question, response.get(pair['id'])) or '—'}"
            for pair in matching_pairs(question)
        ), []
    if qtype in ("short_answer", "numerical"):
        find = best_short_answer if qtype == "short_answer" else best_numerical_answer
        answer = find(question, response)
        return str(response), [answer["feedback"]] if answer and answer.get("feedback") else []
    return str(response), []


def review_rows(attempt: Attempt) -> list[dict]:
    """Every question with the response, the right answer and feedback, for the result page."""
    rows = []
    responses = attempt.responses or {}
    for question, number in _numbered(attempt.questions):
        text_format = question.get("text_format", "")
        response, feedback = _response_text(question, responses.get(question["id"]))
        feedback = [as_html(text, text_format) for text in feedback]
        mark = (attempt.marks or {}).get(question["id"], {})
        if mark.get("manual") and mark.get("feedback"):
            feedback = [as_html(mark["feedback"], "plain")]
        rows.append(
            {
                "q": question,
                "number": number,
                "response": response,
                "correct": _correct_answer_text(question),
                "mark": mark,
                "feedback": feedback,
                "general_feedback": as_html(question.get("general_feedback", ""), text_format),
            }
        )
    return rows

"""Grading of an attempt: pure functions over its frozen question snapshot and the responses.

No ORM here on purpose: the same function grades at submission, re-totals after an essay is
marked, and is tested on plain dictionaries.

Snapshot shape (one dict per question, built by services.freeze_question):
    {"id": "17", "qtype": "single_choice", "mark": 1.0, "answers": [{"id": "Xq3…", "text": ...,
     "fraction": 1.0, "feedback": ...}, ...], "choices": [{"id": "b7K…", "text": ...}, ...]
     (matching only), ...}
Ids of answers, pairs and matching choices are random per attempt. Snapshots frozen before
that used "a0", "a1", … (choices), "true"/"false" and "p0", … (pairs) and plain strings as
matching choices; both shapes grade the same way.
Response shape, keyed by the question's "id":
    single_choice, true_false → answer id; multiple_choice → list of answer ids;
    short_answer, numerical, essay → text; matching → {pair id: chosen choice id}
    (older snapshots: {pair id: chosen match text}).
"""

import math
import unicodedata
from dataclasses import dataclass, field

# Types whose mark a trainer gives by hand; description carries no marks at all.
MANUAL_TYPES = frozenset({"essay"})
UNMARKED_TYPES = frozenset({"description"})


@dataclass
class QuestionMark:
    fraction: float | None
    mark: float | None
    max_mark: float
    needs_grading: bool = False
    feedback: str = ""

    def as_dict(self) -> dict:
        return {
            "fraction": self.fraction,
            "mark": self.mark,
            "max": self.max_mark,
            "needs_grading": self.needs_grading,
            "feedback": self.feedback,
        }


@dataclass
class GradeResult:
    marks: dict[str, QuestionMark] = field(default_factory=dict)
    score: float = 0.0
    max_score: float = 0.0

    @property
    def needs_grading(self) -> bool:
        return any(m.needs_grading for m in self.marks.values())

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, 2) if self.max_score else 0.0


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def normalise_text(value: str) -> str:
    """Case- and whitespace-insensitive, NFC/NFD-insensitive; diacritics still count."""
    return " ".join(unicodedata.normalize("NFC", str(value)).casefold().split())


def parse_number(value) -> float | None:
    """Read a typed number; a Vietnamese decimal comma ("3,14") is accepted."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _answer_by_id(question: dict) -> dict[str, dict]:
    return {a["id"]: a for a in question.get("answers", []) if "id" in a}


def grade_single_choice(question: dict, response) -> float:
    answer = _answer_by_id(question).get(response) if isinstance(response, str) else None
    return _clamp(answer["fraction"]) if answer else 0.0


def grade_multiple_choice(question: dict, response) -> float:
    """Sum of the chosen answers' fractions (wrong ones may be negative), clamped to [0, 1]."""
    if not isinstance(response, list):
        return 0.0
    answers = _answer_by_id(question)
    chosen = {r for r in response if isinstance(r, str) and r in answers}
    return _clamp(sum(answers[r]["fraction"] for r in chosen))


def grade_true_false(question: dict, response) -> float:
    return grade_single_choice(question, response)


def best_short_answer(question: dict, response) -> dict | None:
    """The accepted answer the typed text matches with the highest fraction, if any."""
    if not isinstance(response, str) or not response.strip():
        return None
    typed = normalise_text(response)
    matches = [a for a in question.get("answers", []) if normalise_text(a["text"]) == typed]
    return max(matches, key=lambda a: a["fraction"], default=None)


def grade_short_answer(question: dict, response) -> float:
    answer = best_short_answer(question, response)
    return _clamp(answer["fraction"]) if answer else 0.0


def best_numerical_answer(question: dict, response) -> dict | None:
    """The answer with the highest fraction whose range (value ± tolerance) holds the number.

    GIFT ranges (min..max) arrive as value ± tolerance already; an answer with value None is
    Moodle's "any other answer".
    """
    number = parse_number(response)
    if number is None:
        return None
    best = None
    for answer in question.get("answers", []):
        value = answer.get("value")
        if value is not None:
            # A relative epsilon keeps 3.1415 ± 0.0005 accepting 3.141 despite binary floats.
            slack = abs(answer.get("tolerance") or 0.0) + 1e-9 * max(1.0, abs(value))
            if abs(number - value) > slack:
                continue
        if best is None or answer["fraction"] > best["fraction"]:
            best = answer
    return best


def grade_numerical(question: dict, response) -> float:
    answer = best_numerical_answer(question, response)
    return _clamp(answer["fraction"]) if answer else 0.0


def matching_pairs(question: dict) -> list[dict]:
    """The pairs asked; a pair without a left side only adds a wrong choice, as in Moodle."""
    return [pair for pair in question.get("answers", []) if pair.get("text")]


def matching_choices(question: dict) -> list[dict]:
    """The right sides offered, as {"id", "text"}; older snapshots listed bare texts."""
    return [
        choice if isinstance(choice, dict) else {"id": choice, "text": choice}
        for choice in question.get("choices", [])
    ]


def has_choice_ids(question: dict) -> bool:
    """False for snapshots frozen before matching choices had ids (responses hold texts)."""
    return any(isinstance(choice, dict) for choice in question.get("choices", []))


def chosen_match(question: dict, value) -> str | None:
    """The right-side text a response picked for one pair."""
    if not isinstance(value, str):
        return None
    if not has_choice_ids(question):
        return value
    return next((c["text"] for c in matching_choices(question) if c["id"] == value), None)


def grade_matching(question: dict, response) -> float:
    """Fraction = pairs matched correctly / pairs."""
    pairs = matching_pairs(question)
    if not pairs or not isinstance(response, dict):
        return 0.0
    correct = 0
    for pair in pairs:
        chosen = chosen_match(question, response.get(pair["id"]))
        if chosen is not None and unicodedata.normalize("NFC", chosen) == pair["match"]:
            correct += 1
    return correct / len(pairs)


AUTOMATIC_GRADERS = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "true_false": grade_true_false,
    "short_answer": grade_short_answer,
    "numerical": grade_numerical,
    "matching": grade_matching,
}


def grade_question(question: dict, response, manual: dict | None = None) -> QuestionMark:
    """Mark of one question; `manual` is a trainer's earlier mark for an essay, if any."""
    qtype = question["qtype"]
    max_mark = float(question.get("mark", 1.0))
    if qtype in UNMARKED_TYPES:
        return QuestionMark(fraction=None, mark=None, max_mark=0.0)
    if qtype in MANUAL_TYPES:
        if manual and manual.get("mark") is not None:
            mark = min(max_mark, max(0.0, float(manual["mark"])))
            fraction = mark / max_mark if max_mark else 0.0
            return QuestionMark(fraction, mark, max_mark, feedback=manual.get("feedback", ""))
        return QuestionMark(fraction=None, mark=None, max_mark=max_mark, needs_grading=True)
    fraction = AUTOMATIC_GRADERS[qtype](question, response)
    return QuestionMark(fraction=fraction, mark=round(fraction * max_mark, 4), max_mark=max_mark)


def grade_attempt(
    questions: list[dict], responses: dict, manual_marks: dict | None = None
) -> GradeResult:
    """Per-question marks and totals; essays without a manual mark leave the attempt pending.

    The score counts only marks already known, so a trainer sees a provisional score while
    essays wait; the maximum always includes every marked question.
    """
    manual_marks = manual_marks or {}
    result = GradeResult()
    for question in questions:
        qid = question["id"]
        mark = grade_question(question, responses.get(qid), manual_marks.get(qid))
        result.marks[qid] = mark
        result.max_score += mark.max_mark
        result.score += mark.mark or 0.0
    result.score = round(result.score, 4)
    result.max_score = round(result.max_score, 4)
    return result

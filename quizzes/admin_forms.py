"""The question editor of the Wagtail admin: answer rows a trainer understands instead of JSON.

Every type is edited with the same fixed rows — answer text, mark in %, feedback, tolerance —
plus matching pairs (left, right) and a Đúng/Sai choice; the form checks them for the chosen type
and writes `Question.answers` in the shape the importers build and grading reads
(quizzes.formats.base). Attempts keep their own snapshot, so an edit never changes one already
started.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from quizzes.grading import parse_number
from quizzes.models import QuestionType

ANSWER_ROWS = 8
PAIR_ROWS = 8
ROW_FIELDS = ("text", "percent", "feedback", "tolerance")
CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
ROW_TYPES = (*CHOICE_TYPES, QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL)


def answer_field(index: int, name: str) -> str:
    return f"answer_{index}_{name}"


def pair_field(index: int, side: str) -> str:
    return f"pair_{index}_{side}"


def _row_fields(index: int) -> dict[str, forms.Field]:
    number = index + 1
    return {
        answer_field(index, "text"): forms.CharField(
            label=format_lazy("{} {}", _("Đáp án"), number),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
        answer_field(index, "percent"): forms.DecimalField(
            label=_("Điểm % (100 = đúng)"),
            required=False,
            min_value=-100,
            max_value=100,
            decimal_places=5,
        ),
        answer_field(index, "feedback"): forms.CharField(
            label=_("Phản hồi khi chọn đáp án này"), required=False
        ),
        answer_field(index, "tolerance"): forms.DecimalField(
            label=_("Sai số cho phép (câu số)"), required=False, min_value=0, decimal_places=6
        ),
    }


def _pair_fields(index: int) -> dict[str, forms.Field]:
    number = index + 1
    return {
        pair_field(index, "left"): forms.CharField(
            label=format_lazy("{} {}", _("Vế trái"), number), required=False
        ),
        pair_field(index, "right"): forms.CharField(
            label=format_lazy("{} {}", _("Vế phải"), number), required=False
        ),
    }


class QuestionAdminForm(WagtailAdminModelForm):
    true_false_answer = forms.ChoiceField(
        label=_("Đáp án đúng (câu Đúng/Sai)"),
        required=False,
        choices=[("", "—"), ("true", _("Đúng")), ("false", _("Sai"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial.update(initial_from_answers(self.instance.qtype, self.instance.answers))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and too_many_rows(self.instance.qtype, self.instance.answers or []):
            # Saving would silently drop the answers beyond the rows on screen.
            raise forms.ValidationError(
                _(
                    "Câu hỏi này có nhiều đáp án hoặc cặp hơn số dòng của trình soạn thảo "
                    "(%(n)s); hãy sửa bằng cách xuất và nhập lại tệp GIFT."
                )
                % {"n": ANSWER_ROWS}
            )
        qtype = cleaned.get("qtype")
        if qtype:
            answers, errors = answers_from_rows(qtype, cleaned, self.instance.answers or [])
            for field, message in errors:
                self.add_error(field, message)
            cleaned["answers"] = answers
        return cleaned

    def save(self, commit=True):
        self.instance.answers = self.cleaned_data.get("answers", [])
        return super().save(commit=commit)


# The numbered rows, declared as if written out in the class body one by one.
_ROWS = {k: v for i in range(ANSWER_ROWS) for k, v in _row_fields(i).items()}
_PAIRS = {k: v for i in range(PAIR_ROWS) for k, v in _pair_fields(i).items()}
QuestionAdminForm.declared_fields.update(_ROWS | _PAIRS)
QuestionAdminForm.base_fields.update(_ROWS | _PAIRS)


def too_many_rows(qtype: str, answers: list[dict]) -> bool:
    rows = PAIR_ROWS if qtype == QuestionType.MATCHING else ANSWER_ROWS
    return qtype != QuestionType.TRUE_FALSE and len(answers) > rows


def _percent(fraction) -> float:
    return round(float(fraction) * 100, 5)


def initial_from_answers(qtype: str, answers: list[dict]) -> dict:
    """Form values for the stored answers (the inverse of answers_from_rows)."""
    initial = {}
    if qtype == QuestionType.TRUE_FALSE:
        right = next((a["text"] for a in answers if a.get("fraction", 0) > 0), "")
        initial["true_false_answer"] = right
    elif qtype == QuestionType.MATCHING:
        for i, pair in enumerate(answers[:PAIR_ROWS]):
            initial[pair_field(i, "left")] = pair.get("text", "")
            initial[pair_field(i, "right")] = pair.get("match", "")
    elif qtype in ROW_TYPES:
        for i, answer in enumerate(answers[:ANSWER_ROWS]):
            if qtype == QuestionType.NUMERICAL:
                value = answer.get("value")
                initial[answer_field(i, "text")] = "*" if value is None else f"{value:g}"
                initial[answer_field(i, "tolerance")] = answer.get("tolerance") or 0
            else:
                initial[answer_field(i, "text")] = answer.get("text", "")
            initial[answer_field(i, "percent")] = _percent(answer.get("fraction", 0))
            initial[answer_field(i, "feedback")] = answer.get("feedback", "")
    return initial


def _rows(cleaned: dict) -> list[tuple[int, dict]]:
    rows = []
    for i in range(ANSWER_ROWS):
        row = {name: cleaned.get(answer_field(i, name)) for name in ROW_FIELDS}
        if (row["text"] or "").strip():
            rows.append((i, row))
    return rows


def answers_from_rows(qtype: str, cleaned: dict, previous: list[dict]):
    """(answers, [(field, message)]) for the type: the rows checked and turned into JSON."""
    if qtype == QuestionType.TRUE_FALSE:
        return _true_false(cleaned, previous)
    if qtype == QuestionType.MATCHING:
        return _matching(cleaned)
    if qtype in ROW_TYPES:
        return _answer_rows(qtype, cleaned)
    return [], []  # essay, description: no answers


def _true_false(cleaned: dict, previous: list[dict]):
    right = cleaned.get("true_false_answer")
    if right not in ("true", "false"):
        return [], [("true_false_answer", _("Chọn đáp án đúng: Đúng hoặc Sai."))]
    feedback = {a.get("text"): a.get("feedback", "") for a in previous}
    answers = [
        {
            "text": word,
            "fraction": 1.0 if word == right else 0.0,
            "feedback": feedback.get(word, ""),
        }
        for word in ("true", "false")
    ]
    return answers, []


def _matching(cleaned: dict):
    pairs, errors = [], []
    for i in range(PAIR_ROWS):
        left = (cleaned.get(pair_field(i, "left")) or "").strip()
        right = (cleaned.get(pair_field(i, "right")) or "").strip()
        if left and right:
            pairs.append({"text": left, "match": right})
        elif left or right:
            field = pair_field(i, "right" if left else "left")
            errors.append((field, _("Cặp ghép đôi cần cả hai vế.")))
    if len(pairs) < 2 and not errors:
        errors.append((pair_field(0, "left"), _("Câu ghép đôi cần ít nhất 2 cặp.")))
    return pairs, errors


def _answer_rows(qtype: str, cleaned: dict):
    rows = _rows(cleaned)
    first = answer_field(0, "text")
    minimum = 2 if qtype in CHOICE_TYPES else 1
    if len(rows) < minimum:
        message = (
            _("Câu trắc nghiệm cần ít nhất 2 đáp án.")
            if minimum == 2
            else _("Nhập ít nhất một đáp án đúng.")
        )
        return [], [(first, message)]
    answers, errors = [], []
    for i, row in rows:
        answer, error = _answer(qtype, i, row)
        answers.append(answer)
        if error:
            errors.append(error)
    if not errors:
        errors.extend(_fraction_errors(qtype, answers))
    return answers, errors


def _answer(qtype: str, i: int, row: dict):
    percent = row["percent"]
    if percent is None:  # left blank: a typed answer is right, a choice is wrong
        percent = 0 if qtype in CHOICE_TYPES else 100
    fraction = float(percent) / 100
    feedback = (row["feedback"] or "").strip()
    text = row["text"].strip()
    if qtype != QuestionType.NUMERICAL:
        return {"text": text, "fraction": fraction, "feedback": feedback}, None
    value = None if text == "*" else parse_number(text)
    tolerance = float(row["tolerance"] or 0)
    answer = {"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}
    if value is None and text != "*":
        return answer, (answer_field(i, "text"), _("Đáp án của câu số phải là một số."))
    return answer, None


def _fraction_errors(qtype: str, answers: list[dict]) -> list[tuple[str, str]]:
    field = answer_field(0, "percent")
    full = [a for a in answers if round(a["fraction"], 5) == 1.0]
    if qtype == QuestionType.SINGLE_CHOICE and len(full) != 1:
        return [(field, _("Câu một đáp án cần đúng một đáp án 100 %."))]
    if qtype == QuestionType.MULTIPLE_CHOICE:
        total = sum(a["fraction"] for a in answers if a["fraction"] > 0)
        if round(total, 2) != 1.0:
            return [(field, _("Các đáp án đúng của câu nhiều đáp án phải cộng lại 100 %."))]
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL) and not full:
        return [(field, _("Cần ít nhất một đáp án 100 %."))]
    return []

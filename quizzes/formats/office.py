"""What the Word and Excel question layouts share: type names, answer keys, and turning one
question's pieces (text, lettered options, the "Đáp án" cell or line) into a ParsedQuestion.

Trainers write "Đáp án: B", "Đáp án: A, C" or the option's own text; a question with the options
Đúng and Sai is a true/false question; a question without options is a short answer unless its
type ("Loại") says otherwise. Pure Python, like the other formats.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from lms.core.tables import header_key

from .base import ParsedQuestion, default_name
from .base import translate as _

# First name of each type is what the writers put in "Loại"; all are accepted on import.
TYPE_NAMES = {
    "single_choice": ("Một đáp án", "Một lựa chọn", "single choice"),
    "multiple_choice": ("Nhiều đáp án", "Nhiều lựa chọn", "multiple choice"),
    "true_false": ("Đúng/Sai", "true/false"),
    "short_answer": ("Trả lời ngắn", "Điền từ", "Điền khuyết", "short answer"),
    "numerical": ("Số", "Đáp số", "numerical"),
    "matching": ("Ghép đôi", "Nối", "Nối cột", "matching"),
    "essay": ("Tự luận", "essay"),
    "description": ("Mô tả", "description"),
}
_TYPE_LOOKUP = {
    header_key(name): qtype for qtype, names in TYPE_NAMES.items() for name in (*names, qtype)
}
# "Trắc nghiệm" is any choice question: one right answer or several, as the key says.
_ANY_CHOICE = {header_key(name) for name in ("Trắc nghiệm", "Lựa chọn", "choice")}
TRUE_WORD, FALSE_WORD = "Đúng", "Sai"
_TRUE_KEYS = {"dung", "true", "d"}
_FALSE_KEYS = {"sai", "false", "s"}
# One letter, or letters joined by commas, semicolons, "và", "and", "+" or spaces.
_SEPARATORS = re.compile(r"[,;/+&]|\bvà\b|\band\b", re.IGNORECASE)
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_NUMERICAL_RE = re.compile(rf"({_NUMBER})\s*(?:(?:±|\+/-|\+-)\s*({_NUMBER}))?")
_ARROWS = ("->", "→", "=>")
_LABELLED_ANSWER_RE = re.compile(r"([A-Za-z])\s*[.)]\s+\S.*", re.S)
ALTERNATIVES_SEPARATOR = " | "
MAX_OPTIONS = 26

NO_OPTIONS_TYPES = frozenset({"short_answer", "numerical", "essay", "description"})


@dataclass
class Option:
    letter: str
    text: str
    marked: bool = False  # bold, underlined, red or highlighted in Word
    line: int = 0


@dataclass
class Draft:
    """One question as read from a paragraph run or a row, before it is checked."""

    line: int
    text: str = ""
    type_name: str = ""
    options: list[Option] = field(default_factory=list)
    answer: str | None = None
    mark: str = ""
    feedback: str = ""
    category: str = ""
    category_line: int = 0


class QuestionError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _same(a: str, b: str) -> bool:
    return " ".join(nfc(a).casefold().split()) == " ".join(nfc(b).casefold().split())


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def type_name(qtype: str) -> str:
    return TYPE_NAMES[qtype][0]


def build_question(draft: Draft) -> ParsedQuestion:
    """The question a draft describes, or QuestionError located at the draft's line."""
    line = draft.line
    text = nfc(draft.text)
    if not text:
        raise QuestionError(line, _("câu hỏi không có nội dung"))
    qtype = _qtype(draft)
    if qtype in NO_OPTIONS_TYPES and draft.options:
        raise QuestionError(
            line,
            _("câu loại “%(type)s” không có phương án A, B, C…") % {"type": type_name(qtype)},
        )
    answers, qtype = _ANSWER_READERS[qtype](draft, qtype)
    return ParsedQuestion(
        qtype=qtype,
        name=default_name(text, "plain"),
        text=text,
        text_format="plain",
        category=nfc(draft.category),
        answers=answers,
        general_feedback=nfc(draft.feedback),
        default_mark=_mark(draft),
        line=line,
        category_line=draft.category_line,
    )


def _qtype(draft: Draft) -> str:
    if draft.type_name.strip() and header_key(draft.type_name) not in _ANY_CHOICE:
        qtype = _TYPE_LOOKUP.get(header_key(draft.type_name))
        if qtype is None:
            names = ", ".join(names[0] for names in TYPE_NAMES.values())
            raise QuestionError(
                draft.line,
                _("loại câu hỏi “%(value)s” không rõ; dùng một trong: %(names)s")
                % {"value": draft.type_name.strip(), "names": names},
            )
        return qtype
    if draft.options:
        words = [header_key(option.text) for option in draft.options]
        if words in (["dung", "sai"], ["sai", "dung"]) and not draft.type_name.strip():
            return "true_false"
        return "single_choice"
    if draft.type_name.strip():  # "Trắc nghiệm" without options
        return "single_choice"
    if draft.answer is not None and header_key(draft.answer) in {"dung", "sai"}:
        return "true_false"
    return "short_answer"


def _mark(draft: Draft) -> float:
    if not draft.mark.strip():
        return 1.0
    try:
        mark = _number(draft.mark.strip())
    except ValueError:
        mark = -1.0
    if not 0 <= mark <= 1000:  # 0: a description carries no mark
        raise QuestionError(
            draft.line,
            _("điểm “%(value)s” phải là một số từ 0 đến 1000") % {"value": draft.mark.strip()},
        )
    return mark


def _missing_answer(draft: Draft) -> QuestionError:
    return QuestionError(
        draft.line,
        _(
            "câu hỏi thiếu đáp án: thêm dòng “Đáp án: B” hoặc in đậm, gạch chân, "
            "tô đỏ phương án đúng"
        ),
    )


def right_options(draft: Draft) -> list[int]:
    """Indexes of the right options: from the answer key, else from the marked options."""
    options = draft.options
    if draft.answer is None or not draft.answer.strip():
        marked = [i for i, option in enumerate(options) if option.marked]
        if not marked or len(marked) == len(options):  # all bold: a style, not a key
            raise _missing_answer(draft)
        return marked
    answer = nfc(draft.answer)
    for i, option in enumerate(options):
        if _same(option.text, answer):
            return [i]
    letters = [option.letter.upper() for option in options]
    labelled = _LABELLED_ANSWER_RE.fullmatch(answer)  # "B. Chất lượng": the letter decides
    if labelled and labelled.group(1).upper() in letters:
        return [letters.index(labelled.group(1).upper())]
    tokens = _SEPARATORS.sub(" ", answer).split()
    if len(tokens) == 1 and tokens[0].isupper() and len(set(tokens[0])) == len(tokens[0]):
        tokens = list(tokens[0])  # "AC", as some trainers write two right answers
    if tokens and all(len(token) == 1 and token.isalpha() for token in tokens):
        unknown = [token for token in tokens if token.upper() not in letters]
        if not unknown:
            return sorted({letters.index(token.upper()) for token in tokens})
    raise QuestionError(
        draft.line,
        _("đáp án “%(answer)s” không phải phương án nào trong %(letters)s")
        % {"answer": answer[:40], "letters": ", ".join(letters)},
    )


def _choice(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    if len(draft.options) < 2:
        raise QuestionError(draft.line, _("câu trắc nghiệm cần ít nhất 2 phương án"))
    right = right_options(draft)
    explicit = _TYPE_LOOKUP.get(header_key(draft.type_name)) == "single_choice"
    if qtype == "single_choice" and len(right) > 1 and explicit:
        raise QuestionError(
            draft.line,
            _("câu một đáp án nhưng có %(n)s đáp án đúng; đổi “Loại” thành “Nhiều đáp án”")
            % {"n": len(right)},
        )
    if len(right) > 1:
        qtype = "multiple_choice"
    if qtype == "single_choice":
        fractions = [1.0 if i in right else 0.0 for i in range(len(draft.options))]
    else:
        # Each right answer is worth an equal share; each wrong one takes a share back, so
        # ticking every box is not a way to full marks.
        share = round(1.0 / len(right), 7)
        fractions = [share if i in right else -share for i in range(len(draft.options))]
    answers = [
        {"text": nfc(option.text), "fraction": fraction, "feedback": ""}
        for option, fraction in zip(draft.options, fractions, strict=True)
    ]
    return answers, qtype


def _true_false(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    if draft.options:
        words = [header_key(option.text) for option in draft.options]
        if sorted(words) != ["dung", "sai"]:
            raise QuestionError(draft.line, _("câu Đúng/Sai chỉ có hai phương án “Đúng” và “Sai”"))
        right = right_options(draft)
        if len(right) != 1:
            raise QuestionError(draft.line, _("câu Đúng/Sai có đúng một đáp án"))
        is_true = words[right[0]] == "dung"
    else:
        key = header_key(draft.answer or "")
        if key not in _TRUE_KEYS | _FALSE_KEYS:
            raise QuestionError(draft.line, _("câu Đúng/Sai cần “Đáp án: Đúng” hoặc “Đáp án: Sai”"))
        is_true = key in _TRUE_KEYS
    answers = [
        {"text": "true", "fraction": 1.0 if is_true else 0.0, "feedback": ""},
        {"text": "false", "fraction": 0.0 if is_true else 1.0, "feedback": ""},
    ]
    return answers, qtype


def _short_answer(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    accepted = [nfc(part) for part in re.split(r"[|;]", draft.answer or "") if nfc(part)]
    if not accepted:
        raise QuestionError(
            draft.line,
            _("câu trả lời ngắn cần đáp án, ví dụ “Đáp án: ISO 9001 | TCVN ISO 9001”"),
        )
    return [{"text": text, "fraction": 1.0, "feedback": ""} for text in accepted], qtype


def _numerical(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    match = _NUMERICAL_RE.fullmatch((draft.answer or "").strip())
    if not match:
        raise QuestionError(
            draft.line,
            _("đáp án số “%(value)s” không đọc được; ví dụ “Đáp án: 9001” hoặc “Đáp án: 3,5 ± 0,1”")
            % {"value": (draft.answer or "").strip()[:40]},
        )
    tolerance = _number(match.group(2)) if match.group(2) else 0.0
    answer = {"value": _number(match.group(1)), "tolerance": abs(tolerance)}
    return [{**answer, "fraction": 1.0, "feedback": ""}], qtype


def _matching(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    pairs = []
    for option in draft.options:
        arrow = next((a for a in _ARROWS if a in option.text), None)
        if arrow is None:
            raise QuestionError(
                option.line or draft.line,
                _("cặp ghép đôi cần dấu “->” giữa hai vế: %(text)s") % {"text": option.text[:40]},
            )
        left, right = (nfc(part) for part in option.text.split(arrow, 1))
        if not left or not right:
            raise QuestionError(option.line or draft.line, _("cặp ghép đôi có một vế trống"))
        pairs.append({"text": left, "match": right})
    if len(pairs) < 2:
        raise QuestionError(draft.line, _("câu ghép đôi cần ít nhất 2 cặp"))
    return pairs, qtype


def _no_answers(draft: Draft, qtype: str) -> tuple[list[dict], str]:
    return [], qtype


_ANSWER_READERS = {
    "single_choice": _choice,
    "multiple_choice": _choice,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _no_answers,
    "description": _no_answers,
}


# ---------------------------------------------------------------- writing


def letter(index: int) -> str:
    return chr(ord("A") + index)


def _float(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def written_parts(question: ParsedQuestion) -> dict:
    """What a writer puts down for one question: type name (blank when the reader infers it),
    options, answer key, mark and feedback, so the reader reads the same question back."""
    qtype, answers = question.qtype, question.answers
    options: list[str] = []
    answer = ""
    if qtype in ("single_choice", "multiple_choice"):
        options = [a["text"] for a in answers]
        answer = ", ".join(letter(i) for i, a in enumerate(answers) if a["fraction"] > 0)
    elif qtype == "true_false":
        options = [TRUE_WORD, FALSE_WORD]
        is_true = any(a["text"] == "true" and a["fraction"] > 0 for a in answers)
        answer = letter(0) if is_true else letter(1)
    elif qtype == "short_answer":
        answer = ALTERNATIVES_SEPARATOR.join(a["text"] for a in answers if a["fraction"] > 0)
    elif qtype == "numerical":
        best = max(answers, key=lambda a: a["fraction"], default=None)
        if best and best.get("value") is not None:
            answer = _float(best["value"])
            if best.get("tolerance"):
                answer += f" ± {_float(best['tolerance'])}"
    elif qtype == "matching":
        options = [f"{a['text']} -> {a['match']}" for a in answers]
    inferred = qtype in ("single_choice", "true_false", "short_answer") or (
        qtype == "multiple_choice" and answer.count(",") >= 1
    )
    mark = "" if question.default_mark == 1.0 else _float(question.default_mark)
    return {
        "type": "" if inferred else type_name(qtype),
        "options": options[:MAX_OPTIONS],
        "answer": answer,
        "mark": mark,
        "feedback": question.general_feedback,
    }


ROUND_TRIP_FIELDS = ("qtype", "name", "text", "category", "answers", "general_feedback")


def lost_in_round_trip(questions: list[ParsedQuestion], reread: list[ParsedQuestion]) -> int:
    """How many questions a Word/Excel copy does not give back as they were (names, per-answer
    feedback, partial marks, markup: what the layouts cannot hold)."""
    if len(reread) != len(questions):
        return len(questions)

    def key(question: ParsedQuestion) -> tuple:
        values = tuple(getattr(question, name) for name in ROUND_TRIP_FIELDS)
        return (*values, round(question.default_mark, 2))

    return sum(key(a) != key(b) for a, b in zip(questions, reread, strict=True))

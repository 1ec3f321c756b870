"""GIFT question format: reader and writer that behave like Moodle's qformat_gift.

The reader works on text whose escapes (``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``) are already resolved
but remembers which characters were escaped, so an escaped ``=`` never acts as a marker, and
remembers the source line of every character, so each error points at the line to fix.

Where Moodle silently imports something odd (text before the first answer marker, an answer
block that is never closed, two answer blocks in one question), this reader reports an error
instead: imports are all-or-nothing, and a located error is cheaper than a wrong question.
"""

import math
import re
from collections.abc import Iterator

from .base import (
    NAME_MAX_LENGTH,
    TEXT_FORMATS,
    FormatError,
    ParsedQuestion,
    ParseResult,
    default_name,
    shorten,
    source_lines,
)
from .base import translate_lazy as gettext_lazy

# Messages are Vietnamese source strings, translated when used (catalogue: lms/locale/en).
MSG_UNREADABLE = gettext_lazy("không đọc được câu hỏi này")
MSG_UNCLOSED_TITLE = gettext_lazy("tên câu hỏi chưa được đóng bằng '::'")
MSG_UNCLOSED_BRACE = gettext_lazy("khối đáp án mở bằng '{' nhưng chưa đóng")
MSG_UNOPENED_BRACE = gettext_lazy("có '}' mà không có '{' mở trước")
MSG_NESTED_BRACE = gettext_lazy("có '{' bên trong khối đáp án (viết \\{ nếu muốn dấu ngoặc thường)")
MSG_SECOND_BLOCK = gettext_lazy("một câu hỏi có hai khối đáp án (thiếu dòng trống giữa hai câu?)")
MSG_EMPTY_TEXT = gettext_lazy("câu hỏi không có nội dung")
MSG_UNKNOWN_MARKER = gettext_lazy("đáp án phải bắt đầu bằng '=' hoặc '~': {text}")
MSG_EMPTY_ANSWER = gettext_lazy("đáp án trống")
MSG_TOO_FEW_CHOICES = gettext_lazy("câu hỏi lựa chọn cần ít nhất 2 đáp án")
MSG_BAD_WEIGHT = gettext_lazy("tỉ lệ điểm '%{weight}%' không hợp lệ (dùng một số từ -100 đến 100)")
MSG_PENALTY_NOT_ALLOWED = gettext_lazy(
    "tỉ lệ điểm âm '%{weight}%' chỉ dùng được cho câu hỏi lựa chọn"
)
MSG_NO_FULL_MARK = gettext_lazy("không có đáp án nào được 100% điểm")
MSG_SEVERAL_FULL_MARKS = gettext_lazy(
    "nhiều đáp án cùng được 100% điểm; câu nhiều đáp án đúng hãy dùng tỉ lệ ~%50%"
)
MSG_WEIGHTS_SUM = gettext_lazy("tổng tỉ lệ điểm dương là {total}%, không phải 100%")
MSG_MATCH_NO_ARROW = gettext_lazy("cặp ghép đôi cần có '->': {text}")
MSG_MATCH_TOO_FEW = gettext_lazy("câu hỏi ghép đôi cần ít nhất 2 cặp")
MSG_BAD_NUMBER = gettext_lazy("không phải số: {text}")
MSG_BAD_RANGE = gettext_lazy("cận dưới lớn hơn cận trên: {text}")
MSG_NEGATIVE_TOLERANCE = gettext_lazy("sai số cho phép không được âm: {text}")
MSG_NO_NUMERICAL_ANSWER = gettext_lazy("câu hỏi dạng số chưa có đáp án")

_ESCAPES = {"\\": "\\", ":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
_TRUE_WORDS = ("T", "TRUE")
_FALSE_WORDS = ("F", "FALSE")
_BLANK = "_____"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CONTEXT_PREFIX_RE = re.compile(r"^\$[A-Za-z]+\$/?")
# Moodle stores fractions as DECIMAL(12,7); rounding the same way keeps write→parse exact.
_FRACTION_DECIMALS = 7


class _GiftError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Chunk:
    """Question text with escapes resolved, which characters are markup, and their lines."""

    __slots__ = ("text", "markup", "lines", "anchor")

    def __init__(self, text: str, markup: list[bool], lines: list[int], anchor: int):
        self.text = text
        self.markup = markup
        self.lines = lines
        self.anchor = anchor  # line reported for an empty chunk

    @classmethod
    def from_lines(cls, numbered: list[tuple[int, str]]) -> "_Chunk":
        chars: list[str] = []
        markup: list[bool] = []
        lines: list[int] = []
        for index, (lineno, line) in enumerate(numbered):
            if index:
                chars.append("\n")
                markup.append(True)
                lines.append(numbered[index - 1][0])
            pos = 0
            while pos < len(line):
                char = line[pos]
                if char == "\\" and pos + 1 < len(line) and line[pos + 1] in _ESCAPES:
                    chars.append(_ESCAPES[line[pos + 1]])
                    markup.append(False)
                    pos += 2
                else:
                    chars.append(char)
                    markup.append(True)
                    pos += 1
                lines.append(lineno)
        return cls("".join(chars), markup, lines, numbered[0][0] if numbered else 0)

    @classmethod
    def literal(cls, text: str, line: int) -> "_Chunk":
        return cls(text, [False] * len(text), [line] * len(text), line)

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def __getitem__(self, key: slice) -> "_Chunk":
        start, _, _ = key.indices(len(self.text))
        return _Chunk(self.text[key], self.markup[key], self.lines[key], self.line_at(start))

    def __add__(self, other: "_Chunk") -> "_Chunk":
        return _Chunk(
            self.text + other.text,
            self.markup + other.markup,
            self.lines + other.lines,
            self.anchor,
        )

    def line_at(self, index: int) -> int:
        if not self.lines:
            return self.anchor
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    @property
    def first_line(self) -> int:
        stripped = len(self.text) - len(self.text.lstrip())
        return self.line_at(stripped) if self.text.strip() else self.anchor

    def _is_markup(self, index: int, length: int) -> bool:
        return all(self.markup[index : index + length])

    def find(self, sub: str, start: int = 0) -> int:
        index = self.text.find(sub, start)
        while index != -1 and not self._is_markup(index, len(sub)):
            index = self.text.find(sub, index + 1)
        return index

    def rfind(self, sub: str) -> int:
        index = self.text.rfind(sub)
        while index != -1 and not self._is_markup(index, len(sub)):
            index = self.text.rfind(sub, 0, index + len(sub) - 1)
        return index

    def startswith(self, sub: str) -> bool:
        return self.text.startswith(sub) and self._is_markup(0, len(sub))

    def strip(self) -> "_Chunk":
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return self[start:end] if start < end else self[start:start]

    def split_markers(self, markers: str) -> tuple["_Chunk", list[tuple[str, "_Chunk", int]]]:
        """Text before the first marker, then (marker, text after it, line) for each marker."""
        cuts = [i for i, char in enumerate(self.text) if char in markers and self.markup[i]]
        lead = self[: cuts[0]] if cuts else self
        items = []
        for n, cut in enumerate(cuts):
            end = cuts[n + 1] if n + 1 < len(cuts) else len(self.text)
            items.append((self.text[cut], self[cut + 1 : end], self.line_at(cut)))
        return lead, items


def parse_gift(text: str) -> ParseResult:
    """Read GIFT text into questions and located errors; never raises, whatever the input."""
    questions: list[ParsedQuestion] = []
    errors: list[FormatError] = []
    category = ("", 0)
    for block in _blocks(source_lines(text)):
        try:
            category = _read_block(block, category, questions)
        except _GiftError as error:
            errors.append(FormatError(error.line, error.message))
        except Exception:  # one odd question must not stop the report on all the others
            errors.append(FormatError(block[0][0], MSG_UNREADABLE))
    return ParseResult(questions=questions, errors=errors)


def _blocks(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Questions are separated by blank lines; comment lines are dropped, as Moodle does."""
    block: list[tuple[int, str]] = []
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            if not line.strip().startswith("//"):
                block.append((lineno, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _read_block(
    block: list[tuple[int, str]], category: tuple[str, int], out: list[ParsedQuestion]
) -> tuple[str, int]:
    """Read one block; returns the category (path, line of its $CATEGORY) for the next one."""
    lineno, first = block[0][0], block[0][1].strip()
    if first.startswith("$CATEGORY:"):
        path = _CONTEXT_PREFIX_RE.sub("", first[len("$CATEGORY:") :].strip()).strip()
        category = (path, lineno)
        block = block[1:]
        if not block:
            return category
    question = _read_question(_Chunk.from_lines(block).strip(), category[0])
    question.category_line = category[1]
    out.append(question)
    return category


def _with_format(chunk: _Chunk, default: str) -> tuple[str, str]:
    """Split a leading [html]/[moodle]/[plain]/[markdown] off a text, like Moodle."""
    chunk = chunk.strip()
    if chunk.text.startswith("["):
        end = chunk.text.find("]")
        if end != -1 and chunk.text[1:end] in TEXT_FORMATS:
            return chunk.text[1:end], chunk[end + 1 :].text.strip()
    return default, chunk.text.strip()


def _read_question(chunk: _Chunk, category: str) -> ParsedQuestion:
    line = chunk.first_line
    name = ""
    if chunk.startswith("::"):
        end = chunk.find("::", 2)
        if end == -1:
            raise _GiftError(line, MSG_UNCLOSED_TITLE)
        name = chunk[2:end].text.strip()[:NAME_MAX_LENGTH]
        chunk = chunk[end + 2 :].strip()

    answer_block, question_text = _cut_answer_block(chunk)
    text_format, text = _with_format(question_text, "moodle")
    if not text:
        raise _GiftError(line, MSG_EMPTY_TEXT)
    question = ParsedQuestion(
        qtype="description",
        name=name or default_name(text, text_format),
        text=text,
        text_format=text_format,
        category=category,
        line=line,
    )
    if answer_block is None:
        question.default_mark = 0.0
        return question

    feedback_at = answer_block.rfind("####")
    if feedback_at != -1:
        _, question.general_feedback = _with_format(answer_block[feedback_at + 4 :], text_format)
        answer_block = answer_block[:feedback_at].strip()

    question.qtype, question.answers = _read_answers(answer_block, text_format)
    return question


def _cut_answer_block(chunk: _Chunk) -> tuple[_Chunk | None, _Chunk]:
    """The text inside {...} (None when there is none) and the question text around it."""
    opening, closing = chunk.find("{"), chunk.find("}")
    if opening == -1 and closing == -1:
        return None, chunk
    if closing == -1:
        raise _GiftError(chunk.line_at(opening), MSG_UNCLOSED_BRACE)
    if opening == -1 or closing < opening:
        raise _GiftError(chunk.line_at(closing), MSG_UNOPENED_BRACE)
    nested = chunk.find("{", opening + 1)
    if nested != -1 and nested < closing:
        raise _GiftError(chunk.line_at(nested), MSG_NESTED_BRACE)
    if nested != -1:
        raise _GiftError(chunk.line_at(nested), MSG_SECOND_BLOCK)
    stray = chunk.find("}", closing + 1)
    if stray != -1:
        raise _GiftError(chunk.line_at(stray), MSG_UNOPENED_BRACE)

    answers = chunk[opening + 1 : closing].strip()
    if closing == len(chunk) - 1:
        return answers, chunk[:opening]
    # Answers in the middle of the text: a missing-word question, the gap shown as a blank.
    blank = _Chunk.literal(_BLANK, chunk.line_at(opening))
    return answers, chunk[:opening] + blank + chunk[closing + 1 :]


def _read_answers(block: _Chunk, text_format: str) -> tuple[str, list[dict]]:
    if not block:
        return "essay", []
    if block.startswith("#"):
        return "numerical", _read_numerical(block[1:], text_format)
    if block.find("~") != -1:
        return _read_choice(block, text_format)
    if block.find("=") != -1 and block.find("->") != -1 and not _weighted_first(block):
        return "matching", _read_matching(block, text_format)
    hash_at = block.find("#")
    head = block[:hash_at] if hash_at > 0 else block
    if head.text.strip().upper() in _TRUE_WORDS + _FALSE_WORDS:
        return "true_false", _read_true_false(block, text_format)
    return "short_answer", _read_short_answer(block, text_format)


def _weighted_first(block: _Chunk) -> bool:
    """Matching pairs carry no weight, so "=%100%a -> b" is a short answer (the writer's form)."""
    _, items = block.split_markers("=")
    return bool(items) and items[0][1].strip().startswith("%")


def _marked_items(block: _Chunk, markers: str) -> list[tuple[str, _Chunk, int]]:
    lead, items = block.split_markers(markers)
    if lead.strip():
        raise _GiftError(lead.first_line, MSG_UNKNOWN_MARKER.format(text=shorten(lead.text)))
    return items


def _fraction(percent: float) -> float:
    return round(percent / 100, _FRACTION_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _take_weight(body: _Chunk, line: int) -> tuple[_Chunk, float | None]:
    """Split a leading %weight% off an answer; None when the answer has no weight."""
    body = body.strip()
    if not body.startswith("%"):
        return body, None
    end = body.find("%", 1)
    if end == -1:
        return body, None
    raw = body.text[1:end].strip()
    if not _NUMBER_RE.fullmatch(raw) or not -100 <= float(raw) <= 100:
        raise _GiftError(line, MSG_BAD_WEIGHT.format(weight=shorten(raw, 20)))
    return body[end + 1 :].strip(), _fraction(float(raw))


def _text_and_feedback(body: _Chunk, text_format: str) -> tuple[str, str]:
    hash_at = body.find("#")
    if hash_at == -1:
        return _with_format(body, text_format)[1], ""
    return (
        _with_format(body[:hash_at], text_format)[1],
        _with_format(body[hash_at + 1 :], text_format)[1],
    )


def _weighted_answers(
    items: list[tuple[str, _Chunk, int]], text_format: str, *, penalties: bool
) -> list[dict]:
    answers = []
    for marker, body, line in items:
        rest, weight = _take_weight(body, line)
        if weight is None:
            weight = 0.0 if marker == "~" else 1.0
        elif weight < 0 and not penalties:
            raise _GiftError(line, MSG_PENALTY_NOT_ALLOWED.format(weight=_percent(weight)))
        text, feedback = _text_and_feedback(rest, text_format)
        if not text:
            raise _GiftError(line, MSG_EMPTY_ANSWER)
        answers.append({"text": text, "fraction": weight, "feedback": feedback})
    return answers


def _read_choice(block: _Chunk, text_format: str) -> tuple[str, list[dict]]:
    items = _marked_items(block, "~=")
    if len(items) < 2:
        raise _GiftError(block.first_line, MSG_TOO_FEW_CHOICES)
    answers = _weighted_answers(items, text_format, penalties=True)
    full_marks = [a for a in answers if a["fraction"] == 1.0]
    positive = [a["fraction"] for a in answers if a["fraction"] > 0]
    # Moodle: any '=' makes a one-answer question; so does a single positive weight (brief).
    if any(marker == "=" for marker, _, _ in items) or len(positive) == 1:
        if not full_marks:
            raise _GiftError(block.first_line, MSG_NO_FULL_MARK)
        if len(full_marks) > 1:
            raise _GiftError(block.first_line, MSG_SEVERAL_FULL_MARKS)
        return "single_choice", answers
    if not positive:
        raise _GiftError(block.first_line, MSG_NO_FULL_MARK)
    total = sum(positive)
    if round(total, 2) != 1.0:
        raise _GiftError(block.first_line, MSG_WEIGHTS_SUM.format(total=_percent(total)))
    return "multiple_choice", answers


def _read_short_answer(block: _Chunk, text_format: str) -> list[dict]:
    answers = _weighted_answers(_marked_items(block, "="), text_format, penalties=False)
    if max(a["fraction"] for a in answers) != 1.0:
        raise _GiftError(block.first_line, MSG_NO_FULL_MARK)
    return answers


def _read_true_false(block: _Chunk, text_format: str) -> list[dict]:
    first = block.find("#")
    second = block.find("#", first + 1) if first != -1 else -1
    head = block[:first] if first != -1 else block
    wrong = block[first + 1 : second if second != -1 else len(block)] if first != -1 else None
    right = block[second + 1 :] if second != -1 else None
    wrong_feedback = _with_format(wrong, text_format)[1] if wrong is not None else ""
    right_feedback = _with_format(right, text_format)[1] if right is not None else ""
    is_true = head.text.strip().upper() in _TRUE_WORDS
    return [
        {
            "text": "true",
            "fraction": 1.0 if is_true else 0.0,
            "feedback": right_feedback if is_true else wrong_feedback,
        },
        {
            "text": "false",
            "fraction": 0.0 if is_true else 1.0,
            "feedback": wrong_feedback if is_true else right_feedback,
        },
    ]


def _read_matching(block: _Chunk, text_format: str) -> list[dict]:
    pairs = []
    for _, body, line in _marked_items(block, "="):
        arrow = body.find("->")
        if arrow == -1:
            raise _GiftError(line, MSG_MATCH_NO_ARROW.format(text=shorten(body.text)))
        right = body[arrow + 2 :].text.strip()
        if not right:
            raise _GiftError(line, MSG_EMPTY_ANSWER)
        # An empty left side is an extra wrong answer to choose from, as in Moodle.
        pairs.append({"text": _with_format(body[:arrow], text_format)[1], "match": right})
    if sum(1 for pair in pairs if pair["text"]) < 2:
        raise _GiftError(block.first_line, MSG_MATCH_TOO_FEW)
    return pairs


def _number(text: str, line: int) -> float:
    text = text.strip()
    value = float(text) if _NUMBER_RE.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise _GiftError(line, MSG_BAD_NUMBER.format(text=shorten(text, 30)))
    return value


def _numerical_value(text: str, source: _Chunk, line: int) -> tuple[float | None, float]:
    if text == "*":
        return None, 0.0
    dots, colon = source.find(".."), source.find(":")
    if dots > 0:
        low = _number(source[:dots].text, line)
        high = _number(source[dots + 2 :].text, line)
        if low > high:
            raise _GiftError(line, MSG_BAD_RANGE.format(text=shorten(text, 30)))
        return (low + high) / 2, (high - low) / 2
    if colon > 0:
        tolerance = _number(source[colon + 1 :].text, line)
        if tolerance < 0:
            raise _GiftError(line, MSG_NEGATIVE_TOLERANCE.format(text=shorten(text, 30)))
        return _number(source[:colon].text, line), tolerance
    return _number(text, line), 0.0


def _read_numerical(block: _Chunk, text_format: str) -> list[dict]:
    tilde = block.find("~")
    other = block[tilde + 1 :] if tilde != -1 else None
    if tilde != -1:
        block = block[:tilde]
    lead, items = block.split_markers("=")
    if lead.strip():
        items.insert(0, ("=", lead, lead.first_line))
    if not items:
        raise _GiftError(block.first_line, MSG_NO_NUMERICAL_ANSWER)

    answers = []
    for _, body, line in items:
        rest, weight = _take_weight(body, line)
        if weight is None:
            weight = 1.0
        elif weight < 0:
            raise _GiftError(line, MSG_PENALTY_NOT_ALLOWED.format(weight=_percent(weight)))
        hash_at = rest.find("#")
        source = rest[:hash_at] if hash_at != -1 else rest
        feedback = _with_format(rest[hash_at + 1 :], text_format)[1] if hash_at != -1 else ""
        _, text = _with_format(source, text_format)
        if not text:
            raise _GiftError(line, MSG_EMPTY_ANSWER)
        # Cut the value out of the markup-aware chunk so an escaped ':' is not a separator.
        source = source.strip()
        if source.text.startswith("["):
            source = source[len(source.text) - len(text) :]
        value, tolerance = _numerical_value(text, source, line)
        answers.append(
            {"value": value, "tolerance": tolerance, "fraction": weight, "feedback": feedback}
        )

    if other is not None:
        # "~#feedback" is Moodle's catch-all: any other number gets no marks and this feedback.
        hash_at = other.find("#")
        feedback = _with_format(other[hash_at + 1 :], text_format)[1] if hash_at != -1 else ""
        answers.append({"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": feedback})

    if max(a["fraction"] for a in answers) != 1.0:
        raise _GiftError(block.first_line, MSG_NO_FULL_MARK)
    return answers


# --- writer -------------------------------------------------------------------------------------


def _percent(fraction: float) -> str:
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _float(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _write_text(text: str, text_format: str, default_format: str) -> str:
    """Escaped text, with a [format] prefix when it differs or the text itself starts with '['."""
    if text_format != default_format or text.startswith("["):
        return f"[{text_format}]{_escape(text)}"
    return _escape(text)


def write_gift(questions: list[ParsedQuestion]) -> str:
    """GIFT that parse_gift reads back to the same questions ($CATEGORY lines when it changes).

    What GIFT cannot say is not written: a description's general feedback, a matching left
    side containing "->", and fractions beyond 7 decimals (Moodle's own precision).
    """
    parts = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            parts.append(f"$CATEGORY: {category.replace(chr(10), ' ') or '$course$'}\n")
        parts.append(_write_question(question))
    return "\n".join(parts)


def _write_question(q: ParsedQuestion) -> str:
    fmt = q.text_format
    head = f"::{_escape(q.name or default_name(q.text, fmt))}::{_write_text(q.text, fmt, 'moodle')}"
    general = f"####{_write_text(q.general_feedback, fmt, fmt)}" if q.general_feedback else ""

    if q.qtype == "description":
        return head + "\n"
    if q.qtype == "essay":
        return f"{head}{{{general}}}\n"
    if q.qtype == "true_false":
        return f"{head}{{{_write_true_false(q.answers, fmt)}{general}}}\n"

    if q.qtype == "single_choice":
        lines = [_write_choice(a, fmt, single=True) for a in q.answers]
    elif q.qtype == "multiple_choice":
        lines = [_write_choice(a, fmt, single=False) for a in q.answers]
    elif q.qtype == "short_answer":
        lines = [f"={_weighted(a, fmt)}" for a in q.answers]
    elif q.qtype == "numerical":
        lines = [_write_numerical(a, fmt) for a in q.answers]
        head += "{#"
    elif q.qtype == "matching":
        lines = [f"={_write_text(a['text'], fmt, fmt)} -> {_escape(a['match'])}" for a in q.answers]
    else:
        raise ValueError(f"unknown question type {q.qtype!r}")
    if general:
        lines.append(general)
    opening = "" if head.endswith("{#") else "{"
    return head + opening + "\n" + "".join(f"\t{line}\n" for line in lines) + "}\n"


def _with_feedback(text: str, feedback: str, fmt: str) -> str:
    return f"{text}#{_write_text(feedback, fmt, fmt)}" if feedback else text


def _weighted(answer: dict, fmt: str) -> str:
    text = _write_text(answer["text"], fmt, fmt)
    return _with_feedback(f"%{_percent(answer['fraction'])}%{text}", answer["feedback"], fmt)


def _write_choice(answer: dict, fmt: str, *, single: bool) -> str:
    fraction = answer["fraction"]
    text = _write_text(answer["text"], fmt, fmt)
    # An answer that itself starts with '%' needs an explicit weight so it is not read as one.
    if single and fraction == 1.0 and not text.startswith("%"):
        return _with_feedback(f"={text}", answer["feedback"], fmt)
    if fraction == 0 and not text.startswith("%"):
        return _with_feedback(f"~{text}", answer["feedback"], fmt)
    return "~" + _weighted(answer, fmt)


def _write_numerical(answer: dict, fmt: str) -> str:
    weight = f"=%{_percent(answer['fraction'])}%"
    if answer["value"] is None:
        return _with_feedback(f"{weight}*", answer["feedback"], fmt)
    value = f"{_float(float(answer['value']))}:{_float(float(answer['tolerance']))}"
    return _with_feedback(weight + value, answer["feedback"], fmt)


def _write_true_false(answers: list[dict], fmt: str) -> str:
    by_text = {a["text"]: a for a in answers}
    true, false = by_text.get("true", {}), by_text.get("false", {})
    is_true = true.get("fraction", 0) == 1.0
    right = (true if is_true else false).get("feedback", "")
    wrong = (false if is_true else true).get("feedback", "")
    out = "TRUE" if is_true else "FALSE"
    if wrong or right:
        out += "#" + _write_text(wrong, fmt, fmt)
    if right:
        out += "#" + _write_text(right, fmt, fmt)
    return out

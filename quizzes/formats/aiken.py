"""Aiken question format reader, as Moodle's qformat_aiken defines it.

    Question text on one line
    A) first option          (or "A. first option"; the space after the label is optional)
    B) second option
    ANSWER: B

Every question becomes a single-choice question in plain text. Where Moodle prints a warning and
drops a question, this reader returns a located error, so an import can refuse the whole file.
"""

import re
from dataclasses import dataclass, field

from .base import FormatError, ParsedQuestion, ParseResult, default_name, source_lines
from .base import translate_lazy as gettext_lazy

MSG_OPTION_BEFORE_QUESTION = gettext_lazy("phương án đứng trước mọi câu hỏi")
MSG_ANSWER_BEFORE_QUESTION = gettext_lazy("dòng 'ANSWER:' đứng trước mọi câu hỏi")
MSG_TEXT_ON_TWO_LINES = gettext_lazy("nội dung câu hỏi phải nằm trên một dòng")
MSG_NO_ANSWER_LINE = gettext_lazy("câu hỏi thiếu dòng 'ANSWER:'")
MSG_TOO_FEW_OPTIONS = gettext_lazy("câu hỏi cần ít nhất 2 phương án")
MSG_EMPTY_OPTION = gettext_lazy("phương án {letter} trống")
MSG_DUPLICATE_OPTION = gettext_lazy("phương án {letter} xuất hiện hai lần")
MSG_UNKNOWN_ANSWER = gettext_lazy("đáp án '{answer}' không thuộc các phương án {letters}")

_OPTION_RE = re.compile(r"([A-Z])[.)][ \t]?(.*)")
_ANSWER_RE = re.compile(r"ANSWER:(.*)", re.IGNORECASE)
_LETTER_RE = re.compile(r"([A-Za-z])(?![A-Za-z0-9])")


@dataclass
class _Draft:
    line: int
    text: str
    letters: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    failed: bool = False


def parse_aiken(text: str) -> ParseResult:
    """Read Aiken text into single-choice questions and located errors; never raises."""
    questions: list[ParsedQuestion] = []
    errors: list[FormatError] = []
    draft: _Draft | None = None
    previous_line = 0  # last line that was not skipped, to tell wrapped text from a new question

    def fail(line: int, message: str) -> None:
        errors.append(FormatError(line, message))
        if draft is not None:
            draft.failed = True

    for lineno, raw in enumerate(source_lines(text), start=1):
        line = raw.strip()
        if len(line) < 2:  # Moodle skips blank lines and one-character lines
            continue
        option = _OPTION_RE.fullmatch(line)
        answer = _ANSWER_RE.fullmatch(line)
        if option:
            letter, option_text = option.group(1), option.group(2).strip()
            if draft is None:
                fail(lineno, MSG_OPTION_BEFORE_QUESTION)
            elif letter in draft.letters:
                fail(lineno, MSG_DUPLICATE_OPTION.format(letter=letter))
            elif not option_text:
                fail(lineno, MSG_EMPTY_OPTION.format(letter=letter))
            else:
                draft.letters.append(letter)
                draft.options.append(option_text)
        elif answer:
            if draft is None:
                fail(lineno, MSG_ANSWER_BEFORE_QUESTION)
            else:
                question = _finish(draft, answer.group(1).strip(), lineno, fail)
                if question is not None:
                    questions.append(question)
                draft = None
        else:
            wrapped = draft is not None and not draft.options and previous_line == lineno - 1
            if draft is not None and not draft.failed:
                if wrapped:
                    fail(lineno, MSG_TEXT_ON_TWO_LINES)
                else:
                    fail(draft.line, MSG_NO_ANSWER_LINE)
            # The rest of a wrapped text is no question of its own: keep it failed.
            draft = _Draft(line=lineno, text=line, failed=wrapped)
        previous_line = lineno

    if draft is not None and not draft.failed:
        errors.append(FormatError(draft.line, MSG_NO_ANSWER_LINE))
    errors.sort(key=lambda error: error.line)
    return ParseResult(questions=questions, errors=errors)


def _finish(draft: _Draft, answer: str, lineno: int, fail) -> ParsedQuestion | None:
    if draft.failed:
        return None
    if len(draft.options) < 2:
        fail(lineno, MSG_TOO_FEW_OPTIONS)
        return None
    match = _LETTER_RE.match(answer)
    letter = match.group(1).upper() if match else ""
    if letter not in draft.letters:
        fail(
            lineno,
            MSG_UNKNOWN_ANSWER.format(answer=answer[:10], letters=", ".join(draft.letters)),
        )
        return None
    return ParsedQuestion(
        qtype="single_choice",
        name=default_name(draft.text, "plain"),
        text=draft.text,
        text_format="plain",
        answers=[
            {"text": text, "fraction": 1.0 if label == letter else 0.0, "feedback": ""}
            for label, text in zip(draft.letters, draft.options, strict=True)
        ],
        line=draft.line,
    )

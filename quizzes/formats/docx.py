"""Word (.docx) question banks as Vietnamese trainers type them.

    Nhóm: Nhận thức chung            (or a Heading: sets the category of what follows)
    Câu 1: Tiêu chuẩn TCVN ISO 9001 quy định gì?      ("Câu 1." or "Question 1" too)
    A. Hệ thống quản lý chất lượng
    B) Hệ thống quản lý môi trường
    Đáp án: A                        ("ĐA: A", "Answer: A", "Đáp án: A, C"; or the right option
                                      in bold, underlined, red or highlighted)
    Giải thích: …                    (optional: general feedback)
    Điểm: 2                          (optional: default mark)
    Loại: Tự luận                    (optional: see office.TYPE_NAMES)

Errors are located by question number as written ("Câu 3"); one outside any question by
paragraph number ("đoạn 2": the first paragraph is 1, a line broken with Shift+Enter keeps its
paragraph's number), which also orders them. Pure Python: python-docx on the bytes it is given.
"""

import io
import re
from dataclasses import dataclass

from lms.core.spreadsheets import ImportLimits, SpreadsheetRefused, check_package

from .base import FormatError, ParsedQuestion, ParseResult
from .base import translate as _
from .office import Draft, Option, QuestionError, build_question, letter, nfc, written_parts

_QUESTION_RE = re.compile(r"(?:câu(?:\s+hỏi)?|question)\s*(\d+)\s*[:.)\-–]?\s*(.*)", re.I | re.S)
_OPTION_RE = re.compile(r"([a-z])\s*[.)]\s*(.*)", re.I | re.S)
_KEYWORDS = (
    ("answer", re.compile(r"(?:đáp\s*án(?:\s+đúng)?|đa|answer)\s*[:：]\s*(.*)", re.I | re.S)),
    ("type", re.compile(r"(?:loại(?:\s+câu\s+hỏi)?|type)\s*[:：]\s*(.*)", re.I | re.S)),
    ("mark", re.compile(r"(?:điểm|mark)\s*[:：]\s*(.*)", re.I | re.S)),
    ("feedback", re.compile(r"(?:giải\s*thích|phản\s*hồi|feedback)\s*[:：]\s*(.*)", re.I | re.S)),
    ("category", re.compile(r"(?:nhóm(?:\s+câu\s+hỏi)?|category)\s*[:：]\s*(.*)", re.I | re.S)),
)
_HEADING_RE = re.compile(r"heading\s*(\d)", re.I)
_SAME_LINE_OPTIONS = re.compile(r"(?:\t|\s{2,})+(?=[A-Ha-h][.)]\s)")
WORD_PACKAGE_MEMBER = "word/document.xml"


def question_place(number: str) -> str:
    return _("Câu %(n)s") % {"n": number}


def paragraph_place(number: int) -> str:
    return _("đoạn %(n)s") % {"n": number}


@dataclass
class _Line:
    number: int  # paragraph number, from 1
    text: str
    marked: bool  # most of its letters bold, underlined, red or highlighted
    heading: int  # heading level, 0 for body text


def parse_docx(data: bytes) -> ParseResult:
    """Read a Word question bank into questions and located errors; never raises."""
    lines, error = _read_lines(data)
    if error:
        return ParseResult(questions=[], errors=[FormatError(0, error)])
    reader = _Reader()
    for line in lines:
        reader.feed(line)
    reader.finish()
    if not reader.questions and not reader.errors:
        reader.errors.append(
            FormatError(0, _("không tìm thấy câu hỏi nào; mỗi câu bắt đầu bằng “Câu 1:”"))
        )
    reader.errors.sort(key=lambda error: error.line)
    return ParseResult(questions=reader.questions, errors=reader.errors)


def _read_lines(data: bytes) -> tuple[list[_Line], str]:
    try:
        check_package(data, limits=ImportLimits.current(), required_member=WORD_PACKAGE_MEMBER)
    except SpreadsheetRefused as refused:
        if refused.code == "archive_too_large":
            return [], _("tệp .docx giải nén ra quá lớn hoặc nén bất thường; hãy lưu lại bằng Word")
        return [], _not_docx()
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        return [line for n, p in enumerate(document.paragraphs, 1) for line in _lines(n, p)], ""
    # python-docx and lxml raise many exception types on damaged input; for the user they all
    # mean the same thing.
    except Exception:
        return [], _not_docx()


def _not_docx() -> str:
    return _(
        "tệp không phải tài liệu Word (.docx) đọc được; hãy mở bằng Word và lưu lại dạng .docx"
    )


def _lines(number: int, paragraph) -> list[_Line]:
    """The paragraph's lines (Shift+Enter breaks one into several), each knowing if most of its
    letters are marked."""
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING_RE.match(style or "")
    level = int(heading.group(1)) if heading else 0
    lines, text, marked, total = [], [], 0, 0
    for run in _runs(paragraph):
        run_marked = _is_marked(run)
        for piece in re.split(r"(\n)", run.text):
            if piece == "\n":
                lines.append(_Line(number, "".join(text), total > 0 and marked * 2 > total, level))
                text, marked, total = [], 0, 0
                continue
            text.append(piece)
            letters = sum(1 for char in piece if not char.isspace())
            total += letters
            marked += letters if run_marked else 0
    lines.append(_Line(number, "".join(text), total > 0 and marked * 2 > total, level))
    return lines


def _runs(paragraph):
    for item in paragraph.iter_inner_content():
        yield from getattr(item, "runs", [item])  # a hyperlink holds runs of its own


def _is_marked(run) -> bool:
    from docx.enum.text import WD_UNDERLINE

    font = run.font
    if run.bold or font.highlight_color:
        return True
    if run.underline not in (None, False, WD_UNDERLINE.NONE):
        return True
    rgb = font.color.rgb if font.color is not None and font.color.type is not None else None
    return rgb is not None and rgb[0] >= 0xC0 and rgb[1] <= 0x60 and rgb[2] <= 0x60


class _Reader:
    def __init__(self):
        self.questions: list[ParsedQuestion] = []
        self.errors: list[FormatError] = []
        self.draft: Draft | None = None
        self.number = ""  # the draft's question number as written
        self.failed = False
        self.headings: list[str] = []
        self.category, self.category_line = "", 0
        self.continues = "text"  # what a plain line adds to: text, feedback, or nothing

    def feed(self, line: _Line) -> None:
        text = nfc(line.text)
        if not text:
            return
        if line.heading:
            self.finish()
            self.headings = [*self.headings[: line.heading - 1], text.replace("/", "-")]
            self.category, self.category_line = "/".join(self.headings), line.number
            return
        question = _QUESTION_RE.fullmatch(text)
        if question:
            self.finish()
            self.number = question.group(1)
            self.draft = Draft(
                line=line.number,
                text=question.group(2),
                category=self.category,
                category_line=self.category_line,
            )
            self.continues = "text"
            return
        for key, pattern in _KEYWORDS:
            match = pattern.fullmatch(text)
            if match:
                self._keyword(key, nfc(match.group(1)), line)
                return
        option = _OPTION_RE.fullmatch(text)
        if option and self.draft is not None and self.continues != "feedback":
            # Short options often share a line: "A. 3    B. 5    C. 7" (tabs or spaces).
            for piece in _SAME_LINE_OPTIONS.split(text):
                option = _OPTION_RE.fullmatch(piece.strip())
                self._option(option.group(1).upper(), nfc(option.group(2)), line)
        elif self.draft is None:
            if option:
                self.fail(line.number, _("phương án đứng trước mọi câu hỏi"))
            # Titles and instructions above the first question are not questions.
        elif self.continues == "text":
            self.draft.text += "\n" + text
        elif self.continues == "feedback":
            self.draft.feedback += "\n" + text
        else:
            self.fail(
                line.number,
                _("dòng “%(text)s” không phải phương án, đáp án hay câu hỏi mới")
                % {"text": text[:40]},
            )

    def _keyword(self, key: str, value: str, line: _Line) -> None:
        if key == "category":
            self.finish()
            self.headings = []
            self.category, self.category_line = value, line.number
            return
        if self.draft is None:
            self.fail(
                line.number, _("dòng “%(text)s” đứng trước mọi câu hỏi") % {"text": value[:40]}
            )
            return
        if key == "answer":
            self.draft.answer = value
        elif key == "type":
            self.draft.type_name = value
        elif key == "mark":
            self.draft.mark = value
        else:
            self.draft.feedback = value
        self.continues = "feedback" if key == "feedback" else ""

    def _option(self, label: str, text: str, line: _Line) -> None:
        expected = letter(len(self.draft.options))
        if label != expected:
            self.fail(
                line.number,
                _("phương án %(label)s không đúng thứ tự; cần phương án %(expected)s")
                % {"label": label, "expected": expected},
            )
            return
        if not text:
            self.fail(line.number, _("phương án %(label)s trống") % {"label": label})
            return
        self.draft.options.append(Option(label, text, line.marked, line.number))
        self.continues = ""

    def fail(self, number: int, message: str) -> None:
        inside = self.draft is not None
        where = question_place(self.number) if inside else paragraph_place(number)
        self.errors.append(FormatError(number, message, where))
        self.failed = self.draft is not None

    def finish(self) -> None:
        if self.draft is not None and not self.failed:
            try:
                self.questions.append(build_question(self.draft))
            except QuestionError as error:
                where = question_place(self.number)
                self.errors.append(FormatError(error.line, error.message, where))
        self.draft, self.failed, self.continues = None, False, "text"


def write_docx(questions: list[ParsedQuestion]) -> bytes:
    """A Word document `parse_docx` reads back to the same questions (plain text)."""
    import docx

    document = docx.Document()
    category = None
    for number, question in enumerate(questions, start=1):
        if question.category != category:
            category = question.category
            document.add_paragraph(f"Nhóm: {category}")
        parts = written_parts(question)
        first, *rest = question.text.split("\n")
        document.add_paragraph(f"Câu {number}: {first}")
        for extra in rest:
            if extra.strip():
                document.add_paragraph(extra)
        if parts["type"]:
            document.add_paragraph(f"Loại: {parts['type']}")
        for index, option in enumerate(parts["options"]):
            document.add_paragraph(f"{letter(index)}. {option}")
        if parts["answer"]:
            document.add_paragraph(f"Đáp án: {parts['answer']}")
        if parts["mark"]:
            document.add_paragraph(f"Điểm: {parts['mark']}")
        if parts["feedback"]:
            document.add_paragraph(f"Giải thích: {parts['feedback']}")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()

"""Excel (.xlsx) question banks: one question a row under a header row (title rows above it are
skipped). Columns, recognised whatever their case, accents or spacing:

    Câu hỏi | Loại | A | B | C | D | Đáp án | Điểm | Nhóm | Giải thích

"Câu hỏi" is required; "A"…"H" may be written "Phương án A"; "Đáp án" holds letters ("B",
"A, C") or the right option's text; "Phản hồi" is read like "Giải thích". Errors are located by
sheet row ("dòng 7"). The file goes through the project's table reader, so the hostile-workbook
guard applies before a cell is read. Pure Python.
"""

import io

from lms.core.spreadsheets import CODES, describe
from lms.core.tables import TableError, header_key, read_table

from .base import FormatError, ParsedQuestion, ParseResult
from .base import translate as _
from .office import Draft, Option, QuestionError, build_question, written_parts

OPTION_LETTERS = "ABCDEFGH"
COLUMNS = {
    "question": ("Câu hỏi", "Nội dung", "Nội dung câu hỏi", "Question"),
    "type": ("Loại", "Loại câu hỏi", "Type"),
    "answer": ("Đáp án", "Đáp án đúng", "ĐA", "Answer"),
    "mark": ("Điểm", "Mark"),
    "category": ("Nhóm", "Nhóm câu hỏi", "Chủ đề", "Category"),
    "feedback": ("Giải thích", "Phản hồi", "Feedback"),
} | {
    f"option_{x}": (x, f"Phương án {x}", f"Đáp án {x}", f"Lựa chọn {x}", f"Option {x}")
    for x in OPTION_LETTERS
}
_LOOKUP = {header_key(name): column for column, names in COLUMNS.items() for name in names}
HEADER_SCAN_ROWS = 20
WRITTEN_HEADERS = ("Nhóm", "Câu hỏi", "Loại", *OPTION_LETTERS, "Đáp án", "Điểm", "Giải thích")


def row_place(number: int) -> str:
    return _("dòng %(n)s") % {"n": number}


def _recognised(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        column = _LOOKUP.get(header_key(cell)) if cell else None
        if column and column not in found:
            found[column] = position
    return found


def parse_xlsx(data: bytes, filename: str = "questions.xlsx") -> ParseResult:
    """Read an Excel question bank into questions and errors located by row; never raises."""
    try:
        table = read_table(data, filename, score=lambda cells: len(_recognised(cells)))
    except TableError as error:
        return ParseResult(questions=[], errors=[FormatError(0, _table_error(error))])
    header_row, columns = 0, {}
    for number, cells in table[:HEADER_SCAN_ROWS]:
        found = _recognised(cells)
        if "question" in found and len(found) > len(columns):
            header_row, columns = number, found
    if not columns:
        message = _("không tìm thấy dòng tiêu đề có cột “Câu hỏi” (trong %(n)s dòng đầu)")
        return ParseResult([], [FormatError(0, message % {"n": HEADER_SCAN_ROWS})])
    questions, errors = [], []
    for number, cells in table:
        if number <= header_row or not any(cells):
            continue
        values = {name: cells[pos] if pos < len(cells) else "" for name, pos in columns.items()}
        try:
            questions.append(build_question(_draft(number, values)))
        except QuestionError as error:
            errors.append(FormatError(error.line, error.message, row_place(error.line)))
    if not questions and not errors:
        message = _("bảng có dòng tiêu đề nhưng không có câu hỏi nào")
        errors.append(FormatError(header_row, message, row_place(header_row)))
    return ParseResult(questions=questions, errors=errors)


def _draft(number: int, values: dict[str, str]) -> Draft:
    options = [
        Option(x, values[f"option_{x}"], line=number)
        for x in OPTION_LETTERS
        if values.get(f"option_{x}")
    ]
    return Draft(
        line=number,
        text=values.get("question", ""),
        type_name=values.get("type", ""),
        options=options,
        answer=values.get("answer") or None,
        mark=values.get("mark", ""),
        feedback=values.get("feedback", ""),
        category=values.get("category", ""),
        category_line=number,
    )


def _table_error(error: TableError) -> str:
    if error.code in CODES:
        return describe(error.code, error.params)
    return _("tệp không phải bảng tính Excel (.xlsx) đọc được; hãy mở bằng Excel và lưu lại")


def write_xlsx(questions: list[ParsedQuestion]) -> bytes:
    """A workbook `parse_xlsx` reads back to the same questions (plain text, up to 8 options)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Câu hỏi"
    sheet.append(WRITTEN_HEADERS)
    for question in questions:
        parts = written_parts(question)
        options = [*parts["options"][: len(OPTION_LETTERS)]]
        options += [""] * (len(OPTION_LETTERS) - len(options))
        sheet.append(
            [
                question.category,
                question.text,
                parts["type"],
                *options,
                parts["answer"],
                question.default_mark if parts["mark"] else None,
                parts["feedback"],
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()

"""Read the first sheet of a CSV or XLSX file as rows of text, numbered as the user sees them.

Pure Python (no Django): the directory and roster readers build on it. Row numbers count from 1
and include title rows and blank rows, so "row N" points at the line in Excel or an editor.
A file that cannot be read raises `TableError` with a stable code and its parameters; the
caller words the message in the user's language.
"""

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

__all__ = ["TableError", "header_key", "read_table", "cell_text"]

BOM = b"\xef\xbb\xbf"


@dataclass
class TableError(Exception):
    code: str  # unsupported_file_type, empty_file, not_utf8, utf16, csv_is_workbook, ...
    params: dict = field(default_factory=dict)


def header_key(text: str) -> str:
    """Compare headers ignoring case, diacritics, spaces and punctuation ("Mã đơn vị" == "ma don
    vi" == "MÃ ĐƠN VỊ")."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    text = text.replace("đ", "d").replace("ð", "d")
    return "".join(char for char in text if char.isascii() and char.isalnum())


def cell_text(value) -> str:
    """Text of a cell as the user typed it: whole-number floats lose their ".0", dates become
    dd/mm/yyyy as Vietnamese spreadsheets show them."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def read_table(
    data: bytes, filename: str, *, score: Callable[[list[str]], int] = lambda cells: 0
) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every row of the file's first sheet, blank rows included.

    `score` rates a candidate header row; for CSV the delimiter under which the top lines score
    best is used (Excel in Vietnamese locales writes ';', copy-paste gives tabs).
    """
    extension = PurePath(filename).suffix.lower()
    if extension == ".csv":
        return _read_csv(data, score)
    if extension == ".xlsx":
        return _read_xlsx(data)
    raise TableError("unsupported_file_type", {"extension": extension or filename})


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise TableError("csv_is_workbook")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise TableError("utf16")
    body = data.removeprefix(BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start + (len(data) - len(body))
        raise TableError(
            "not_utf8",
            {
                "byte": f"0x{data[position]:02X}",
                "position": position,
                "line": data.count(b"\n", 0, position) + 1,
            },
        ) from None
    if not text.strip():
        raise TableError("empty_file")
    return text


def _read_csv(data: bytes, score) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    head = "\n".join(text.splitlines()[:15])

    def delimiter_score(delimiter: str) -> int:
        try:
            rows = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
            return max((score([cell_text(c) for c in row]) for row in rows), default=0)
        except csv.Error:
            return -1

    delimiter = max((",", ";", "\t"), key=delimiter_score)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            rows.append((line, [cell_text(cell) for cell in record]))
            line = reader.line_num + 1
    except csv.Error:
        raise TableError("csv_unreadable", {"line": line}) from None
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)  # from A1: row i is sheet row i + 1
    # zipfile and calamine raise many exception types on damaged input; for the user they all
    # mean the same thing.
    except Exception:
        raise TableError("not_xlsx") from None
    return [(i, [cell_text(value) for value in row]) for i, row in enumerate(cells, start=1)]

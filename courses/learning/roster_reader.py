"""Read class rosters and bulk-enrolment lists (CSV or XLSX) into validated rows.

Pure Python: bytes in, `RosterResult` out, no Django. The caller decides what to save and
translates messages: every error carries a stable `code`, the `params` used to format it, and the
English `message` already formatted from the matching `MSG_*` constant (also in `MESSAGES`).

Row numbers are the ones the user sees in the spreadsheet or text editor (1-based, counting
title rows, blank rows and the header), so "row N: message" points at the right line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath

from lms.core.exports import spreadsheet_text
from lms.core.lazy import lazy_module
from lms.core.spreadsheets import (
    ImportLimits,
    SpreadsheetRefused,
    check_table_extent,
    check_workbook,
)

pd = lazy_module("pandas")

__all__ = [
    "FIELDS",
    "MESSAGES",
    "RosterResult",
    "RosterRow",
    "RowError",
    "read_roster",
]

FIELDS = ("full_name", "email", "agency", "agency_code", "position", "phone")

# How a missing column is named to the user: the usual Vietnamese header and its English one.
COLUMN_LABELS = {
    "full_name": "Họ và tên / Full name",
    "email": "Email",
    "agency": "Đơn vị / Agency",
    "agency_code": "Mã đơn vị / Agency code",
    "position": "Chức vụ / Position",
    "phone": "Số điện thoại / Phone",
}

MSG_UNSUPPORTED_FILE_TYPE = 'unsupported file type "{extension}"; upload a .csv or .xlsx file'
MSG_EMPTY_FILE = "the file is empty"
MSG_NOT_UTF8 = (
    "the file is not UTF-8 encoded (byte {byte} at position {position}); save it as CSV UTF-8"
)
MSG_UTF16 = "the file is UTF-16 encoded, not UTF-8; save it as CSV UTF-8"
MSG_CSV_IS_WORKBOOK = (
    "the file is an Excel workbook, not CSV; name it .xlsx or save it as CSV UTF-8"
)
MSG_CSV_UNREADABLE = "the file could not be read as CSV near line {line}"
MSG_NOT_XLSX = "the file is not a readable .xlsx workbook; open it in Excel and save it as .xlsx"
MSG_NO_HEADER = (
    "no header row found in the first {scanned} rows; expected columns such as "
    "Họ và tên / Full name and Email"
)
MSG_MISSING_COLUMN = "missing column: {column}"
MSG_NO_DATA_ROWS = "the file has a header row but no data rows"
MSG_MISSING_VALUE = "missing value in column {column}"
MSG_INVALID_EMAIL = 'invalid e-mail "{email}"'
MSG_DUPLICATE_EMAIL = "duplicate e-mail {email}, first seen on row {first_row}"
MSG_TOO_MANY_ROWS = "the file has more than {limit} rows; split it into smaller files"
MSG_TOO_MANY_COLUMNS = "the file has more than {limit} columns; keep only the columns to import"
MSG_ARCHIVE_TOO_LARGE = (
    "the .xlsx file inflates beyond {limit_mb} MB or is compressed abnormally; "
    "open it in Excel, delete unused cells and save it again"
)

MESSAGES = {
    "unsupported_file_type": MSG_UNSUPPORTED_FILE_TYPE,
    "empty_file": MSG_EMPTY_FILE,
    "not_utf8": MSG_NOT_UTF8,
    "utf16": MSG_UTF16,
    "csv_is_workbook": MSG_CSV_IS_WORKBOOK,
    "csv_unreadable": MSG_CSV_UNREADABLE,
    "not_xlsx": MSG_NOT_XLSX,
    "no_header": MSG_NO_HEADER,
    "missing_column": MSG_MISSING_COLUMN,
    "no_data_rows": MSG_NO_DATA_ROWS,
    "missing_value": MSG_MISSING_VALUE,
    "invalid_email": MSG_INVALID_EMAIL,
    "duplicate_email": MSG_DUPLICATE_EMAIL,
    # Refusals of lms.core.spreadsheets, before the file is read.
    "too_many_rows": MSG_TOO_MANY_ROWS,
    "too_many_columns": MSG_TOO_MANY_COLUMNS,
    "archive_too_large": MSG_ARCHIVE_TOO_LARGE,
}

# The header is often below a title ("DANH SÁCH HỌC VIÊN ...") and blank rows.
HEADER_SCAN_ROWS = 15

_HEADER_ALIASES = {
    "full_name": ("Họ và tên", "Họ tên", "Ho va ten", "Full name", "Name"),
    "email": ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Email address"),
    "agency": (
        "Đơn vị",
        "Đơn vị công tác",
        "Cơ quan",
        "Cơ quan công tác",
        "Agency",
        "Organisation",
        "Organization",
    ),
    "agency_code": ("Mã đơn vị", "Mã cơ quan", "Agency code"),
    "position": ("Chức vụ", "Chức danh", "Position", "Job title"),
    "phone": ("Số điện thoại", "Điện thoại", "SĐT", "Số ĐT", "Phone", "Phone number", "Mobile"),
}

# Plain ASCII addresses; a Vietnamese letter in an address is a typing mistake, not an IDN.
_EMAIL_RE = (
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}"
)
# Copy-paste from web pages and Word leaves these invisible characters in cells; a NUL (which
# PostgreSQL cannot store: the import would fail) can sit past the start a UTF-16 check reads.
_INVISIBLE_RE = re.compile(r"[\x00\u200b\u200c\u200d\u2060\ufeff]")
_PHONE_SEPARATORS_RE = r"[\s.\-()]"


@dataclass
class RosterRow:
    row: int
    full_name: str
    email: str
    agency: str
    position: str
    phone: str
    agency_code: str = ""


@dataclass
class RowError:
    row: int  # 0 when the problem is the file as a whole
    message: str
    code: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class RosterResult:
    rows: list[RosterRow]
    errors: list[RowError]


def _error(row: int, code: str, **params) -> RowError:
    return RowError(row=row, message=MESSAGES[code].format(**params), code=code, params=params)


def _failed(row: int, code: str, **params) -> RosterResult:
    return RosterResult(rows=[], errors=[_error(row, code, **params)])


def _header_key(text: str) -> str:
    """Compare headers ignoring case, diacritics, spaces and punctuation ("E-mail" == "email")."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    text = text.replace("đ", "d").replace("ð", "d")
    return "".join(char for char in text if char.isascii() and char.isalnum())


_HEADER_LOOKUP = {
    _header_key(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases
}


def read_roster(
    data: bytes,
    filename: str,
    *,
    required: tuple[str, ...] = ("full_name", "email"),
    limits: ImportLimits | None = None,
) -> RosterResult:
    """Parse a roster; never raises on bad input, every problem is a located `RowError`.

    A row with any error is left out of `rows`. Blank rows are skipped silently. A file beyond
    `limits` (rows, columns, inflated size) is refused before calamine or pandas allocate it.
    """
    limits = limits or ImportLimits.current()
    unknown = set(required) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown roster fields: {sorted(unknown)}")

    extension = PurePath(filename).suffix.lower()
    if extension == ".csv":
        table = _read_csv(data, limits)
    elif extension == ".xlsx":
        table = _read_xlsx(data, limits)
    else:
        return _failed(0, "unsupported_file_type", extension=extension or filename)
    if isinstance(table, RosterResult):
        return table
    return _validate(table, required)


def _read_csv(data: bytes, limits: ImportLimits) -> pd.DataFrame | RosterResult:
    if data.startswith(b"PK\x03\x04"):
        return _failed(0, "csv_is_workbook")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return _failed(0, "utf16")
    bom = b"\xef\xbb\xbf"
    body = data.removeprefix(bom)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start + (len(data) - len(body))
        return _failed(
            0,
            "not_utf8",
            byte=f"0x{data[position]:02X}",
            position=position,
            line=data.count(b"\n", 0, position) + 1,
        )
    if not text.strip():
        return _failed(0, "empty_file")

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    records, line_numbers = [], []
    line = 1
    try:
        for record in reader:
            while record and not record[-1]:  # Excel pads rows with empty cells: ";;;;"
                record.pop()
            records.append(record)
            line_numbers.append(line)  # a quoted cell may span lines; the row starts here
            check_table_extent(rows=len(records), columns=len(record), limits=limits)
            line = reader.line_num + 1
    except csv.Error:  # only a cell over the csv module's 128 KiB limit gets here
        return _failed(0, "csv_unreadable", line=line)
    except SpreadsheetRefused as refused:
        return _failed(0, refused.code, **refused.params)
    width = max(map(len, records), default=0)  # title and blank lines are shorter than the table
    records = [record + [""] * (width - len(record)) for record in records]
    return pd.DataFrame(records, index=line_numbers)


def _sniff_delimiter(text: str) -> str:
    """The delimiter under which the top lines hold the most recognised column names.

    Excel in Vietnamese locales writes ';'; tab comes from copy-paste. csv.Sniffer guesses badly
    on short files with commas inside names, so the header itself decides.
    """
    head = "\n".join(text.splitlines()[:HEADER_SCAN_ROWS])
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        rows = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
        try:
            score = max((len(_recognised(row)) for row in rows), default=0)
        except csv.Error:  # reported with its line when the whole file is read
            continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_xlsx(data: bytes, limits: ImportLimits) -> pd.DataFrame | RosterResult:
    """The first worksheet as a table, read with calamine (Rust): about 0.1 s for a 5 000-row
    class list where openpyxl took 0.6 s. pandas converts the cells as it did for openpyxl
    ("N/A" and empty cells are NaN, whole-number floats come back as int, dates as datetime)."""
    try:
        # Also what testzip() did: calamine does not always compare the members' checksums.
        check_workbook(data, limits=limits)
    except SpreadsheetRefused as refused:
        if refused.code == "archive_damaged":
            return _failed(0, "not_xlsx")
        return _failed(0, refused.code, **refused.params)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="calamine") as book:
            # By name: index 0 in calamine counts chart sheets, which hold no cells.
            first = book.sheet_names[0]
            table = pd.read_excel(book, sheet_name=first, header=None, dtype=object)
    # zipfile and calamine raise many exception types on damaged input (BadZipFile, CRC errors,
    # CalamineError, IndexError for a workbook without worksheets...); for the user they all mean
    # the same thing.
    except Exception:
        return _failed(0, "not_xlsx")
    # read_excel keeps leading and inner blank rows, so position i is spreadsheet row i + 1.
    table.index = range(1, len(table) + 1)
    return table


def _recognised(cells) -> dict[str, int]:
    """Map field name -> column position for the cells of one candidate header row."""
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if isinstance(cell, str):
            name = _HEADER_LOOKUP.get(_header_key(cell))
            if name and name not in found:
                found[name] = position
    return found


def _validate(table: pd.DataFrame, required: tuple[str, ...]) -> RosterResult:
    # Pick the row, among the first ones, with the most recognised column names.
    header_row, columns = 0, {}
    for row_number, cells in table.head(HEADER_SCAN_ROWS).iterrows():
        found = _recognised(cells.tolist())
        if len(found) > len(columns):
            header_row, columns = row_number, found
    if not columns:
        if table.empty or table.map(_cell_text).map(str.strip).eq("").all(axis=None):
            return _failed(0, "empty_file")
        return _failed(0, "no_header", scanned=HEADER_SCAN_ROWS)
    missing = [name for name in required if name not in columns]
    if missing:
        errors = [_error(header_row, "missing_column", column=COLUMN_LABELS[n]) for n in missing]
        return RosterResult(rows=[], errors=errors)

    body = table.loc[table.index > header_row]
    values = pd.DataFrame(index=body.index)
    for name in FIELDS:
        if name not in columns:
            values[name] = ""
        elif name == "phone":
            values[name] = _clean_phone(body.iloc[:, columns[name]])
        else:
            values[name] = _clean(body.iloc[:, columns[name]])
    values["email"] = values["email"].str.lower()
    values = values.loc[values.ne("").any(axis=1)]
    if values.empty:
        return _failed(header_row, "no_data_rows")

    errors: list[RowError] = []
    headers = table.loc[header_row]
    for name in required:
        column = _clean(headers.iloc[[columns[name]]]).iloc[0]
        for row_number in values.index[values[name].eq("")]:
            errors.append(_error(row_number, "missing_value", column=column))

    emails = values["email"]
    valid_email = emails.str.fullmatch(_EMAIL_RE)
    for row_number, email in emails[emails.ne("") & ~valid_email].items():
        errors.append(_error(row_number, "invalid_email", email=email))

    checked = emails[valid_email]
    first_seen = pd.Series(checked.index, index=checked.index).groupby(checked).transform("first")
    for row_number, email in checked[checked.duplicated(keep="first")].items():
        first_row = int(first_seen[row_number])
        errors.append(_error(row_number, "duplicate_email", email=email, first_row=first_row))

    errors.sort(key=lambda error: error.row)  # stable: per row, errors keep the order above
    failed = {error.row for error in errors}
    records = values[list(FIELDS)].itertuples(name=None)
    rows = [
        RosterRow(
            row=row_number,
            full_name=full_name,
            email=email,
            agency=agency,
            agency_code=agency_code,
            position=position,
            phone=phone,
        )
        for row_number, full_name, email, agency, agency_code, position, phone in records
        if row_number not in failed
    ]
    return RosterResult(rows=rows, errors=errors)


def _cell_text(value) -> str:
    """Text of a cell as the user typed it; whole-number floats lose their ".0"."""
    if value is None or (isinstance(value, float) and value != value):  # NaN: empty cell
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.removesuffix("T00:00:00")
    return str(value)


def _clean(column: pd.Series) -> pd.Series:
    """NFC, no invisible characters, trimmed, inner whitespace collapsed."""
    return column.map(_clean_text)


def _clean_text(value) -> str:
    # One pass per cell: chaining pandas string methods walks every column five times.
    # str.split() splits on exactly the characters that the regex \s matches.
    # spreadsheet_text: a list the site exported quotes names that look like formulas.
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFC", spreadsheet_text(_cell_text(value))))
    return " ".join(text.split())


def _clean_phone(column: pd.Series) -> pd.Series:
    """Phone numbers as digit strings, restoring the leading 0 that number cells drop.

    Vietnamese mobiles are 10 digits starting with 0 (a number cell shows 9 digits); landlines
    are 11 digits starting with 02 (a number cell shows 10 digits starting with 2). "+84..." is
    kept as written, without spaces or dots.
    """
    phone = _clean(column).str.replace(_PHONE_SEPARATORS_RE, "", regex=True)
    lost_zero = phone.str.fullmatch(r"[1-9]\d{8}|2\d{9}")
    return phone.mask(lost_zero, "0" + phone)

"""Read the province's agency directory (CSV or XLSX) into validated rows.

Pure Python: bytes in, `DirectoryResult` out, no Django model. Every error is located (the sheet
row the user sees, 0 for the file as a whole) and carries a stable `code` with its `params`;
`lms.accounts.services.agencies_import` words it in the user's language and checks the rows
against the agencies already stored (unknown parents, cycles).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from lms.core.tables import TableError, header_key, read_table

__all__ = ["COLUMNS", "DirectoryError", "DirectoryResult", "DirectoryRow", "read_directory"]

# Field -> headers a province's workbook uses, Vietnamese first. The first one is written back
# by `export_agencies`, so an exported file reads back unchanged.
COLUMNS = {
    "code": ("Mã đơn vị", "code", "Mã", "Mã cơ quan", "Mã định danh", "Agency code"),
    "name": ("Tên đơn vị", "name", "Tên cơ quan", "Tên", "Agency name"),
    "kind": ("Loại", "kind", "Loại đơn vị", "Cấp"),
    "parent_code": ("Mã đơn vị cấp trên", "parent_code", "Cấp trên", "Parent code"),
    "target_headcount": ("Chỉ tiêu đào tạo", "target_headcount", "Chỉ tiêu", "Target"),
    "aliases": ("Tên gọi khác", "aliases", "Tên khác", "Aliases"),
    "merged_into_code": ("Sáp nhập vào", "merged_into_code", "Merged into"),
    "merged_at": ("Ngày sáp nhập", "merged_at", "Merged at", "Merged on"),
    "is_active": ("Đang hoạt động", "is_active", "Active"),
}
REQUIRED = ("code", "name", "kind")
HEADER_SCAN_ROWS = 15

# Kind codes and the words a Vietnamese directory writes for them.
KINDS = {
    "province": ("province", "Tỉnh", "Thành phố trực thuộc trung ương", "UBND tỉnh"),
    "department": ("department", "Sở, ban, ngành", "Sở", "Ban", "Ngành", "Sở ngành"),
    "district": (
        "district",
        "Huyện, thị xã, thành phố",
        "Huyện",
        "Quận",
        "Thị xã",
        "Thành phố",
        "Cấp huyện",
    ),
    "commune": ("commune", "Xã, phường, thị trấn", "Xã", "Phường", "Thị trấn", "Cấp xã"),
}
_KIND_LOOKUP = {header_key(word): kind for kind, words in KINDS.items() for word in words}
_HEADER_LOOKUP = {header_key(h): name for name, headers in COLUMNS.items() for h in headers}
_TRUE = {"1", "true", "yes", "x", "co", "dang hoat dong", "active"}
_FALSE = {"0", "false", "no", "khong", "ngung hoat dong", "inactive", ""}

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,39}")
MAX_NAME = 255
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


@dataclass
class DirectoryRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str = ""
    target_headcount: int | None = None  # None: column absent, keep what is stored
    aliases: list[str] = field(default_factory=list)
    merged_into_code: str = ""
    merged_at: date | None = None
    is_active: bool | None = None  # None: column absent or blank


@dataclass
class DirectoryError:
    row: int
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class DirectoryResult:
    rows: list[DirectoryRow]
    errors: list[DirectoryError]
    columns: tuple[str, ...] = ()


def _recognised(cells: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = _HEADER_LOOKUP.get(header_key(cell)) if cell else None
        if name and name not in found:
            found[name] = position
    return found


def read_directory(data: bytes, filename: str) -> DirectoryResult:
    """Parse a directory file; never raises on bad input. A row with an error is left out."""
    try:
        table = read_table(data, filename, score=lambda cells: len(_recognised(cells)))
    except TableError as error:
        return DirectoryResult([], [DirectoryError(0, error.code, error.params)])
    header_row, columns = 0, {}
    for number, cells in table[:HEADER_SCAN_ROWS]:
        found = _recognised(cells)
        if len(found) > len(columns):
            header_row, columns = number, found
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        code = "no_header" if not columns else "missing_column"
        errors = [DirectoryError(header_row, code, {"column": COLUMNS[n][0]}) for n in missing]
        return DirectoryResult([], errors[:1] if not columns else errors)
    result = DirectoryResult([], [], tuple(columns))
    seen: dict[str, int] = {}
    for number, cells in table:
        if number <= header_row or not any(cells):
            continue
        values = {name: cells[pos] if pos < len(cells) else "" for name, pos in columns.items()}
        errors = _row_errors(number, values, seen)
        result.errors.extend(errors)
        if not errors:
            result.rows.append(_row(number, values))
    if not result.rows and not result.errors:
        result.errors.append(DirectoryError(header_row, "no_data_rows"))
    return result


def _row_errors(number: int, values: dict, seen: dict[str, int]) -> list[DirectoryError]:
    errors = []

    def error(error_code: str, **params):
        errors.append(DirectoryError(number, error_code, params))

    for name in REQUIRED:
        if not values[name]:
            error("missing_value", column=COLUMNS[name][0])
    code = values["code"]
    if code and not CODE_RE.fullmatch(code):
        error("bad_code", code=code)
    elif code in seen:
        error("duplicate_code", code=code, first_row=seen[code])
    elif code:
        seen[code] = number
    if len(values["name"]) > MAX_NAME:
        error("name_too_long", max=MAX_NAME)
    if (
        values["kind"]
        and values["kind"] not in KINDS
        and header_key(values["kind"]) not in _KIND_LOOKUP
    ):
        error("bad_kind", kind=values["kind"])
    if values.get("target_headcount") and not _is_count(values["target_headcount"]):
        error("bad_number", value=values["target_headcount"], column=COLUMNS["target_headcount"][0])
    if values.get("merged_at") and _parse_date(values["merged_at"]) is None:
        error("bad_date", value=values["merged_at"], column=COLUMNS["merged_at"][0])
    if values.get("is_active") and header_key(values["is_active"]) not in _TRUE | _FALSE:
        error("bad_flag", value=values["is_active"], column=COLUMNS["is_active"][0])
    for column in ("parent_code", "merged_into_code"):
        if values.get(column) and values[column] == code:
            error("self_reference", column=COLUMNS[column][0])
    return errors


def _row(number: int, values: dict) -> DirectoryRow:
    kind = values["kind"] if values["kind"] in KINDS else _KIND_LOOKUP[header_key(values["kind"])]
    aliases = [
        a
        for a in dict.fromkeys(" ".join(a.split()) for a in values.get("aliases", "").split(";"))
        if a
    ]
    target = values.get("target_headcount")
    active = values.get("is_active")
    return DirectoryRow(
        row=number,
        code=values["code"],
        name=values["name"],
        kind=kind,
        parent_code=values.get("parent_code", ""),
        target_headcount=int(target) if target else (0 if "target_headcount" in values else None),
        aliases=aliases,
        merged_into_code=values.get("merged_into_code", ""),
        merged_at=_parse_date(values["merged_at"]) if values.get("merged_at") else None,
        is_active=(header_key(active) in _TRUE) if active else None,
    )


def _is_count(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) <= 10_000_000


def _parse_date(text: str) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd, 1900 to 2100."""
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return parsed if EARLIEST <= parsed <= LATEST else None
    return None

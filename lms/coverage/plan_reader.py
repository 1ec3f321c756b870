"""Read a yearly training plan (Kế hoạch đào tạo) from CSV or XLSX: one line per agency, track
and year with a target. Pure Python; rows are numbered as the sheet shows them."""

from dataclasses import dataclass, field

from lms.core.tables import TableError, header_key, read_table

COLUMNS = {
    "agency_code": ("Mã đơn vị", "agency_code", "Mã cơ quan", "Agency code"),
    "track": ("Chuyên đề", "track", "Nội dung", "Track"),
    "year": ("Năm", "year", "Năm kế hoạch", "Year"),
    "target": ("Chỉ tiêu", "target", "Số người", "Target"),
    "required_role": ("Vai trò bắt buộc", "required_role", "Bắt buộc với", "Required role"),
}
REQUIRED = ("agency_code", "track", "year", "target")
TRACKS = {
    "awareness": ("awareness", "Nhận thức"),
    "building": ("building", "Xây dựng"),
    "maintaining": ("maintaining", "Duy trì"),
    "improving": ("improving", "Cải tiến"),
}
ROLES = {"agency_secretary": ("agency_secretary", "Thư ký ISO", "Thư ký")}
_HEADERS = {header_key(h): name for name, headers in COLUMNS.items() for h in headers}
_TRACKS = {header_key(w): code for code, words in TRACKS.items() for w in words}
_ROLES = {header_key(w): code for code, words in ROLES.items() for w in words}


@dataclass
class PlanRow:
    row: int
    agency_code: str
    track: str
    year: int
    target: int
    required_role: str = ""


@dataclass
class PlanError:
    row: int
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class PlanResult:
    rows: list[PlanRow]
    errors: list[PlanError]


def _recognised(cells) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = _HEADERS.get(header_key(cell)) if cell else None
        if name and name not in found:
            found[name] = position
    return found


def read_plan(data: bytes, filename: str) -> PlanResult:
    try:
        table = read_table(data, filename, score=lambda cells: len(_recognised(cells)))
    except TableError as error:
        return PlanResult([], [PlanError(0, error.code, error.params)])
    header_row, columns = 0, {}
    for number, cells in table[:15]:
        found = _recognised(cells)
        if len(found) > len(columns):
            header_row, columns = number, found
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        return PlanResult([], [PlanError(header_row, "missing_column", {"column": missing[0]})])
    result, seen = PlanResult([], []), {}
    for number, cells in table:
        if number <= header_row or not any(cells):
            continue
        values = {name: cells[pos] if pos < len(cells) else "" for name, pos in columns.items()}
        row, errors = _parse(number, values)
        key = (values["agency_code"], row.track if row else "", values["year"])
        if row and key in seen:
            errors.append(PlanError(number, "duplicate_line", {"first_row": seen[key]}))
        elif row:
            seen[key] = number
        result.errors += errors
        if not errors:
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(PlanError(header_row, "no_data_rows"))
    return result


def _parse(number: int, values: dict) -> tuple[PlanRow | None, list[PlanError]]:
    errors = []
    for name in REQUIRED:
        if not values[name]:
            errors.append(PlanError(number, "missing_value", {"column": COLUMNS[name][0]}))
    track = _TRACKS.get(header_key(values["track"])) if values["track"] else ""
    if values["track"] and not track:
        errors.append(PlanError(number, "bad_track", {"value": values["track"]}))
    year = values["year"]
    if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
        errors.append(PlanError(number, "bad_year", {"value": year}))
    target = values["target"]
    if target and not (target.isascii() and target.isdigit() and int(target) <= 10_000_000):
        errors.append(PlanError(number, "bad_number", {"value": target}))
    role_text = values.get("required_role", "")
    role = _ROLES.get(header_key(role_text), "") if role_text else ""
    if role_text and not role:
        errors.append(PlanError(number, "bad_role", {"value": role_text}))
    if errors:
        return None, errors
    row = PlanRow(number, values["agency_code"], track, int(year), int(target), role)
    return row, []

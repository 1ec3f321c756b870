"""Upsert the agency directory from a province's workbook: the one write path for bulk agency
changes (the `import_agencies` command, the admin upload and the demo loader call it).

Invariants: agencies are matched by code; all or nothing (any bad row, unknown parent or
successor, or a cycle of parents or mergers writes nothing); running the same file twice changes
nothing the second time and says so; every created or changed agency leaves an audit event.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from lms.core.audit import audit_record_many
from lms.core.imports import ImportResult, RowChange
from lms.core.table_messages import table_messages

from .directory import COLUMNS, DirectoryRow, read_directory
from .models import Agency

# Fields an import may set, in the order a change is shown.
FIELDS = ("name", "kind", "parent", "target_headcount", "aliases", "merged_into", "merged_at",
          "is_active")  # fmt: skip


def _messages() -> dict[str, str]:
    return table_messages() | {
        "no_header": _("không tìm thấy dòng tiêu đề; cần các cột Mã đơn vị, Tên đơn vị, Loại"),
        "bad_code": _(
            "mã đơn vị “{code}” không hợp lệ (chỉ gồm chữ, số, dấu chấm, gạch ngang; "
            "tối đa 40 ký tự)"
        ),
        "duplicate_code": _("mã đơn vị {code} bị trùng, đã có ở dòng {first_row}"),
        "name_too_long": _("tên đơn vị dài quá {max} ký tự"),
        "bad_kind": _("loại đơn vị “{kind}” không hợp lệ; dùng Tỉnh, Sở, Huyện hoặc Xã"),
        "bad_number": _("“{value}” ở cột {column} không phải số nguyên không âm"),
        "bad_date": _("“{value}” ở cột {column} không phải ngày dd/mm/yyyy (từ 1900 đến 2100)"),
        "bad_flag": _("“{value}” ở cột {column} phải là có hoặc không"),
        "self_reference": _("cột {column} trỏ về chính đơn vị này"),
        "unknown_parent": _("không tìm thấy đơn vị cấp trên có mã {code}"),
        "unknown_successor": _("không tìm thấy đơn vị sáp nhập vào có mã {code}"),
        "parent_cycle": _("đơn vị cấp trên tạo thành vòng lặp: {path}"),
        "merge_cycle": _("sáp nhập tạo thành vòng lặp: {path}"),
    }


def agencies_import(*, data: bytes, filename: str, actor=None, dry_run=False) -> ImportResult:
    """Create or update every agency of the file (see the module docstring for the invariants)."""
    parsed = read_directory(data, filename)
    messages = _messages()
    result = ImportResult(
        errors=[(e.row, messages[e.code].format(**e.params)) for e in parsed.errors]
    )
    existing = {a.code: a for a in Agency.objects.select_related("parent", "merged_into")}
    result.errors += _reference_errors(parsed.rows, parsed.columns, existing, messages)
    result.errors.sort(key=lambda error: error[0])
    if result.errors:
        return result
    with transaction.atomic():
        _write(parsed.rows, parsed.columns, existing, result, actor)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _final_links(rows, columns, existing, column, attribute) -> dict[str, str]:
    """code -> linked code after the import: the file's value where it has the column."""
    links = {
        code: getattr(getattr(agency, attribute), "code", "") for code, agency in existing.items()
    }
    if column in columns:
        links.update({row.code: getattr(row, column) for row in rows})
    else:
        links.update({row.code: links.get(row.code, "") for row in rows})
    return links


def _reference_errors(rows, columns, existing, messages) -> list[tuple[int, str]]:
    known = set(existing) | {row.code for row in rows}
    errors = []
    for row in rows:
        if row.parent_code and row.parent_code not in known:
            errors.append((row.row, messages["unknown_parent"].format(code=row.parent_code)))
        if row.merged_into_code and row.merged_into_code not in known:
            errors.append(
                (row.row, messages["unknown_successor"].format(code=row.merged_into_code))
            )
    if errors:
        return errors
    for column, attribute, code in (
        ("parent_code", "parent", "parent_cycle"),
        ("merged_into_code", "merged_into", "merge_cycle"),
    ):
        links = _final_links(rows, columns, existing, column, attribute)
        for row in rows:
            path = _cycle_from(row.code, links)
            if path:
                errors.append((row.row, messages[code].format(path=" → ".join(path))))
    return errors


def _cycle_from(code: str, links: dict[str, str]) -> list[str]:
    """The loop `code` starts, e.g. [A, B, A], or [] when following links ends."""
    path, seen = [code], {code}
    current = links.get(code, "")
    while current:
        path.append(current)
        if current == code:
            return path
        if current in seen:
            return []  # a loop further up, reported on its own rows
        seen.add(current)
        current = links.get(current, "")
    return []


def _values(row: DirectoryRow, columns, agency: Agency | None, by_code) -> dict:
    """What the agency's fields will be: the file's value where it has the column."""
    present = set(columns)
    stored = {name: getattr(agency, name) for name in FIELDS} if agency else {}
    values = {"name": row.name, "kind": row.kind}
    links = (("parent", "parent_code"), ("merged_into", "merged_into_code"))
    for name, column in links:
        values[name] = by_code.get(getattr(row, column)) if column in present else stored.get(name)
    values["target_headcount"] = (
        row.target_headcount
        if row.target_headcount is not None
        else stored.get("target_headcount", 0)
    )
    values["aliases"] = row.aliases if "aliases" in present else stored.get("aliases", [])
    values["merged_at"] = row.merged_at if "merged_at" in present else stored.get("merged_at")
    if row.is_active is not None:
        values["is_active"] = row.is_active
    elif values["merged_into"] is not None:
        values["is_active"] = False  # a merged agency no longer exists on its own
    else:
        values["is_active"] = stored.get("is_active", True)
    return values


def _write(rows, columns, existing, result: ImportResult, actor) -> None:
    by_code = dict(existing)
    new = [
        Agency(code=row.code, name=row.name, kind=row.kind)
        for row in rows
        if row.code not in existing
    ]
    for agency in new:
        agency.save()
        by_code[agency.code] = agency
    created = {agency.code for agency in new}
    audit = []
    for row in rows:
        agency = by_code[row.code]
        values = _values(row, columns, None if row.code in created else agency, by_code)
        changes = {
            name: (getattr(agency, name), value)
            for name, value in values.items()
            if row.code in created or getattr(agency, name) != value
        }
        if not changes:
            result.unchanged += 1
            continue
        for name, (_before, value) in changes.items():
            setattr(agency, name, value)
        agency.save()
        result.changes.append(RowChange(row.row, row.code, row.name, row.code in created, changes))
        audit.append((agency, *_audit_values(changes, created=row.code in created)))
    audit_record_many(actor=actor, verb="agency.import", changes=audit)


def _plain(value):
    if isinstance(value, Agency):
        return value.code
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _audit_values(changes, *, created: bool) -> tuple[dict, dict]:
    before = {} if created else {name: _plain(old) for name, (old, _new) in changes.items()}
    return before, {name: _plain(new) for name, (_old, new) in changes.items()}


def header_row() -> list[str]:
    """The headers `export_agencies` writes: the first (Vietnamese) name of each column."""
    return [headers[0] for headers in COLUMNS.values()]


def directory_rows() -> list[list]:
    """Every agency as a row of `export_agencies`, in the format the import reads back."""
    kinds = dict(Agency._meta.get_field("kind").flatchoices)
    rows = []
    for agency in Agency.objects.select_related("parent", "merged_into").order_by("code"):
        rows.append(
            [
                agency.code,
                agency.name,
                str(kinds.get(agency.kind, agency.kind)),
                agency.parent.code if agency.parent else "",
                agency.target_headcount,
                "; ".join(agency.aliases),
                agency.merged_into.code if agency.merged_into else "",
                agency.merged_at.strftime("%d/%m/%Y") if agency.merged_at else "",
                _("có") if agency.is_active else _("không"),
            ]
        )
    return rows


def directory_file(extension: str) -> bytes:
    """The directory as CSV (UTF-8 with BOM, for Excel) or XLSX bytes."""
    import csv
    import io

    rows = [header_row(), *directory_rows()]
    if extension == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Danh mục đơn vị")[:31]
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8-sig")

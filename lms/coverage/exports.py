"""Coverage table as CSV (UTF-8 with BOM, for Excel) and XLSX with a header block."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import AgencyKind
from lms.core.exports import spreadsheet_row

from .selectors import CoverageRow

# Above this many agency rows the page hands the export to a background task.
SYNC_EXPORT_MAX_ROWS = 500


@dataclass(frozen=True)
class ExportHeader:
    province: str
    period: str
    generated_at: dt.datetime


def column_headings() -> list[str]:
    return [
        _("Mã đơn vị"),
        _("Cơ quan, đơn vị"),
        _("Loại"),
        _("Đơn vị cấp trên"),
        _("Chỉ tiêu"),
        _("Đã ghi danh"),
        _("Đã hoàn thành"),
        _("Có chứng nhận còn hiệu lực"),
        _("Tỷ lệ bao phủ"),
    ]


def _kind_label(kind: str) -> str:
    return str(dict(AgencyKind.choices).get(kind, kind))


def agency_label(name: str, successor: str) -> str:
    """The agency's name as the drill-down page shows it: "X (đã sáp nhập vào Y)" once merged,
    so a file read months later still says where the agency went."""
    if not successor:
        return name
    merged = _("đã sáp nhập vào %(successor)s") % {"successor": successor}
    return f"{name} ({merged})"


def table_rows(table: list[CoverageRow]) -> list[list]:
    """Rows in page order; coverage as a fraction (None when there is no target)."""
    rows = []
    for row in table:
        pct = row.coverage_pct
        rows.append(
            [
                row.code,
                agency_label(row.name, row.merged_into),
                _kind_label(row.kind),
                row.parent,
                int(row.target),
                int(row.enrolled),
                int(row.completed),
                int(row.certified),
                None if pct is None else round(pct / 100, 3),
            ]
        )
    return rows


def coverage_csv(table: list[CoverageRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headings = column_headings()
    headings[-1] = _("Tỷ lệ bao phủ (%)")
    writer.writerow(headings)
    for row in table_rows(table):
        fraction = row[-1]
        row[-1] = "" if fraction is None else f"{fraction * 100:.1f}"
        writer.writerow(spreadsheet_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def coverage_xlsx(table: list[CoverageRow], header: ExportHeader) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Độ bao phủ")[:31]
    generated = timezone.localtime(header.generated_at)
    sheet.append([_("BÁO CÁO ĐỘ BAO PHỦ ĐÀO TẠO HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG TCVN ISO 9001")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(spreadsheet_row([_("Tỉnh"), header.province]))
    sheet.append(spreadsheet_row([_("Kỳ báo cáo"), header.period]))
    sheet.append([_("Thời điểm lập"), generated.strftime("%d/%m/%Y %H:%M")])
    sheet.append([])
    sheet.append(column_headings())
    heading_row = sheet.max_row
    for cell in sheet[heading_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table_rows(table):
        sheet.append(spreadsheet_row(row))
        sheet.cell(row=sheet.max_row, column=9).number_format = "0.0%"
    for letter, width in zip("ABCDEFGHI", (14, 40, 22, 30, 10, 12, 14, 16, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


HEADER_ROWS = 6  # title, province, period, generated at, blank line, column headings

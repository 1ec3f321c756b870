"""Attendance of sessions and classes as spreadsheet rows, XLSX and CSV."""


def attendance_export_rows(sessions) -> tuple[list[str], list[list[str]]]:
    """Header and rows (one per person and session) for the XLSX/CSV attendance exports."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from courses.classes.attendance import session_roster
    from courses.classes.models import AttendanceMethod, AttendanceStatus

    header = [
        _("Buổi học"),
        _("Ngày"),
        _("STT"),
        _("Họ và tên"),
        _("Email"),
        _("Đơn vị"),
        _("Chức vụ"),
        _("Trạng thái"),
        _("Hình thức"),
        _("Ghi chú"),
    ]
    statuses, methods = dict(AttendanceStatus.choices), dict(AttendanceMethod.choices)
    rows = []
    for session in sessions:
        day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
        for number, entry in enumerate(session_roster(session=session), start=1):
            rows.append(
                [
                    str(session),
                    day,
                    number,
                    entry.display_name,
                    entry.email,
                    entry.agency,
                    entry.position,
                    str(statuses.get(entry.status, _("Chưa điểm danh"))),
                    str(methods.get(entry.method, "")),
                    entry.note,
                ]
            )
    return header, rows


def attendance_xlsx(header: list[str], rows: list[list]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from django.utils.translation import gettext as _

    from lms.core.exports import spreadsheet_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Điểm danh")
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(spreadsheet_row(row))
    for index, label in enumerate(header, start=1):
        width = max([len(str(label)), *(len(str(row[index - 1])) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM: without it Excel opens Vietnamese text as mojibake."""
    import csv
    import io

    from lms.core.exports import spreadsheet_row

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(spreadsheet_row(row) for row in rows)
    return text.getvalue().encode("utf-8-sig")

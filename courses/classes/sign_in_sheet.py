"""The paper sign-in sheet of a class session: the fallback when phones or the network fail."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.classes.attendance import RosterEntry
from courses.classes.models import ClassSession
from lms.core.exports import pdf_text
from lms.core.pdf_fonts import register_fonts


def sign_in_sheet_pdf(*, session: ClassSession, roster: list[RosterEntry]) -> bytes:
    """A4 sheet: title, class, date (dd/mm/yyyy), venue, then STT, Họ và tên, Đơn vị, Chức vụ,
    Chữ ký for every person in `roster` (already in given-name order)."""
    regular, bold = register_fonts()
    title_style = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1)
    text_style = ParagraphStyle("text", fontName=regular, fontSize=10, leading=13)
    cell_style = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11)
    head_style = ParagraphStyle("head", fontName=bold, fontSize=9, leading=11, alignment=1)

    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    story = [
        Paragraph(pdf_text(_("DANH SÁCH KÝ TÊN THAM DỰ LỚP HỌC")), title_style),
        Spacer(1, 4 * mm),
        Paragraph(pdf_text(f"{_('Lớp')}: {session.training_class.title}"), text_style),
        Paragraph(pdf_text(f"{_('Khóa học')}: {session.training_class.course.title}"), text_style),
        Paragraph(
            pdf_text(
                f"{_('Ngày')}: {starts:%d/%m/%Y}, {starts:%H:%M}–{ends:%H:%M}"
                + (f" ({session.title})" if session.title else "")
            ),
            text_style,
        ),
        Paragraph(pdf_text(f"{_('Địa điểm')}: {session.venue}"), text_style),
        Spacer(1, 5 * mm),
    ]
    header = [
        Paragraph(pdf_text(label), head_style)
        for label in (_("STT"), _("Họ và tên"), _("Đơn vị"), _("Chức vụ"), _("Chữ ký"))
    ]
    body = [
        [
            str(number),
            Paragraph(pdf_text(entry.display_name), cell_style),
            Paragraph(pdf_text(entry.agency), cell_style),
            Paragraph(pdf_text(entry.position), cell_style),
            "",
        ]
        for number, entry in enumerate(roster, start=1)
    ]
    table = Table(
        [header, *body],
        colWidths=[12 * mm, 50 * mm, 55 * mm, 35 * mm, 30 * mm],
        rowHeights=[None] + [10 * mm] * len(body),  # room to sign by hand
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ]
        )
    )
    story.append(table)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Danh sách ký tên"),
    )
    document.build(story)
    return buffer.getvalue()

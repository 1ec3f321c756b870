"""Office files (.docx, .xlsx, .pdf) from the plain Markdown forms kept in fixtures/documents.

Civil servants open downloadable forms in Word, Excel or a PDF reader, not a text editor, so the
demo renders each form from its Markdown source when it is loaded. The source stays the one
place the wording is edited and reviewed; the files are rebuilt from it.

Only the Markdown the forms use is understood: `#`/`##`/`###` headings, `>` notes, pipe tables,
`-` and `1.` list items, paragraphs, and `**bold**` inline. Everything is pure (text in, bytes
out); the caller stores the bytes.
"""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


@dataclass
class Block:
    """One block of a form: kind is heading, note, paragraph, item or table."""

    kind: str
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


def parse(markdown: str) -> list[Block]:
    """The form's blocks in order; blank lines separate paragraphs."""
    blocks: list[Block] = []
    for line in markdown.splitlines():
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("|"):
            if _TABLE_RULE.match(line):
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif heading := re.match(r"^(#{1,3})\s+(.*)", line):
            blocks.append(Block("heading", heading.group(2), level=len(heading.group(1))))
        elif line.startswith(">"):
            blocks.append(Block("note", line.lstrip("> ")))
        elif item := re.match(r"^(?:-|\d+\.)\s+(.*)", line):
            blocks.append(Block("item", item.group(1)))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def runs(text: str) -> list[tuple[str, bool]]:
    """The text as (piece, bold) runs, without Markdown marks."""
    pieces = _BOLD.split(text.replace("`", ""))
    return [(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]


def plain(text: str) -> str:
    return "".join(piece for piece, _bold in runs(text))


def to_docx(blocks: list[Block]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for block in blocks:
        if block.kind == "heading":
            document.add_heading(plain(block.text), level=block.level)
        elif block.kind == "table":
            _docx_table(document, block.rows)
        else:
            paragraph = document.add_paragraph(
                style="List Bullet" if block.kind == "item" else None
            )
            for piece, bold in runs(block.text):
                run = paragraph.add_run(piece)
                run.bold = bold
                run.italic = block.kind == "note"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for row_index, row in enumerate(rows):
        for column, text in enumerate(row):
            cell = table.cell(row_index, column)
            cell.text = plain(text)
            if row_index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def to_xlsx(blocks: list[Block], *, title: str) -> bytes:
    """One sheet: text blocks in column A, tables as grids with a bold header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    thin = Side(style="thin")
    grid = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for block in blocks:
        if block.kind != "table":
            sheet.append([plain(block.text)])
            if block.kind == "heading":
                sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14 - block.level)
            continue
        for row_index, row in enumerate(block.rows):
            sheet.append([plain(text) for text in row])
            for cell in sheet[sheet.max_row]:
                cell.border, cell.alignment = grid, wrap
                cell.font = Font(bold=row_index == 0)
        sheet.append([])
    for letter, width in zip("ABCDEFGH", (6, 18, 48, 30, 22, 22, 22, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(blocks: list[Block], *, title: str) -> bytes:
    """An A4 PDF in the project's DejaVu font, so Vietnamese letters print."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from lms.core.pdf_fonts import register_fonts

    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=4)
    styles = {
        "heading": ParagraphStyle("heading", parent=body, fontName=bold, fontSize=13, leading=17),
        "note": ParagraphStyle("note", parent=body, textColor=colors.HexColor("#444444")),
        "item": ParagraphStyle("item", parent=body, leftIndent=12, bulletIndent=2),
        "paragraph": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
    }
    flowables = []
    for block in blocks:
        if block.kind == "table":
            flowables.append(_pdf_table(block.rows, styles["cell"], Table, TableStyle, colors))
            flowables.append(Spacer(1, 4 * mm))
            continue
        kwargs = {"bulletText": "•"} if block.kind == "item" else {}
        flowables.append(Paragraph(_pdf_markup(block.text), styles[block.kind], **kwargs))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm
    )
    document.build(flowables)
    return buffer.getvalue()


def _pdf_markup(text: str) -> str:
    from xml.sax.saxutils import escape

    return "".join(f"<b>{escape(p)}</b>" if bold else escape(p) for p, bold in runs(text))


def _pdf_table(rows, style, Table, TableStyle, colors):
    from reportlab.platypus import Paragraph

    width = max(len(row) for row in rows)
    cells = [
        [Paragraph(_pdf_markup(row[i] if i < len(row) else ""), style) for i in range(width)]
        for row in rows
    ]
    table = Table(cells, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render(source: Path, suffix: str) -> bytes:
    """The Markdown form at `source` as a file of type `suffix` (".docx", ".xlsx" or ".pdf")."""
    blocks = parse(source.read_text(encoding="utf-8"))
    title = plain(next((b.text for b in blocks if b.kind == "heading"), source.stem))
    if suffix == ".docx":
        return to_docx(blocks)
    if suffix == ".xlsx":
        return to_xlsx(blocks, title=source.stem)
    if suffix == ".pdf":
        return to_pdf(blocks, title=title)
    raise ValueError(f"{source.name}: cannot render as {suffix!r}")

"""The floor for certificate PDFs: reportlab's own TTFont and canvas, the same text, no layout.

The fonts are registered under their own names as plain `TTFont`s, so the floor does what
reportlab does out of the box (a new font subset per document), not what the project adds.
"""

import io
from functools import cache

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from lms.core.pdf_fonts import FONTS_DIR


@cache
def plain_fonts() -> tuple[str, str]:
    regular, bold = "FloorDejaVuSans", "FloorDejaVuSans-Bold"
    pdfmetrics.registerFont(TTFont(regular, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(bold, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    return regular, bold


def bare_page(title: str, name: str, lines: list[str]) -> bytes:
    regular, bold = plain_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4), pageCompression=1)
    c.setFont(bold, 24)
    c.drawCentredString(421, 480, title)
    c.setFont(bold, 28)
    c.drawCentredString(421, 400, name)
    c.setFont(regular, 14)
    for offset, text in enumerate(lines):
        c.drawCentredString(421, 350 - 24 * offset, text)
    c.showPage()
    c.save()
    return buffer.getvalue()

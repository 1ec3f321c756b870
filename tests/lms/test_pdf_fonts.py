"""PDF fonts: Vietnamese text survives embedding, and the shared first subset is reused."""

import io

import pypdf
from reportlab.pdfgen import canvas

from lms.core.pdf_fonts import VIETNAMESE_CHARACTERS, register_fonts


def _pdf(*lines: str) -> bytes:
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    for index, line in enumerate(lines):
        c.setFont(bold if index % 2 else regular, 12)
        c.drawString(40, 800 - 20 * index, line)
    c.showPage()
    c.save()
    return buffer.getvalue()


def _fonts(data: bytes) -> dict[str, list[bytes]]:
    """Each embedded font's name → the bytes of its TrueType subset(s)."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    fonts = {}
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/FontDescriptor" not in font:
            continue  # the canvas's initial Helvetica, never used for text here
        descriptor = font["/FontDescriptor"].get_object()
        name = str(font["/BaseFont"]).split("+", 1)[1]
        fonts.setdefault(name, []).append(descriptor["/FontFile2"].get_object().get_data())
    return fonts


def _text(data: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_every_vietnamese_letter_round_trips_through_the_pdf():
    data = _pdf(VIETNAMESE_CHARACTERS, "Nguyễn Thị Hồng Nhung – Sở Tư pháp")
    text = _text(data)
    assert "Nguyễn Thị Hồng Nhung – Sở Tư pháp" in text
    for letter in "ăâđêôơưẠẶẬẸỆỊỌỘỢỤỰỲỴ":
        assert letter in text


def test_documents_with_different_names_embed_the_same_subset():
    first = _fonts(_pdf("Trần Quang Huy", "Lê Minh Đức"))
    second = _fonts(_pdf("Phạm Thu Hà", "Đỗ Văn Khánh"))
    assert first.keys() == second.keys() == {"DejaVuSans", "DejaVuSans-Bold"}
    assert first == second  # built once, written byte for byte the same


def test_characters_outside_the_vietnamese_alphabet_still_print():
    data = _pdf("Ωmega Ǆemal Straße", "Nguyễn Ánh")
    text = _text(data)
    assert "Ωmega" in text and "Straße" in text and "Nguyễn Ánh" in text
    assert _fonts(data) != _fonts(_pdf("Nguyễn Ánh", "Nguyễn Ánh"))

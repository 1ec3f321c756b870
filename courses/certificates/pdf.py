"""The certificate PDF: A4 landscape, DejaVu Sans (Vietnamese glyphs), QR code to /verify/.

Everything that is the same for every certificate (fonts, background image, label texts) is
prepared once per process, so rendering a certificate costs only its own text and QR modules.
"""

import io
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from courses.certificates.qr import qr_modules
from lms.core.pdf_fonts import register_fonts

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
BLUE = (0.05, 0.27, 0.55)
GREY = (0.35, 0.35, 0.35)
_DARK_RUN = re.compile(rb"\x01+")

TRACK_LABELS = {
    "vi": {
        "awareness": "Nhận thức",
        "building": "Xây dựng",
        "maintaining": "Duy trì",
        "improving": "Cải tiến",
    },
    "en": {
        "awareness": "Awareness",
        "building": "Building",
        "maintaining": "Maintaining",
        "improving": "Improving",
    },
}
EDITION_LABELS = {
    "9001:2008": "TCVN ISO 9001:2008",
    "9001:2015": "TCVN ISO 9001:2015",
}
# The PDF is printed in the holder's language, not the request's: labels are fixed here.
LABELS = {
    "vi": {
        "certifies": "Chứng nhận Ông/Bà",
        "agency": "Cơ quan, đơn vị",
        "completed": "Đã hoàn thành khóa học",
        "track": "Chuyên đề",
        "standard": "Tiêu chuẩn",
        "issued": "Ngày cấp",
        "expires": "Có giá trị đến",
        "no_expiry": "Không thời hạn",
        "code": "Mã xác minh",
        "scan": "Quét mã QR hoặc truy cập",
        "next_edition": "TCVN ISO 9001 (phiên bản kế tiếp)",
    },
    "en": {
        "certifies": "This is to certify that",
        "agency": "Agency",
        "completed": "has completed the course",
        "track": "Track",
        "standard": "Standard",
        "issued": "Date of issue",
        "expires": "Valid until",
        "no_expiry": "No expiry",
        "code": "Verification code",
        "scan": "Scan the QR code or visit",
        "next_edition": "TCVN ISO 9001 (next edition)",
    },
}


@dataclass(frozen=True)
class CertificateLayout:
    """What the certificate template contributes; the rest comes from the frozen record."""

    title_vi: str
    title_en: str
    issuer_name: str
    signatory_name: str
    signatory_title: str
    issuing_place: str = ""
    legal_basis_vi: str = ""
    legal_basis_en: str = ""
    # Image files' bytes, read through the storage API (local media or an S3 bucket).
    background: bytes = b""
    logo: bytes = b""
    signature: bytes = b""
    seal: bytes = b""


MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip
# Smallest sizes a name and a course title shrink to before they wrap onto a second line.
NAME_SIZE, NAME_FLOOR = 30.0, 20.0
COURSE_SIZE, COURSE_FLOOR = 18.0, 13.0


def place_and_date(place: str, issued_on: str, language: str) -> str:
    """ "Vĩnh Phúc, ngày 05 tháng 03 năm 2026" from a dd/mm/yyyy date, as official papers write."""
    day, month, year = issued_on.split("/")
    if language == "en":
        date = f"{int(day)} {MONTHS_EN[int(month) - 1]} {year}"
    else:
        date = f"ngày {day} tháng {month} năm {year}"
    return f"{place}, {date}" if place else date


def fit_lines(text: str, font: str, size: float, floor: float, max_width: float):
    """(size, lines): `text` at the largest size ≤ `size` that fits on one line, down to
    `floor`; below that it wraps at `floor`, word by word, so nothing leaves the page."""
    width = stringWidth(text, font, size)
    if width <= max_width:
        return size, [text]
    fitted = size * max_width / width
    if fitted >= floor:
        return fitted, [text]
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and stringWidth(candidate, font, floor) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    # A single word longer than the line (no spaces to wrap at) shrinks below the floor.
    widest = max(stringWidth(line, font, floor) for line in lines)
    return (floor if widest <= max_width else floor * max_width / widest), lines


@lru_cache(maxsize=32)
def _background(data: bytes) -> ImageReader | None:
    # Decoding the image once per process: reportlab embeds it from the reader each time.
    return ImageReader(io.BytesIO(data)) if data else None


def _draw_image(c, data: bytes, x: float, y: float, width: float, height: float) -> None:
    """A logo, signature or seal inside its box, keeping its shape and its transparency."""
    image = _background(data)
    if image is not None:
        c.drawImage(image, x, y, width, height, preserveAspectRatio=True, mask="auto")


def _fit(c, text: str, font: str, size: float, max_width: float) -> float:
    """The largest size ≤ `size` at which `text` fits in `max_width` (long Vietnamese names)."""
    width = c.stringWidth(text, font, size)
    return size if width <= max_width else max(8.0, size * max_width / width)


def _draw_qr(c, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as filled squares: vector-sharp when printed, no image to encode.

    Each run of dark modules in a row is one raw `re` operator in a scaled coordinate system
    (integers only): reportlab's path API formats every float, which was most of the rendering
    time. The runs are found by a regular expression over the module bytes, in C.
    """
    width, modules = qr_modules(url)
    stride, top = width + 1, width + 3  # four modules of quiet zone on each side
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.translate(x, y)
    cell = size / (width + 8)
    c.scale(cell, cell)
    runs = [run.span() for run in _DARK_RUN.finditer(modules)]
    operators = [
        f"{start % stride + 4} {top - start // stride} {end - start} 1 re" for start, end in runs
    ]
    c.addLiteral("\n".join([*operators, "f"]))
    c.restoreState()


@dataclass(frozen=True)
class _Pen:
    """The canvas and what every part of the page draws with."""

    c: canvas.Canvas
    regular: str
    bold: str
    labels: dict
    language: str


def _draw_frame(pen: _Pen, layout: CertificateLayout) -> None:
    c = pen.c
    background = _background(layout.background)
    if background is not None:
        c.drawImage(background, 0, 0, PAGE_WIDTH, PAGE_HEIGHT, preserveAspectRatio=False)
    else:
        c.setStrokeColorRGB(*BLUE)
        c.setLineWidth(3)
        c.rect(12 * mm, 12 * mm, PAGE_WIDTH - 24 * mm, PAGE_HEIGHT - 24 * mm)
        c.setLineWidth(0.8)
        c.rect(15 * mm, 15 * mm, PAGE_WIDTH - 30 * mm, PAGE_HEIGHT - 30 * mm)
    _draw_image(c, layout.logo, 22 * mm, PAGE_HEIGHT - 46 * mm, 26 * mm, 26 * mm)


def _draw_heading(pen: _Pen, layout: CertificateLayout) -> None:
    """Issuer, title and legal basis, centred at the top."""
    c, regular, bold = pen.c, pen.regular, pen.bold
    centre, text_width = PAGE_WIDTH / 2, PAGE_WIDTH - 70 * mm
    c.setFillColorRGB(*GREY)
    c.setFont(regular, 12)
    c.drawCentredString(centre, PAGE_HEIGHT - 30 * mm, layout.issuer_name.upper())
    title = layout.title_en if pen.language == "en" else layout.title_vi
    c.setFillColorRGB(*BLUE)
    c.setFont(bold, _fit(c, title, bold, 26, text_width))
    c.drawCentredString(centre, PAGE_HEIGHT - 50 * mm, title)
    legal_basis = layout.legal_basis_en if pen.language == "en" else layout.legal_basis_vi
    if legal_basis:
        c.setFillColorRGB(*GREY)
        c.setFont(regular, _fit(c, legal_basis, regular, 10, text_width))
        c.drawCentredString(centre, PAGE_HEIGHT - 58 * mm, legal_basis)


def _draw_recipient(pen: _Pen, *, full_name: str, agency_name: str) -> float:
    """ "Certifies that", the name (wrapped and shrunk to fit) and the agency; returns the y
    where the course block starts."""
    c, regular, bold, labels = pen.c, pen.regular, pen.bold, pen.labels
    centre, text_width = PAGE_WIDTH / 2, PAGE_WIDTH - 70 * mm
    c.setFillColorRGB(0, 0, 0)
    c.setFont(regular, 14)
    c.drawCentredString(centre, PAGE_HEIGHT - 66 * mm, labels["certifies"])
    name_size, name_lines = fit_lines(full_name, bold, NAME_SIZE, NAME_FLOOR, text_width)
    c.setFont(bold, name_size)
    y = PAGE_HEIGHT - 82 * mm + (len(name_lines) - 1) * 4 * mm
    for line in name_lines:
        c.drawCentredString(centre, y, line)
        y -= name_size * 1.15
    y = min(PAGE_HEIGHT - 94 * mm, y + name_size * 1.15 - 12 * mm)
    if agency_name:
        line = f"{labels['agency']}: {agency_name}"
        c.setFont(regular, _fit(c, line, regular, 13, text_width))
        c.drawCentredString(centre, y, line)
        y -= 10 * mm
    return y


def _draw_course(pen: _Pen, y: float, *, course_title: str, track: str, edition: str) -> None:
    c, regular, bold, labels = pen.c, pen.regular, pen.bold, pen.labels
    centre, text_width = PAGE_WIDTH / 2, PAGE_WIDTH - 70 * mm
    c.setFont(regular, 13)
    c.drawCentredString(centre, y, labels["completed"])
    y -= 10 * mm
    c.setFillColorRGB(*BLUE)
    course_size, course_lines = fit_lines(course_title, bold, COURSE_SIZE, COURSE_FLOOR, text_width)
    c.setFont(bold, course_size)
    for line in course_lines:
        c.drawCentredString(centre, y, line)
        y -= course_size * 1.2
    y -= 9 * mm - course_size * 1.2
    c.setFillColorRGB(0, 0, 0)
    standard = EDITION_LABELS.get(edition) or labels["next_edition"]
    track_label = TRACK_LABELS[pen.language].get(track, track)
    facts = f"{labels['track']}: {track_label}   ·   {labels['standard']}: {standard}"
    c.setFont(regular, 12)
    c.drawCentredString(centre, y, facts)


def _draw_dates_and_code(
    pen: _Pen, *, issued_on, expires_on, display_code, verify_url, qr_content
) -> None:
    """Bottom-left: dates and code; bottom-centre: the QR code (`qr_content`, else the address
    of the verification page)."""
    c, regular, bold, labels = pen.c, pen.regular, pen.bold, pen.labels
    left = 28 * mm
    c.setFont(regular, 11)
    c.drawString(left, 52 * mm, f"{labels['issued']}: {issued_on}")
    c.drawString(left, 45 * mm, f"{labels['expires']}: {expires_on or labels['no_expiry']}")
    c.drawString(left, 38 * mm, f"{labels['code']}: ")
    c.setFont(bold, 12)
    c.drawString(left + c.stringWidth(f"{labels['code']}: ", regular, 11), 38 * mm, display_code)
    c.setFont(regular, 8.5)
    c.setFillColorRGB(*GREY)
    c.drawString(left, 30 * mm, f"{labels['scan']} {verify_url}")
    qr_size = 34 * mm
    _draw_qr(c, qr_content or verify_url, PAGE_WIDTH / 2 - qr_size / 2, 22 * mm, qr_size)


def _draw_signature(pen: _Pen, layout: CertificateLayout, *, issued_on: str) -> None:
    """Bottom-right: place and date, signatory, signature and seal."""
    c, regular, bold = pen.c, pen.regular, pen.bold
    right = PAGE_WIDTH - 70 * mm
    c.setFillColorRGB(0, 0, 0)
    if issued_on:
        c.setFont(regular, 11)
        c.drawCentredString(
            right, 64 * mm, place_and_date(layout.issuing_place, issued_on, pen.language)
        )
    _draw_image(c, layout.signature, right - 25 * mm, 34 * mm, 50 * mm, 16 * mm)
    _draw_image(c, layout.seal, right - 42 * mm, 26 * mm, 32 * mm, 32 * mm)
    c.setFont(bold, 12)
    c.drawCentredString(right, 58 * mm, layout.signatory_title.upper())
    c.setFont(regular, 10)
    c.drawCentredString(right, 52 * mm, layout.issuer_name)
    if layout.signatory_name:
        c.setFont(bold, 13)
        c.drawCentredString(right, 30 * mm, layout.signatory_name)


# The page stream is a few kilobytes of drawing operators, mostly the QR code's squares: zlib's
# default level took three times as long as its fastest to save a few hundred bytes of 55 kB.
PAGE_STREAM_LEVEL = 1


def _save(c: canvas.Canvas, buffer: io.BytesIO) -> bytes:
    c.showPage()
    page = c._doc.Pages.pages[-1]
    # Compressed here at our level; reportlab only builds the stream when none is set.
    page.Contents = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])}),
        zlib.compress(page.stream.encode("utf8"), PAGE_STREAM_LEVEL),
        filters=[],
    )
    # Plain Flate streams: ASCII85 on top only makes the file larger and costs time.
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        c.save()
    finally:
        rl_config.useA85 = previous
    return buffer.getvalue()


def render_certificate(
    *,
    layout: CertificateLayout,
    language: str,
    full_name: str,
    agency_name: str,
    course_title: str,
    track: str,
    edition: str,
    issued_on: str,
    expires_on: str,
    code: str,
    display_code: str,
    verify_url: str,
    qr_content: str = "",
) -> bytes:
    """One certificate as PDF bytes. Dates arrive formatted (dd/mm/yyyy). The QR code holds
    `qr_content` (the verify address with a signed payload), or else `verify_url`."""
    regular, bold = register_fonts()
    language = "en" if language == "en" else "vi"
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    c.setTitle(f"{layout.title_vi if language == 'vi' else layout.title_en} – {full_name}")
    c.setAuthor(layout.issuer_name)
    c.setSubject(code)
    pen = _Pen(c=c, regular=regular, bold=bold, labels=LABELS[language], language=language)
    _draw_frame(pen, layout)
    _draw_heading(pen, layout)
    y = _draw_recipient(pen, full_name=full_name, agency_name=agency_name)
    _draw_course(pen, y, course_title=course_title, track=track, edition=edition)
    _draw_dates_and_code(
        pen,
        issued_on=issued_on,
        expires_on=expires_on,
        display_code=display_code,
        verify_url=verify_url,
        qr_content=qr_content,
    )
    _draw_signature(pen, layout, issued_on=issued_on)
    return _save(c, buffer)

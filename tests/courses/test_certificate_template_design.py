"""Certificate templates the DOST designs: images, place and date, legal basis, preview."""

import io

import pypdf
import pytest

from django.core.files.images import ImageFile

from wagtail.images.models import Image

from courses.certificates.pdf import (
    COURSE_FLOOR,
    NAME_FLOOR,
    NAME_SIZE,
    PAGE_WIDTH,
    fit_lines,
    place_and_date,
)
from courses.certificates.services import (
    SAMPLE_COURSE_TITLE,
    SAMPLE_FULL_NAME,
    certificate_sample_pdf_bytes,
)
from courses.models import CertificateTemplate
from lms.core.pdf_fonts import register_fonts
from tests.fixtures.certificates import background_png, pdf_page_images

PREVIEW_URL = "/admin/snippets/courses/certificatetemplate/preview/{}/"


def _text(pdf: bytes) -> str:
    return " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def _image(title: str, colour=(200, 30, 30)) -> Image:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGBA", (120, 120), (*colour, 255)).save(buffer, format="PNG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.png"))


@pytest.fixture
def designed_template(db):
    return CertificateTemplate.objects.create(
        name="Mẫu Sở KH&CN",
        signatory_name="Trần Văn Hùng",
        issuing_place="Vĩnh Phúc",
        legal_basis_vi="Căn cứ Quyết định số 123/QĐ-SKHCN ngày 02/01/2026",
        legal_basis_en="Pursuant to Decision No. 123/QĐ-SKHCN of 2 January 2026",
    )


def test_sample_pdf_prints_the_longest_name_whole_with_place_date_and_legal_basis(
    designed_template,
):
    text = _text(certificate_sample_pdf_bytes(template=designed_template))
    assert SAMPLE_FULL_NAME in text
    assert "Vĩnh Phúc, ngày" in text and "tháng" in text and "năm" in text
    assert "Căn cứ Quyết định số 123/QĐ-SKHCN" in text
    assert "Trần Văn Hùng" in text
    english = _text(certificate_sample_pdf_bytes(template=designed_template, language="en"))
    assert "Pursuant to Decision No. 123" in english


def test_long_name_shrinks_and_long_course_title_wraps_inside_the_page():
    _, bold = register_fonts()
    text_width = PAGE_WIDTH - 70 * 72 / 25.4
    size, lines = fit_lines(SAMPLE_FULL_NAME, bold, NAME_SIZE, NAME_FLOOR, text_width)
    assert NAME_FLOOR <= size < NAME_SIZE and lines == [SAMPLE_FULL_NAME]
    size, lines = fit_lines(SAMPLE_COURSE_TITLE, bold, 18, COURSE_FLOOR, text_width)
    assert size == COURSE_FLOOR and len(lines) >= 2
    assert " ".join(lines) == SAMPLE_COURSE_TITLE
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert all(stringWidth(line, bold, size) <= text_width for line in lines)
    huge = " ".join([SAMPLE_FULL_NAME] * 3)
    size, lines = fit_lines(huge, bold, NAME_SIZE, NAME_FLOOR, text_width)
    assert size == NAME_FLOOR and len(lines) > 1
    assert all(stringWidth(line, bold, size) <= text_width for line in lines)


def test_wrapped_course_title_is_printed_in_full(designed_template):
    text = _text(certificate_sample_pdf_bytes(template=designed_template))
    assert "cơ quan hành chính nhà nước cấp xã" in text
    assert "TCVN ISO 9001:2015 vào hoạt động" in text or "TCVN ISO 9001:2015" in text


def test_place_and_date_in_both_languages():
    assert place_and_date("Vĩnh Phúc", "05/03/2026", "vi") == (
        "Vĩnh Phúc, ngày 05 tháng 03 năm 2026"
    )
    assert place_and_date("Vĩnh Phúc", "05/03/2026", "en") == "Vĩnh Phúc, 5 March 2026"


def test_logo_signature_and_seal_are_drawn_when_set(designed_template):
    assert pdf_page_images(certificate_sample_pdf_bytes(template=designed_template)) == []
    designed_template.logo = _image("bieu-trung", (10, 60, 140))
    designed_template.signature = _image("chu-ky", (0, 0, 120))
    designed_template.seal = _image("con-dau", (210, 20, 20))
    designed_template.background = Image.objects.create(
        title="nen", file=ImageFile(io.BytesIO(background_png()), name="nen.png")
    )
    designed_template.save()
    images = pdf_page_images(certificate_sample_pdf_bytes(template=designed_template))
    assert len(images) == 4


def test_officer_previews_a_template_as_a_pdf(client, officer, designed_template):
    client.force_login(officer)
    url = PREVIEW_URL.format(designed_template.pk)
    form = {
        "name": designed_template.name,
        "title_vi": "GIẤY CHỨNG NHẬN XEM TRƯỚC",
        "title_en": "CERTIFICATE",
        "issuer_name": designed_template.issuer_name,
        "signatory_name": "Trần Văn Hùng",
        "signatory_title": "Giám đốc",
        "issuing_place": "Vĩnh Phúc",
        "legal_basis_vi": "",
        "legal_basis_en": "",
    }
    assert client.post(url, form).json()["is_valid"] is True
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "GIẤY CHỨNG NHẬN XEM TRƯỚC" in text
    assert SAMPLE_FULL_NAME in text


def test_trainee_cannot_preview_a_template(client, trainee, designed_template):
    client.force_login(trainee)
    response = client.get(PREVIEW_URL.format(designed_template.pk))
    assert response.status_code in {302, 403}

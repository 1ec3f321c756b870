"""The forms lessons link to are real Word, Excel and PDF files, not Markdown."""

import io

import docx
import openpyxl
import pypdf
import pytest

from django.core.management import call_command

from wagtail.documents import get_document_model

from courses.models import LessonPage

pytestmark = pytest.mark.django_db


def _text(document) -> str:
    with document.file.open("rb") as handle:
        data = handle.read()
    name = document.file.name
    if name.endswith(".docx"):
        word = docx.Document(io.BytesIO(data))
        cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    if name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert name.endswith(".pdf"), name
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_demo_forms_open_in_office_readers_with_their_vietnamese_text():
    call_command("load_demo", verbosity=0)

    Document = get_document_model()
    by_title = {d.title: d for d in Document.objects.all()}
    expected = {
        "mau-quy-trinh": (
            ".docx",
            [
                "MẪU QUY TRÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                "Trình tự xử lý công việc",
                "Tiếp nhận, kiểm tra hồ sơ",
            ],
        ),
        "checklist-danh-gia-noi-bo": (
            ".xlsx",
            [
                "PHIẾU GHI CHÉP ĐÁNH GIÁ NỘI BỘ (CHECKLIST)",
                "Bằng chứng khách quan",
                "Chọn ngẫu nhiên 5 hồ sơ",
            ],
        ),
        "phieu-hanh-dong-khac-phuc": (
            ".pdf",
            ["PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC", "Phân tích nguyên nhân", "Đánh giá nội bộ"],
        ),
    }
    for title, (suffix, phrases) in expected.items():
        document = by_title[title]
        assert document.file.name.endswith(suffix)
        text = " ".join(_text(document).split())
        for phrase in phrases:
            assert phrase in text, (title, phrase)
        assert "**" not in text and "|---" not in text

    linked = {
        block["value"]["document"]
        for lesson in LessonPage.objects.all()
        for block in lesson.body.raw_data
        if block["type"] == "document"
    }
    assert {by_title[title].pk for title in expected} <= linked
    assert not any(Document.objects.get(pk=pk).file.name.endswith(".md") for pk in linked)

    count = Document.objects.count()
    call_command("load_demo", verbosity=0)
    assert Document.objects.count() == count

"""Word and Excel banks through import_questions, export_questions, the admin import and the
demo loader, on real files."""

import io
import re
from io import StringIO
from pathlib import Path

import docx
import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from quizzes import demo
from quizzes.models import Question, QuestionBank, QuestionCategory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLES = FIXTURES / "question_banks"
WORD = SAMPLES / "iso9001_word.docx"
EXCEL = SAMPLES / "iso9001_excel.xlsx"
COMPARED = ("qtype", "name", "text", "text_format", "answers", "general_feedback", "default_mark")
URL = "/admin/questions/import/"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored(bank: str) -> list[tuple]:
    # The export writes the bank in category order.
    rows = Question.objects.filter(bank__name=bank).order_by("category__path", "pk")
    return [
        (*(getattr(q, f) for f in COMPARED), q.category.path if q.category else "") for q in rows
    ]


def broken_word() -> bytes:
    document = docx.Document()
    for text in ("Câu 1: Đủ", "A. x", "B. y", "Đáp án: A", "Câu 2: Thiếu đáp án", "A. x", "B. y"):
        document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def test_import_word_prints_counts_per_type_and_creates_categories(db):
    out, _err = run("import_questions", str(WORD), "--format", "docx", "--bank", "Word")
    assert "single_choice: 3" in out and "multiple_choice: 1" in out and "essay: 1" in out
    assert "Imported 8 question(s) into 'Word'" in out
    bank = QuestionBank.objects.get(name="Word")
    assert set(QuestionCategory.objects.filter(bank=bank).values_list("path", flat=True)) == {
        "Nhận thức chung",
        "Xây dựng hệ thống",
    }


def test_import_excel_dry_run_writes_nothing(db):
    out, _err = run(
        "import_questions", str(EXCEL), "--format", "xlsx", "--bank", "Excel", "--dry-run"
    )
    assert "matching: 1" in out and "6 question(s) would be imported" in out
    assert not QuestionBank.objects.exists()


def test_import_word_with_an_error_names_the_question_and_imports_nothing(db, tmp_path):
    path = tmp_path / "cau-hoi.docx"
    path.write_bytes(broken_word())
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import_questions",
            str(path),
            "--format",
            "docx",
            "--bank",
            "B",
            stderr=(err := StringIO()),
        )
    assert f"{path}:Câu 2: câu hỏi thiếu đáp án" in err.getvalue()
    assert not QuestionBank.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("sample", [WORD, EXCEL], ids=["word", "excel"])
def test_export_then_import_gives_back_the_same_questions(db, tmp_path, fmt, sample):
    source_fmt = sample.suffix[1:]
    run("import_questions", str(sample), "--format", source_fmt, "--bank", "Gốc")
    output = tmp_path / f"xuat.{fmt}"
    _out, err = run("export_questions", "--bank", "Gốc", "--format", fmt, "--output", str(output))
    assert "Wrote" in err and "not kept whole" not in err
    run("import_questions", str(output), "--format", fmt, "--bank", "Bản sao")
    assert stored("Bản sao") == stored("Gốc")


def test_export_word_needs_an_output_file(db):
    run("import_questions", str(WORD), "--format", "docx", "--bank", "Word")
    with pytest.raises(CommandError, match="--output"):
        run("export_questions", "--bank", "Word", "--format", "docx")


def test_admin_previews_a_word_file_then_imports_it_on_confirm(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile(WORD.name, WORD.read_bytes())
    # "Định dạng" left at GIFT: the .docx file is read as Word all the same.
    preview = client.post(URL, {"file": upload, "fmt": "gift", "bank": "Ngân hàng Word"})
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "8 câu hỏi sẽ được nhập" in content and "Xác nhận nhập" in content
    # Question types by the names trainers know, not the stored codes.
    assert "Đúng/Sai" in content and "Một lựa chọn đúng" in content
    assert "true_false" not in content and "single_choice" not in content
    assert not Question.objects.exists()
    done = client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302
    assert QuestionBank.objects.get(name="Ngân hàng Word").questions.count() == 8


def test_admin_shows_excel_errors_by_row_and_offers_no_confirm(client, editor):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Tiêu đề"])
    book.active.append(["Câu hỏi", "A", "B", "Đáp án"])
    book.active.append(["Câu thiếu đáp án", "x", "y"])
    output = io.BytesIO()
    book.save(output)
    client.force_login(editor)
    upload = SimpleUploadedFile("cau-hoi.xlsx", output.getvalue())
    response = client.post(URL, {"file": upload, "fmt": "xlsx", "bank": "Hỏng"})
    content = response.content.decode()
    assert "Dòng 3: câu hỏi thiếu đáp án" in content
    assert "Xác nhận nhập" not in content
    assert not QuestionBank.objects.exists()


def test_admin_refuses_a_tampered_confirmation(client, editor):
    client.force_login(editor)
    response = client.post(
        URL,
        {"confirm": "1", "token": "gia-mao", "fmt": "docx", "bank": "X", "text": "UEsDBA=="},
        follow=True,
    )
    assert response.status_code == 200
    assert "hãy tải tệp câu hỏi lên lại" in response.content.decode()
    assert not QuestionBank.objects.exists()


def test_admin_word_format_needs_a_word_or_excel_file(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("cau-hoi.gift", "Câu hỏi {T}".encode())
    response = client.post(URL, {"file": upload, "fmt": "docx", "bank": "X"})
    assert "cần tệp .docx hoặc .xlsx" in response.content.decode()
    assert not QuestionBank.objects.exists()


def test_demo_imports_the_word_and_excel_samples_once(db):
    first = demo.load_office_bank(fixtures=FIXTURES, stdout=StringIO())
    again = demo.load_office_bank(fixtures=FIXTURES, stdout=StringIO())
    assert "14 questions imported" in first and "already loaded" in again
    assert QuestionBank.objects.get(name=demo.OFFICE_BANK).questions.count() == 14


def test_export_of_a_gift_bank_to_word_says_what_it_cannot_keep(db, tmp_path):
    gift = Path(__file__).parent / "files" / "vi_iso9001.gift"
    run("import_questions", str(gift), "--format", "gift", "--bank", "GIFT")
    output = tmp_path / "xuat.docx"
    _out, err = run(
        "export_questions", "--bank", "GIFT", "--format", "docx", "--output", str(output)
    )
    assert "question(s) are not kept whole in docx" in err
    out, _err = run("import_questions", str(output), "--format", "docx", "--bank", "Bản Word")
    assert "Imported 9 question(s)" in out


@pytest.mark.parametrize("sample", [WORD, EXCEL], ids=["word", "excel"])
def test_gift_export_of_an_office_bank_carries_the_same_answer_keys(db, tmp_path, sample):
    """A bank imported from the trainers' Word or Excel file goes on to Moodle as GIFT with the
    same right answers, marks split the same way, and the same feedback."""
    run("import_questions", str(sample), "--format", sample.suffix[1:], "--bank", "Gốc")
    output = tmp_path / "xuat.gift"
    run("export_questions", "--bank", "Gốc", "--format", "gift", "--output", str(output))
    run("import_questions", str(output), "--format", "gift", "--bank", "GIFT")

    def keys(bank):
        return [
            (
                q.qtype,
                q.text,
                [(a.get("text"), a.get("fraction"), a.get("feedback", "")) for a in q.answers],
                q.general_feedback,
            )
            for q in Question.objects.filter(bank__name=bank).order_by("category__path", "pk")
        ]

    assert keys("GIFT") == keys("Gốc")
    several_right = [
        [fraction for _text, fraction, _feedback in answers if fraction > 0]
        for qtype, _text, answers, _feedback in keys("GIFT")
        if qtype == "multiple_choice"
    ]
    # Several right options: marks split evenly, and still so after the trip through GIFT.
    for fractions in several_right:
        assert len(fractions) > 1 and len(set(fractions)) == 1
        assert sum(fractions) == pytest.approx(1)


def _broken_excel() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Ngân hàng câu hỏi ISO 9001"])
    book.active.append(["Câu hỏi", "A", "B", "Đáp án"])
    book.active.append(["Câu thiếu đáp án", "x", "y"])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("language", "word_place", "excel_place"),
    [("vi", "Câu 2", "dòng 3"), ("en", "Question 2", "row 3")],
)
def test_import_errors_name_the_question_or_the_sheet_row(
    db, tmp_path, language, word_place, excel_place
):
    from django.utils import translation

    word_file, excel_file = tmp_path / "cau-hoi.docx", tmp_path / "cau-hoi.xlsx"
    word_file.write_bytes(broken_word())
    excel_file.write_bytes(_broken_excel())
    for path, fmt, place in ((word_file, "docx", word_place), (excel_file, "xlsx", excel_place)):
        with translation.override(language), pytest.raises(CommandError, match="1 error"):
            call_command(
                "import_questions",
                str(path),
                "--format",
                fmt,
                "--bank",
                "B",
                stderr=(err := StringIO()),
            )
        assert err.getvalue().startswith(f"{path}:{place}: "), err.getvalue()
    assert not QuestionBank.objects.exists()


def large_word_with_an_image() -> bytes:
    """A real Word bank with a photo of a document, over 3 MB once saved (the noise in the
    picture does not compress), as trainers' banks with scanned forms are."""
    import os

    from PIL import Image

    picture = io.BytesIO()
    Image.frombytes("RGB", (1100, 1100), os.urandom(1100 * 1100 * 3)).save(picture, "PNG")
    document = docx.Document()
    document.add_paragraph("Câu 1: Biểu mẫu dưới đây là hồ sơ nào?")
    document.add_picture(io.BytesIO(picture.getvalue()))
    for text in ("A. Sổ tay chất lượng", "B. Phiếu yêu cầu khắc phục", "Đáp án: B"):
        document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def test_admin_imports_a_word_file_over_3_mb_through_preview_and_confirm(client, editor, settings):
    data = large_word_with_an_image()
    assert len(data) > 3 * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(editor)
    upload = SimpleUploadedFile("ngan-hang-co-hinh.docx", data)
    preview = client.post(URL, {"file": upload, "fmt": "docx", "bank": "Có hình"})
    assert preview.status_code == 200
    assert "1 câu hỏi sẽ được nhập" in preview.content.decode()
    # What the browser sends back is the confirm form's fields, as they are on the page.
    form = preview.content.decode().split("Xác nhận nhập")[0].rsplit("<form", 1)[1]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields |= dict(re.findall(r"<textarea name=\"(\w+)\" hidden>(.*?)</textarea>", form, re.S))
    done = client.post(URL, fields)
    assert done.status_code == 302
    assert len(form) < 2_000  # the file stays on the server; only its token comes back
    assert QuestionBank.objects.get(name="Có hình").questions.count() == 1
    # Confirmed once: the same token imports nothing a second time.
    again = client.post(URL, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "hãy tải tệp câu hỏi lên lại" in again.content.decode()
    assert Question.objects.count() == 1


def test_admin_confirm_of_another_persons_preview_imports_nothing(client, editor, make_user):
    from lms.accounts import roles

    client.force_login(editor)
    upload = SimpleUploadedFile("cau-hoi.docx", WORD.read_bytes())
    token = client.post(URL, {"file": upload, "fmt": "docx", "bank": "Của tôi"}).context["token"]
    assert token
    other = Client()
    other.force_login(make_user(roles.EDITOR, is_staff=True))
    response = other.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert response.status_code == 200
    assert "hãy tải tệp câu hỏi lên lại" in response.content.decode()
    assert not QuestionBank.objects.exists()
    # The person who previewed it can still confirm.
    assert client.post(URL, {"confirm": "1", "token": token}).status_code == 302
    assert QuestionBank.objects.get(name="Của tôi").questions.count() == 8

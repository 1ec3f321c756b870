"""Names are text in every file the site writes: no spreadsheet formula, no PDF markup.

People choose their own names and positions; agencies and courses are named by staff. Every
CSV/XLSX export is read back (csv, openpyxl) and every PDF's text extracted (pypdf).
"""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from django.core.management import call_command
from django.urls import reverse

from lms.accounts.models import Agency, User
from lms.core.exports import pdf_text, spreadsheet_cell

pytestmark = pytest.mark.django_db

# What a person may type, and the cell a spreadsheet must receive for it.
HOSTILE = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+1": "'+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "\tcmd": "'\tcmd",
    "\rcmd": "'\rcmd",
    "Nguyễn <b>Nhung": "Nguyễn <b>Nhung",
    '<img src="/etc/passwd"/>': '<img src="/etc/passwd"/>',
}


def _text(value):
    """XML (XLSX) stores a carriage return as a line feed; the quote before it is what counts."""
    return value.replace("\r", "\n") if isinstance(value, str) else value


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _xlsx(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _column(rows, heading_row: int, heading: str) -> list:
    index = list(rows[heading_row]).index(heading)
    return [_text(row[index]) for row in rows[heading_row + 1 :]]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        *HOSTILE.items(),
        ("Trần Văn Bình", "Trần Văn Bình"),
        ("", ""),
        (-2, -2),
        (-0.5, -0.5),
        (12, 12),
        (None, None),
    ],
)
def test_spreadsheet_cell_quotes_formula_text_and_keeps_numbers(value, cell):
    assert spreadsheet_cell(value) == cell


def test_pdf_text_escapes_reportlab_markup():
    assert pdf_text("Nguyễn <b>Nhung & co") == "Nguyễn &lt;b&gt;Nhung &amp; co"


# --- class attendance exports and the sign-in sheet ------------------------------------------


@pytest.fixture
def hostile_roster(class_session, make_user, agency_tree, add_member):
    """One person per hostile text, as their name and as their position. Stored by UPDATE: the
    model trims whitespace on save, a row written another way may still start with a tab."""
    people = []
    for text in HOSTILE:
        person = make_user(agency=agency_tree["department"])
        User.objects.filter(pk=person.pk).update(full_name=text, position=text)
        people.append(person)
    add_member(class_session.training_class, *people)
    return people


@pytest.mark.parametrize(
    "path",
    [
        "/classes/sessions/{session}/attendance.csv",
        "/classes/sessions/{session}/attendance.xlsx",
        "/classes/{training_class}/attendance.csv",
        "/classes/{training_class}/attendance.xlsx",
    ],
)
def test_attendance_exports_keep_names_and_positions_as_text(
    client, trainer, class_session, hostile_roster, path
):
    client.force_login(trainer)
    url = path.format(session=class_session.pk, training_class=class_session.training_class_id)
    response = client.get(url)

    assert response.status_code == 200
    rows = _csv(response.content) if url.endswith(".csv") else _xlsx(response.content)
    names = _column(rows, 0, "Họ và tên")
    positions = _column(rows, 0, "Chức vụ")
    expected = sorted(_text(cell) for cell in HOSTILE.values())
    assert sorted(names) == expected
    assert sorted(positions) == expected
    if url.endswith(".xlsx"):
        assert _column(rows, 0, "STT") == list(range(1, len(HOSTILE) + 1))


def test_sign_in_sheet_prints_names_as_typed(client, trainer, class_session, hostile_roster):
    client.force_login(trainer)
    response = client.get(f"/classes/sessions/{class_session.pk}/sign-in-sheet.pdf")

    assert response.status_code == 200
    assert b"/Subtype /Image" not in response.content  # no server file embedded
    text = _pdf_text(response.content)
    for name in HOSTILE:
        assert name.strip() in text
    assert response["Content-Disposition"] == (
        f'inline; filename="ky-ten-buoi-{class_session.pk}.pdf"'
    )


@pytest.mark.parametrize("name", list(HOSTILE))
def test_certificate_pdf_prints_the_name_as_typed(
    client, make_user, agency_tree, make_course, complete_course, name
):
    from courses.certificates.services import certificate_issue

    course = make_course(lessons=0, title='Khóa <b>ISO <img src="/etc/passwd"/>')
    person = make_user(agency=agency_tree["department"])
    User.objects.filter(pk=person.pk).update(full_name=name)
    person.refresh_from_db()
    complete_course(person, course)
    certificate = certificate_issue(user=person, course=course)

    client.force_login(person)
    response = client.get(reverse("certificates:download", args=[certificate.code]))

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert b"/Subtype /Image" not in content
    text = _pdf_text(content)
    assert name.strip() in text
    assert 'Khóa <b>ISO <img src="/etc/passwd"/>' in text


# --- coverage: dashboard export, command, Wagtail admin report --------------------------------


@pytest.fixture
def hostile_agencies(agency_tree):
    """One agency per hostile text, code H<n>, with a target of 7."""
    codes = {}
    for number, text in enumerate(HOSTILE, start=1):
        agency = Agency.objects.create(
            code=f"H{number}",
            name=f"Đơn vị {number}",
            kind="department",
            parent=agency_tree["province"],
            target_headcount=7,
        )
        Agency.objects.filter(pk=agency.pk).update(name=text)
        codes[f"H{number}"] = HOSTILE[text]
    return codes


def _check_coverage_rows(rows, heading_row: int, codes: dict) -> None:
    by_code = {row[0]: row for row in rows[heading_row + 1 :]}
    for code, cell in codes.items():
        assert _text(by_code[code][1]) == _text(cell)


def test_coverage_page_export_csv_and_xlsx(client, officer, hostile_agencies):
    client.force_login(officer)
    url = reverse("coverage:export")

    csv_rows = _csv(client.post(url, {"format": "csv"}).content)
    _check_coverage_rows(csv_rows, 0, hostile_agencies)
    xlsx = client.post(url, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].startswith('attachment; filename="do-bao-phu-')
    xlsx_rows = _xlsx(xlsx.content)
    _check_coverage_rows(xlsx_rows, 5, hostile_agencies)
    assert {row[4] for row in xlsx_rows[6:] if row[0] in hostile_agencies} == {7}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_coverage_report_command(tmp_path, hostile_agencies, file_format):
    output = tmp_path / f"bao-phu.{file_format}"
    call_command("coverage_report", "--format", file_format, "--output", str(output))

    content = output.read_bytes()
    if file_format == "csv":
        _check_coverage_rows(_csv(content), 0, hostile_agencies)
    else:
        _check_coverage_rows(_xlsx(content), 5, hostile_agencies)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_wagtail_coverage_report_export(client, officer, hostile_agencies, file_format):
    client.force_login(officer)
    response = client.get(reverse("coverage_report"), {"export": file_format})

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = _csv(content) if file_format == "csv" else _xlsx(content)
    _check_coverage_rows(rows, 0, hostile_agencies)
    assert response["Content-Disposition"] == f'attachment; filename="do-bao-phu.{file_format}"'
    if file_format == "xlsx":
        targets = _column(rows, 0, "Chỉ tiêu")
        assert all(isinstance(target, int) for target in targets)


# --- quiz item analysis -----------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_item_analysis_export_keeps_question_names_as_text(
    client, bank_quiz, question_bank, trainee, officer, file_format
):
    from quizzes.models import QuestionType
    from quizzes.services import attempt_start, attempt_submit

    questions = list(
        question_bank.questions.exclude(
            qtype__in=[QuestionType.ESSAY, QuestionType.DESCRIPTION]
        ).order_by("pk")
    )
    renamed = dict(zip((q.pk for q in questions), HOSTILE, strict=False))
    for pk, text in renamed.items():
        question_bank.questions.filter(pk=pk).update(name=text)
    attempt_submit(attempt=attempt_start(user=trainee, quiz=bank_quiz), responses={})

    client.force_login(officer)
    url = reverse("quizzes:item_analysis", args=[bank_quiz.pk])
    content = client.get(url, {"format": file_format}).content

    rows = _csv(content) if file_format == "csv" else _xlsx(content)
    names = _column(rows, 0, "Câu hỏi")
    assert {_text(HOSTILE[text]) for text in renamed.values()} <= set(names)
    if file_format == "xlsx":
        assert all(isinstance(count, int) for count in _column(rows, 0, "Số lượt"))


# --- agency directory (export_agencies and the admin download) --------------------------------


@pytest.mark.parametrize("extension", [".csv", ".xlsx"])
def test_agency_directory_export_quotes_formulas_and_reads_back_unchanged(
    tmp_path, agency_tree, extension
):
    for number, text in enumerate(HOSTILE, start=1):
        Agency.objects.create(
            code=f"H{number}", name=text, kind="department", parent=agency_tree["province"]
        )
    output = tmp_path / f"danh-muc{extension}"
    call_command("export_agencies", "--output", str(output), stdout=io.StringIO())

    content = output.read_bytes()
    rows = _csv(content) if extension == ".csv" else _xlsx(content)
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["H1"] == '\'=HYPERLINK("http://x","y")'
    assert (names["H2"], names["H3"], names["H4"]) == ("'+1", "'-2+3", "'@SUM(A1)")
    assert names["H7"] == "Nguyễn <b>Nhung"
    out = io.StringIO()
    call_command("import_agencies", str(output), stdout=out)
    assert "created: 0, updated: 0" in out.getvalue()
    assert Agency.objects.get(code="H1").name == '=HYPERLINK("http://x","y")'


def test_agency_directory_admin_download_quotes_formulas(client, officer, hostile_agencies):
    client.force_login(officer)
    response = client.get(reverse("accounts_agency_export"), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="danh-muc-don-vi.csv"'
    _check_coverage_rows(_csv(response.content), 0, hostile_agencies)

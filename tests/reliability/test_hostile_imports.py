"""A few kilobytes never take the server down: hostile CSV/XLSX files against every door that
reads them (the reader, the roster preview, bulk enrolment and `import_roster`).

Every hostile file is made here. Before the spreadsheet guard (lms.core.spreadsheets) the sparse
workbook made calamine allocate 512 GB and abort the process, the inflated one took seconds and
the 200 000-row CSV answered with a 12 MB page.
"""

import io
import resource
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.learning.roster_reader import read_roster
from courses.models import ClassMember, Enrolment
from lms.core.spreadsheets import ImportLimits, SpreadsheetRefused, check_workbook

ROOT = Path(__file__).resolve().parents[2]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Email</t></is></c></row>'
)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(rows: str, *, dimension: str | None = None, prolog: str = "") -> bytes:
    """An XLSX package written by hand: the sheet XML is exactly what the test says."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{HEADER_ROW}{rows}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, text in PARTS.items():
            package.writestr(name, text)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def sparse_workbook(dimension: str | None = None) -> bytes:
    """5 KB: a header and one cell at the sheet's last column and row."""
    return workbook('<row r="1048576">' + _cell("XFD1048576", "x") + "</row>", dimension=dimension)


def inflated_workbook() -> bytes:
    """About 30 KB on disk, 200 000 rows once inflated (rows and cells without references)."""
    return workbook('<row><c t="inlineStr"><is><t>Nguyễn Văn A</t></is></c></row>' * 200_000)


def numbered_workbook(rows: int) -> bytes:
    """Rows with references and different text: compresses like a real sheet, just too long."""
    body = "".join(
        f'<row r="{n}">{_cell(f"A{n}", f"Người {n}")}{_cell(f"B{n}", f"nguoi{n}@example.vn")}</row>'
        for n in range(2, rows + 2)
    )
    return workbook(body)


def lying_workbook() -> bytes:
    """The sheet's headers (local and central) declare 2 000 bytes; it inflates to megabytes,
    ending in a cell at XFD1048576. A reader that trusts the stream inflates all of it."""
    sheet = workbook(
        '<row><c t="inlineStr"><is><t>Nguyễn Văn A</t></is></c></row>' * 100_000
        + '<row r="1048576">'
        + _cell("XFD1048576", "x")
        + "</row>"
    )
    data = bytearray(sheet)
    with zipfile.ZipFile(io.BytesIO(sheet)) as package:
        info = package.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 2_000)  # local header: size
    name = info.filename.encode()
    central = data.find(b"PK\x01\x02", 0)
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 2_000)  # central directory: size
    return bytes(data)


def invalid_csv(rows: int) -> bytes:
    lines = ["Họ và tên,Email"] + [f"A{n},x{n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


HOSTILE_WORKBOOKS = {
    "sparse": sparse_workbook,
    "sparse_declared": lambda: sparse_workbook(dimension="A1:XFD1048576"),
    "sparse_lying_dimension": lambda: sparse_workbook(dimension="A1:B2"),
    "inflated": inflated_workbook,
    "too_many_rows": lambda: numbered_workbook(30_000),
    "lying_header": lying_workbook,
}


# --- the guard ---------------------------------------------------------------------------


def test_hostile_files_are_small():
    assert len(sparse_workbook()) < 5_000
    assert len(inflated_workbook()) < 40_000
    assert len(invalid_csv(200_000)) < 6_000_000


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("sparse", "too_many_rows"),
        ("sparse_declared", "too_many_rows"),
        ("sparse_lying_dimension", "too_many_rows"),
        ("inflated", "archive_too_large"),
        ("too_many_rows", "too_many_rows"),
        ("lying_header", "archive_too_large"),
    ],
)
def test_guard_refuses_hostile_workbook_quickly(name, code):
    data = HOSTILE_WORKBOOKS[name]()
    started = time.monotonic()

    with pytest.raises(SpreadsheetRefused) as refused:
        check_workbook(data, limits=ImportLimits())

    assert refused.value.code == code
    assert time.monotonic() - started < 5


def test_guard_refuses_wide_sheet_and_doctype():
    wide = workbook('<row r="2">' + _cell("AZ2", "x") + "</row>")
    with pytest.raises(SpreadsheetRefused) as refused:
        check_workbook(wide, limits=ImportLimits())
    assert refused.value.code == "too_many_columns"

    bomb = workbook(
        "<row><c><v>&b;</v></c></row>",
        prolog='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    )
    with pytest.raises(SpreadsheetRefused) as refused:
        check_workbook(bomb, limits=ImportLimits())
    assert refused.value.code == "archive_damaged"


def test_guard_accepts_a_real_class_list_of_the_maximum_size():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Email", "Đơn vị", "Chức vụ", "Số điện thoại"])
    for n in range(19_999):
        sheet.append([f"Nguyễn Văn {n}", f"a{n}@example.vn", "Sở Tư pháp", "Chuyên viên", "0912"])
    buffer = io.BytesIO()
    book.save(buffer)

    check_workbook(buffer.getvalue(), limits=ImportLimits())  # does not raise


def test_reader_refuses_csv_beyond_the_caps():
    many = read_roster(invalid_csv(200_000), "list.csv")
    wide = read_roster(b"Email" + b"," * 100 + b"x\na@example.vn\n", "list.csv")
    padded = read_roster(
        b"Email" + b"," * 100 + b"\na@example.vn" + b"," * 100 + b"\n", "l.csv", required=("email",)
    )

    assert [(e.row, e.code) for e in many.errors] == [(0, "too_many_rows")]
    assert [(e.row, e.code) for e in wide.errors] == [(0, "too_many_columns")]
    assert padded.errors == [] and padded.rows[0].email == "a@example.vn"  # Excel's ",,,"


# --- no input file kills a process ---------------------------------------------------------


def _database_url(tmp_path) -> str:
    """The test database, reachable from a child process (SQLite: a copy in a file)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = tmp_path / "db.sqlite3"
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _limit_memory():
    limit = 1536 * 1024 * 1024  # 1.5 GB of address space: far below what calamine asked for
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("import_roster", "sparse"),
        ("import_roster", "lying_header"),
        ("import_roster", "csv"),
        ("import_agencies", "sparse"),
        ("import_plans", "lying_header"),
    ],
)
def test_import_command_survives_hostile_file_under_memory_limit(
    command, name, class_session, tmp_path
):
    path = tmp_path / ("list.csv" if name == "csv" else "list.xlsx")
    path.write_bytes(invalid_csv(200_000) if name == "csv" else HOSTILE_WORKBOOKS[name]())
    options = ["--session", str(class_session.pk)] if command == "import_roster" else []

    started = time.monotonic()
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", command, str(path), *options],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": _database_url(tmp_path),
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
        preexec_fn=_limit_memory,  # noqa: PLW1509
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 1, finished.stderr[-2000:]  # not killed by a signal
    assert "Traceback" not in finished.stderr
    assert "CommandError" in finished.stderr or "error(s); nothing written" in finished.stderr
    assert len(finished.stderr) < 2_000
    assert any(word in finished.stderr for word in ("hơn 20000 dòng", "giải nén ra quá lớn"))
    assert time.monotonic() - started < 60  # the child starts Django; the refusal is instant


# --- web doors: a short page, at once ------------------------------------------------------


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("name", list(HOSTILE_WORKBOOKS))
def test_roster_preview_refuses_hostile_workbook(client, trainer, class_session, name):
    client.force_login(trainer)
    started = time.monotonic()

    response = client.post(
        f"/classes/sessions/{class_session.pk}/roster/",
        {"file": _upload("danh-sach.xlsx", HOSTILE_WORKBOOKS[name]())},
    )

    assert time.monotonic() - started < 5
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert len(page) < 20_000
    assert "hơn 20000 dòng" in page or "giải nén ra quá lớn" in page
    assert not ClassMember.objects.exists()


def test_roster_preview_of_200_000_invalid_rows_is_short(client, trainer, class_session):
    client.force_login(trainer)
    started = time.monotonic()

    response = client.post(
        f"/classes/sessions/{class_session.pk}/roster/",
        {"file": _upload("danh-sach.csv", invalid_csv(200_000))},
    )

    assert time.monotonic() - started < 5
    page = response.content.decode()
    assert len(page) < 20_000
    assert "tệp có hơn 20000 dòng" in page


def test_roster_preview_lists_50_errors_and_counts_the_rest(client, trainer, class_session):
    client.force_login(trainer)

    response = client.post(
        f"/classes/sessions/{class_session.pk}/roster/",
        {"file": _upload("danh-sach.csv", invalid_csv(5_000))},
    )

    page = response.content.decode()
    assert len(page) < 30_000
    assert page.count("email không hợp lệ") == 50
    assert "và 4950 lỗi khác" in page


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("ghi-danh.xlsx", sparse_workbook),
        ("ghi-danh.xlsx", inflated_workbook),
        ("ghi-danh.xlsx", lying_workbook),
        ("ghi-danh.csv", lambda: invalid_csv(200_000)),
    ],
)
def test_bulk_enrolment_refuses_hostile_file(client, trainer, course, filename, make):
    client.force_login(trainer)
    url = f"/courses/{course.pk}/enrolments/"
    empty_page = len(client.get(url).content.decode())
    started = time.monotonic()

    response = client.post(url, {"action": "bulk", "bulk-file": _upload(filename, make())})

    assert time.monotonic() - started < 5
    assert response.status_code == 400
    page = response.content.decode()
    # One message on the page, not a line per row: the page is about the size of the empty one.
    assert len(page) < empty_page + 2_000
    assert "hơn 20000 dòng" in page or "giải nén ra quá lớn" in page
    assert not Enrolment.objects.exists()


def test_bulk_enrolment_lists_50_errors_and_counts_the_rest(client, trainer, course):
    client.force_login(trainer)

    response = client.post(
        f"/courses/{course.pk}/enrolments/",
        {"action": "bulk", "bulk-file": _upload("ghi-danh.csv", invalid_csv(5_000))},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert len(page) < 30_000
    assert page.count("không hợp lệ") == 50
    assert "và 4950 lỗi khác" in page


# --- the directory and plan importers read through lms.core.tables ---------------------------


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("danh-muc.xlsx", sparse_workbook),
        ("danh-muc.xlsx", lying_workbook),
        ("danh-muc.csv", lambda: invalid_csv(200_000)),
    ],
)
def test_table_reader_refuses_hostile_files(filename, make):
    from lms.core.tables import TableError, read_table

    with pytest.raises(TableError) as refused:
        read_table(make(), filename)

    assert refused.value.code in ("too_many_rows", "archive_too_large")


def test_agency_directory_upload_refuses_sparse_workbook(client, officer):
    client.force_login(officer)

    response = client.post(
        "/admin/agencies/import/", {"file": _upload("danh-muc.xlsx", sparse_workbook())}
    )

    page = response.content.decode()
    assert "hơn 20000 dòng" in page
    assert len(page) < 100_000  # the Wagtail admin frame alone is most of it


def test_agency_directory_upload_lists_50_errors_and_counts_the_rest(client, officer):
    client.force_login(officer)
    lines = ["Mã đơn vị,Tên đơn vị,Loại"] + [f"X{n},Đơn vị {n},không rõ" for n in range(3_000)]

    response = client.post(
        "/admin/agencies/import/",
        {"file": _upload("danh-muc.csv", ("\n".join(lines) + "\n").encode())},
    )

    page = response.content.decode()
    assert "lỗi khác" in page
    assert page.count("<li>Dòng ") == 50


def test_workbook_claiming_a_newer_zip_version_is_refused_not_raised():
    """Found by the slow fuzzer: a header byte changed to "version 6.4" made zipfile raise
    NotImplementedError out of the reader."""
    import io
    import zipfile

    from openpyxl import Workbook

    from courses.learning.roster_reader import read_roster

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Họ và tên", "Email"])
    book.save(buffer)
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")  # the last central directory entry
    data[central + 6] = 64  # "version needed to extract": 6.4
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
    result = read_roster(bytes(data), "ds.xlsx")
    assert [error.code for error in result.errors] == ["not_xlsx"]

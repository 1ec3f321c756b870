"""Every upload form refuses files of the wrong type, oversize files and disguised files
with a clear Vietnamese message, writes nothing and never answers 500."""

import os
from pathlib import Path

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.classes.roster import ROSTER_UPLOADS
from courses.models import ClassMember, Enrolment
from lms.core.storage import private
from lms.core.uploads import check_upload
from quizzes.models import Question, QuestionBank

pytestmark = pytest.mark.django_db

ROSTER_FILES = Path(__file__).parents[1] / "courses" / "files"
QUIZ_FILES = Path(__file__).parents[1] / "quizzes" / "files"
OVERSIZE = b"Email\n" + b"a" * (5 * 1024 * 1024)

BAD_SHEETS = [
    pytest.param("danh-sach.exe", b"MZ\x90\x00", "không đúng loại", id="wrong-extension"),
    pytest.param("danh-sach.csv", OVERSIZE, "quá lớn", id="oversize"),
    pytest.param("danh-sach.xlsx", os.urandom(4096), "không phải bảng tính Excel", id="fake-xlsx"),
    pytest.param(
        "danh-sach.csv", b"\x7fELF\x00\x00\x01", "không phải tệp văn bản", id="binary-csv"
    ),
]


def _stored_roster_uploads() -> list[str]:
    if not private.exists(ROSTER_UPLOADS):
        return []
    return private.listdir(ROSTER_UPLOADS)[1]


@pytest.mark.parametrize(("name", "data", "message"), BAD_SHEETS)
def test_roster_upload_refuses_bad_files(client, trainer, class_session, name, data, message):
    client.force_login(trainer)
    before = _stored_roster_uploads()
    response = client.post(
        f"/classes/sessions/{class_session.pk}/roster/",
        {"file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored_roster_uploads() == before
    assert not ClassMember.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), BAD_SHEETS)
def test_bulk_enrolment_refuses_bad_files(client, trainer, course, name, data, message):
    client.force_login(trainer)
    response = client.post(
        reverse("courses:enrolments", args=[course.pk]),
        {"action": "bulk", "bulk-file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enrolment.objects.exists()


def _xlsx_bytes() -> bytes:
    return (ROSTER_FILES / "import_title_rows.xlsx").read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("cau-hoi.pdf", b"%PDF-1.4", "không đúng loại", id="wrong-extension"),
        pytest.param("cau-hoi.xlsx", b"PK\x03\x04", "không phải bảng tính", id="broken-xlsx"),
        pytest.param("cau-hoi.docx", b"PK\x03\x04", "không phải tài liệu Word", id="broken-docx"),
        pytest.param("cau-hoi.docx", _xlsx_bytes(), "không phải tài liệu Word", id="xlsx-as-docx"),
        pytest.param("cau-hoi.gift", b"::Q:: x {T}\n" * 500_000, "quá lớn", id="oversize"),
        pytest.param(
            "cau-hoi.txt", os.urandom(2048) + b"\x00", "không phải tệp văn bản", id="binary"
        ),
    ],
)
def test_question_import_refuses_bad_files(client, editor, name, data, message):
    client.force_login(editor)
    response = client.post(
        "/admin/questions/import/",
        {"file": SimpleUploadedFile(name, data), "fmt": "gift", "bank": "Ngân hàng thử"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not QuestionBank.objects.exists() and not Question.objects.exists()


def test_check_upload_accepts_real_files_and_rewinds_them():
    for path, allowed in [
        (ROSTER_FILES / "import_title_rows.xlsx", (".csv", ".xlsx")),
        (ROSTER_FILES / "import_bom.csv", (".csv", ".xlsx")),
        (QUIZ_FILES / "vi_iso9001.gift", (".gift", ".txt")),
    ]:
        data = path.read_bytes()
        upload = SimpleUploadedFile(path.name, data)
        check_upload(upload, allowed=allowed)
        assert upload.read() == data

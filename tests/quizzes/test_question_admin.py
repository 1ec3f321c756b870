"""Wagtail admin: question snippets and the "Nhập câu hỏi" upload → preview → confirm view."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Question, QuestionBank

FILES = Path(__file__).parent / "files"
URL = "/admin/questions/import/"


def upload(name):
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def test_import_view_previews_then_imports_on_confirm(client, editor):
    client.force_login(editor)
    preview = client.post(
        URL, {"file": upload("vi_iso9001_crlf_bom.gift"), "fmt": "gift", "bank": "Ngân hàng A"}
    )
    content = preview.content.decode()
    assert preview.status_code == 200
    assert "9 câu hỏi sẽ được nhập" in content and "Số nguyên tắc" in content
    assert not Question.objects.exists()
    done = client.post(URL, {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302
    assert QuestionBank.objects.get(name="Ngân hàng A").questions.count() == 9
    listing = client.get(reverse("wagtailsnippets_quizzes_question:list") + "?qtype=matching")
    assert listing.status_code == 200 and "Tài liệu và hồ sơ" in listing.content.decode()


def test_import_view_shows_errors_by_line_and_offers_no_confirm(client, editor):
    client.force_login(editor)
    response = client.post(
        URL, {"file": upload("aiken_malformed.txt"), "fmt": "aiken", "bank": "Hỏng"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dòng " in content and "Xác nhận nhập" not in content
    assert not QuestionBank.objects.exists()


def test_import_view_rejects_a_file_that_is_not_utf8(client, editor):
    client.force_login(editor)
    bad = SimpleUploadedFile("latin.gift", "Câu hỏi {T}".encode("utf-16"))
    response = client.post(URL, {"file": bad, "fmt": "gift", "bank": "X"})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    assert not QuestionBank.objects.exists()


def test_import_view_is_closed_to_trainees(client, trainee, trainer):
    for user in (trainee, trainer):
        client.force_login(user)
        assert client.get(URL).status_code in (302, 403)

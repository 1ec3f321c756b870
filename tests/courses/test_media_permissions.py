"""The content team uploads its own images and documents (no superuser needed)."""

import io

import pytest
from PIL import Image as PILImage

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return SimpleUploadedFile("so-do-qms.png", buffer.getvalue(), content_type="image/png")


def test_collections_for_lessons_and_certificate_artwork_exist(db):
    names = set(Collection.objects.values_list("name", flat=True))
    assert {"Bài học", "Chứng nhận"} <= names


def test_editor_uploads_and_chooses_an_image_for_a_lesson(client, editor):
    client.force_login(editor)
    lessons = Collection.objects.get(name="Bài học")
    response = client.post(
        "/admin/images/add/",
        {"title": "Sơ đồ QMS", "file": _png(), "collection": lessons.pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    image = get_image_model().objects.get(title="Sơ đồ QMS")
    assert image.collection == lessons
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == 200 and "Sơ đồ QMS" in chooser.json()["html"]


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("mau-bieu.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        # The lesson video block plays a self-hosted mp4/webm from the document library.
        ("bai-giang.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
        ("bai-giang.webm", b"\x1aE\xdf\xa3\x9fB\x86\x81\x01", "video/webm"),
    ],
)
def test_editor_uploads_a_document(client, editor, name, content, content_type):
    client.force_login(editor)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(
        "/admin/documents/add/",
        {"title": "Mẫu biểu", "file": upload, "collection": Collection.get_first_root_node().pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert get_document_model().objects.get(title="Mẫu biểu").file.name.endswith(name[-4:])


def test_officer_uploads_certificate_artwork_only_where_it_belongs(client, officer):
    client.force_login(officer)
    certificates = Collection.objects.get(name="Chứng nhận")
    response = client.post(
        "/admin/images/add/",
        {"title": "Nền chứng nhận", "file": _png(), "collection": certificates.pk},
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="Nền chứng nhận").collection == certificates
    assert client.get("/admin/documents/add/").status_code in (302, 403)


def test_trainee_cannot_upload(client, trainee):
    client.force_login(trainee)
    response = client.post("/admin/images/add/", {"title": "x", "file": _png()})
    assert response.status_code in (302, 403)
    assert not get_image_model().objects.exists()

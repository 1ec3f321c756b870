"""Importing SCORM packages through the command and the Wagtail admin; hostile packages are
refused with a Vietnamese message and leave nothing behind."""

import io
import re
import zipfile

import pytest

from django.core.management import CommandError, call_command

from courses.models import ScormLessonPage, ScormPackage
from courses.scorm.package import PackageRefused, inspect_package, scorm_limits

from .conftest import build_zip, scorm_12_zip, scorm_2004_zip

MANIFEST_12 = (
    '<manifest xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><organizations>'
    '<organization identifier="o"><item identifier="i" identifierref="r"/></organization>'
    '</organizations><resources><resource identifier="r" adlcp:scormtype="sco" href="a.html"/>'
    "</resources></manifest>"
)


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _import(tmp_path, data: bytes, course, *extra):
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    call_command("import_scorm", str(path), "--parent", str(course.pk), *extra)


def test_scorm_12_package_imports_with_the_command(tmp_path, course, private_storage):
    _import(tmp_path, scorm_12_zip(), course, "--title", "Ôn tập SCORM")
    lesson = ScormLessonPage.objects.child_of(course).get()
    assert lesson.live and lesson.title == "Ôn tập SCORM"
    package = lesson.package
    assert (package.version, package.launch, package.file_count) == ("1.2", "index.html", 4)
    assert package.title == "Ôn tập: bảy nguyên tắc quản lý chất lượng"
    assert _files(private_storage) == [
        f"scorm/{package.sha256}/{name}"
        for name in ("imsmanifest.xml", "index.html", "lesson.css", "lesson.js")
    ]


def test_scorm_2004_package_launches_its_first_sco_with_parameters(tmp_path, course):
    _import(tmp_path, scorm_2004_zip(), course)
    package = ScormLessonPage.objects.child_of(course).get().package
    assert package.version == "2004"
    assert package.launch == "content/start.html?lang=vi"
    assert package.title == "Đánh giá nội bộ"


def test_the_same_zip_imported_twice_is_one_package(tmp_path, course):
    _import(tmp_path, scorm_12_zip(), course)
    _import(tmp_path, scorm_12_zip(), course)
    assert ScormPackage.objects.count() == 1
    assert ScormLessonPage.objects.child_of(course).count() == 2


BOMB = b"\0" * (2 * 1024 * 1024)  # inflates ~1000 times its compressed size
HOSTILE = {
    "zip-slip": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "../../evil.html": "x"},
        (),
        "đường dẫn không an toàn",
    ),
    "absolute-path": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "/etc/cron.d/evil": "x"},
        (),
        "đường dẫn không an toàn",
    ),
    "windows-path": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "..\\evil.html": "x"},
        (),
        "đường dẫn không an toàn",
    ),
    "symlink": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "link.html": "/etc/passwd"},
        ("link.html",),
        "liên kết (symlink)",
    ),
    "zip-bomb": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "video.mp4": BOMB},
        (),
        "nén bất thường",
    ),
    "missing-manifest": ({"a.html": "x"}, (), "không có tệp imsmanifest.xml"),
    "manifest-in-a-folder": (
        {"course/imsmanifest.xml": MANIFEST_12, "course/a.html": "x"},
        (),
        "không có tệp imsmanifest.xml",
    ),
    "duplicate-names": (
        {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "A.html": "y"},
        (),
        "trùng tên",
    ),
    "entity-expansion": (
        {
            "imsmanifest.xml": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>'
            + MANIFEST_12.replace("<organizations>", "<organizations>&a;"),
            "a.html": "x",
        },
        (),
        "khai báo DOCTYPE",
    ),
    "launch-page-missing": ({"imsmanifest.xml": MANIFEST_12}, (), "không có trong gói"),
    "no-sco": (
        {"imsmanifest.xml": MANIFEST_12.replace('"sco"', '"asset"'), "a.html": "x"},
        (),
        "không chỉ ra bài học",
    ),
    "not-a-zip": (None, (), "không phải gói ZIP"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_package_is_refused_and_nothing_is_written(case, tmp_path, course, private_storage):
    members, links, message = HOSTILE[case]
    data = b"PK\x03\x04 not really" if members is None else build_zip(members, symlinks=links)
    with pytest.raises(CommandError, match=re.escape(message)):
        _import(tmp_path, data, course)
    assert _files(private_storage) == []
    assert not ScormPackage.objects.exists()
    assert not ScormLessonPage.objects.exists()


def test_members_that_lie_about_their_size_are_refused():
    data = bytearray(build_zip({"imsmanifest.xml": MANIFEST_12, "a.html": "x" * 5000}))
    # Central directory entry of a.html claims 10 bytes: the inflated 5000 do not fit.
    offset = data.rfind(b"a.html") - 46 + 24
    data[offset : offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(PackageRefused) as refused:
        inspect_package(bytes(data), limits=scorm_limits())
    assert refused.value.code in ("archive_too_large", "archive_damaged")


def test_titles_are_stored_in_nfc(course):
    """A manifest written on macOS spells Vietnamese decomposed; so may a typed --title."""
    import unicodedata

    from courses.scorm.services import scorm_lesson_import

    decomposed = unicodedata.normalize("NFD", "Đánh giá  nội bộ")
    manifest = MANIFEST_12.replace(
        '<organization identifier="o">', f'<organization identifier="o"><title>{decomposed}</title>'
    )
    lesson = scorm_lesson_import(
        data=build_zip({"imsmanifest.xml": manifest, "a.html": "x"}), parent=course
    )
    assert lesson.title == lesson.package.title == "Đánh giá nội bộ"
    other = scorm_lesson_import(data=scorm_2004_zip(), parent=course, title=decomposed)
    assert other.title == "Đánh giá nội bộ"


def test_member_count_cap(settings):
    settings.SCORM_MAX_MEMBERS = 3
    members = {"imsmanifest.xml": MANIFEST_12, "a.html": "x", "b.css": "x", "c.js": "x"}
    with pytest.raises(PackageRefused) as refused:
        inspect_package(build_zip(members), limits=scorm_limits())
    assert refused.value.code == "archive_too_large"
    assert "3 tệp" in refused.value.message


def _tiny_members_zip(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"{number}", b"")
    return buffer.getvalue()


@pytest.mark.parametrize("lie_about_count", [False, True])
def test_many_tiny_members_are_refused_before_the_directory_is_read(
    monkeypatch, settings, lie_about_count
):
    """40 000 empty members are 4 MB of ZIP but 40 000 objects once zipfile reads them: the
    end record's count and the directory's size are checked first (a lying count is caught
    by the size)."""
    data = bytearray(_tiny_members_zip(40_000))
    if lie_about_count:
        end = data.rfind(b"PK\x05\x06")
        data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2

    def unread(*args, **kwargs):
        raise AssertionError("the central directory was read")

    monkeypatch.setattr(zipfile, "ZipFile", unread)
    with pytest.raises(PackageRefused) as refused:
        inspect_package(bytes(data), limits=scorm_limits())
    assert refused.value.code == "archive_too_large"


def _admin_form(title: str, upload=None, slug="bai-scorm") -> dict:
    data = {
        "title": title,
        "slug": slug,
        "intro": "",
        "estimated_minutes": "15",
        "is_required": "on",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    if upload is not None:
        data["package_upload"] = upload
    return data


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("goi.zip", data, content_type="application/zip")


def test_editor_uploads_a_package_in_the_wagtail_admin(client, editor, course, private_storage):
    client.force_login(editor)
    url = f"/admin/pages/add/courses/scormlessonpage/{course.pk}/"
    form = client.get(url).content
    assert b'name="package_upload"' in form and b'enctype="multipart/form-data"' in form
    response = client.post(url, _admin_form("Đánh giá nội bộ", _upload(scorm_2004_zip())))
    assert response.status_code == 302, response.content[:2000]
    lesson = ScormLessonPage.objects.child_of(course).get()
    assert lesson.live and lesson.package.version == "2004"
    assert _files(private_storage)


def test_editor_keeps_or_replaces_the_package_when_editing(client, editor, scorm_lesson):
    client.force_login(editor)
    url = f"/admin/pages/{scorm_lesson.pk}/edit/"
    first = scorm_lesson.package
    response = client.post(url, _admin_form("Ôn tập", slug=scorm_lesson.slug))
    assert response.status_code == 302
    scorm_lesson.refresh_from_db()
    assert scorm_lesson.title == "Ôn tập" and scorm_lesson.package == first
    upload = _upload(scorm_2004_zip())
    response = client.post(url, _admin_form("Ôn tập", upload, slug=scorm_lesson.slug))
    assert response.status_code == 302
    scorm_lesson.refresh_from_db()
    assert scorm_lesson.package != first and scorm_lesson.package.version == "2004"


def test_admin_refuses_a_hostile_upload_with_its_reason(client, editor, course, private_storage):
    client.force_login(editor)
    url = f"/admin/pages/add/courses/scormlessonpage/{course.pk}/"
    hostile = build_zip({"imsmanifest.xml": MANIFEST_12, "a.html": "x", "../x.html": "x"})
    response = client.post(url, _admin_form("Bài độc", _upload(hostile)))
    assert response.status_code == 200
    assert "đường dẫn không an toàn" in response.content.decode()
    assert not ScormLessonPage.objects.exists() and not ScormPackage.objects.exists()
    assert _files(private_storage) == []


def test_admin_requires_a_package_for_a_new_lesson(client, editor, course):
    client.force_login(editor)
    url = f"/admin/pages/add/courses/scormlessonpage/{course.pk}/"
    response = client.post(url, _admin_form("Bài trống"))
    assert response.status_code == 200
    assert "Hãy tải lên gói SCORM" in response.content.decode()
    assert not ScormLessonPage.objects.exists()


def test_load_demo_step_is_idempotent(make_course, settings):
    from courses.scorm.demo import load_scorm_lesson

    course = make_course(lessons=2, slug="nhan-thuc-iso-9001-2015")
    fixtures = settings.BASE_DIR / "fixtures"
    load_scorm_lesson(fixtures=fixtures, stdout=None)
    load_scorm_lesson(fixtures=fixtures, stdout=None)
    lesson = ScormLessonPage.objects.child_of(course).get()
    assert ScormPackage.objects.count() == 1
    assert [child.pk for child in course.get_children()][-1] == lesson.pk

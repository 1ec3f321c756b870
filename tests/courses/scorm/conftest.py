"""SCORM packages built in the test from real files: the demo fixture folder, a SCORM 2004
manifest, and hostile archives written byte by byte with zipfile."""

import io
import zipfile
from pathlib import Path

import pytest

from django.conf import settings as django_settings

DEMO_FOLDER = Path(django_settings.BASE_DIR) / "fixtures" / "scorm" / "nhan-thuc-iso-9001"

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="dost.iso9001.2004" version="1"
          xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Đánh giá nội bộ</title>
      <item identifier="intro" identifierref="shared"><title>Tài nguyên chung</title></item>
      <item identifier="sco" identifierref="sco-res" parameters="?lang=vi">
        <title>Bài học</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="shared" type="webcontent" adlcp:scormType="asset" href="shared/a.css">
      <file href="shared/a.css"/>
    </resource>
    <resource identifier="sco-res" type="webcontent" adlcp:scormType="sco"
              href="content/start.html">
      <file href="content/start.html"/>
    </resource>
  </resources>
</manifest>
"""


def build_zip(members: dict[str, bytes | str], *, symlinks=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o120777 if name in symlinks else 0o100644
            info.external_attr = mode << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def scorm_12_zip() -> bytes:
    from courses.scorm.demo import zip_folder

    return zip_folder(DEMO_FOLDER)


def scorm_2004_zip() -> bytes:
    return build_zip(
        {
            "imsmanifest.xml": MANIFEST_2004,
            "shared/a.css": "body { color: black; }",
            "content/start.html": "<!DOCTYPE html><html><head><title>Bài</title></head>"
            "<body><p>Đánh giá nội bộ</p></body></html>",
        }
    )


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test extracts into its own private folder, so "nothing written" can be checked."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def scorm_lesson(make_course):
    """A course whose only activity is the demo SCORM 1.2 lesson."""
    from courses.scorm.services import scorm_lesson_import

    course = make_course(lessons=0, title="Ôn tập nguyên tắc", slug="on-tap")
    return scorm_lesson_import(data=scorm_12_zip(), parent=course)


@pytest.fixture
def enrolled_trainee(trainee, scorm_lesson):
    from courses.learning.enrolment import enrolment_create

    enrolment_create(user=trainee, course=scorm_lesson.course, source="self")
    return trainee

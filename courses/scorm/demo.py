"""Demo step run by `load_demo`: a small SCORM 1.2 lesson in the awareness course, built from
the files in fixtures/scorm/. Running it again changes nothing (same ZIP, same page)."""

import io
import zipfile
from pathlib import Path

from django.db import transaction

from courses.learning.pages import CoursePage, LessonPage
from lms.core.demo import child_page_upsert

from .models import ScormLessonPage
from .services import scorm_package_import

FOLDER = "nhan-thuc-iso-9001"
COURSE_SLUG = "nhan-thuc-iso-9001-2015"
LESSON_SLUG = "on-tap-bay-nguyen-tac-scorm"


def zip_folder(folder: Path) -> bytes:
    """The folder as a ZIP with fixed dates and order: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), (2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


@transaction.atomic
def load_scorm_lesson(*, fixtures: Path, stdout) -> str:
    folder = fixtures / "scorm" / FOLDER
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None or not folder.is_dir():
        return "SCORM lesson: skipped (no awareness course or no fixtures/scorm)"
    package = scorm_package_import(data=zip_folder(folder))
    fields = {"title": package.title, "package": package, "estimated_minutes": 10}
    lesson = child_page_upsert(course, ScormLessonPage, LESSON_SLUG, fields)
    lesson.intro = "Bài ôn tập dạng gói SCORM 1.2: đọc hai trang rồi bấm “Tôi đã học xong”."
    lesson.save_revision().publish()
    # After the reading lessons, before the course's quiz.
    last_lesson = LessonPage.objects.child_of(course).order_by("-path").first()
    following = last_lesson.get_next_sibling() if last_lesson is not None else None
    if following is not None and following.pk != lesson.pk:
        lesson.move(last_lesson, pos="right")
    return f"SCORM lesson: “{lesson.title}” in {course.title}"


STEPS = [load_scorm_lesson]

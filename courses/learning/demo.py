"""Demo steps of the learning area, run by `load_demo`: the four ISO tracks and trainees.

Each step takes (fixtures, stdout) and returns a line to print. Steps update in place, so
running `load_demo` again changes nothing but page revisions.
"""

import json
from pathlib import Path

import markdown
import yaml

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction

from wagtail.documents import get_document_model
from wagtail.models import Site

from courses.learning.enrolment import enrolment_create
from courses.learning.models import Enrolment
from courses.learning.pages import CourseIndexPage, CoursePage, LessonPage
from courses.learning.progress import activity_mark_done
from lms.accounts import roles
from lms.accounts.demo import DEMO_PASSWORD, ensure_user
from lms.accounts.models import Agency
from lms.accounts.services import user_add_role
from lms.core import office_documents
from lms.core.demo import child_page_upsert

COURSE_FILES = (
    "awareness.yaml",
    "building.yaml",
    "maintaining.yaml",
    "improving.yaml",
    "awareness-2008.yaml",
)
DEMO_TRAINEE_EMAIL = "hocvien@demo.vn"

# (full name, position): the extra demo trainees, spread over the agencies of the province.
EXTRA_TRAINEES = [
    ("Nguyễn Văn An", "Chuyên viên"),
    ("Trần Thị Bích Ngọc", "Chuyên viên chính"),
    ("Lê Hoàng Long", "Phó Chánh Văn phòng"),
    ("Phạm Thị Thu Trang", "Thư ký ISO"),
    ("Hoàng Minh Tuấn", "Chuyên viên"),
    ("Vũ Thị Hải Yến", "Kế toán"),
    ("Đặng Quốc Bảo", "Công chức địa chính"),
    ("Bùi Thị Lan Anh", "Công chức văn phòng – thống kê"),
    ("Đỗ Mạnh Hùng", "Trưởng phòng"),
    ("Ngô Thị Mai", "Chuyên viên"),
    ("Dương Văn Thắng", "Công chức tư pháp – hộ tịch"),
    ("Lý Thị Hồng Nhung", "Chuyên viên"),
    ("Trịnh Xuân Trường", "Phó Trưởng phòng"),
    ("Đinh Thị Phương Thảo", "Văn thư"),
    ("Mai Văn Đức", "Chuyên viên"),
    ("Hồ Thị Kim Oanh", "Công chức một cửa"),
    ("Phan Thanh Sơn", "Chánh Văn phòng"),
    ("Tạ Thị Ngọc Hà", "Chuyên viên"),
    ("Lương Văn Khải", "Công chức văn hóa – xã hội"),
    ("Châu Thị Thanh Hương", "Thư ký ISO"),
]


def _markdown(text: str) -> str:
    return markdown.markdown(text or "", extensions=["tables", "sane_lists"])


def _document(fixtures: Path, filename: str, cache: dict):
    """The Wagtail document for a fixtures/documents file, created on the first run only.

    A .docx, .xlsx or .pdf name with no such file is rendered from the Markdown form of the
    same name, so trainees download files Word, Excel and PDF readers open."""
    if filename not in cache:
        Document = get_document_model()
        title = Path(filename).stem
        document = Document.objects.filter(title=title, file__endswith=Path(filename).suffix)
        document = document.first()
        if document is None:
            path = fixtures / "documents" / filename
            if path.exists():
                content = File(path.open("rb"))
            else:
                source = path.with_suffix(".md")
                content = ContentFile(office_documents.render(source, path.suffix))
            with content:
                document = Document(title=title)
                document.file.save(filename, content, save=False)
                document.save()
        cache[filename] = document
    return cache[filename]


def _body(blocks: list[dict], *, fixtures: Path, documents: dict) -> str:
    """Fixture body blocks as StreamField JSON (raw form, so rich text stays HTML)."""
    stream = []
    for block in blocks or []:
        (kind, value), *_rest = block.items()
        if kind == "heading":
            stream.append({"type": "heading", "value": value})
        elif kind == "text":
            stream.append({"type": "paragraph", "value": _markdown(value)})
        elif kind == "callout":
            stream.append(
                {
                    "type": "callout",
                    "value": {
                        "kind": value.get("kind", "note"),
                        "title": value.get("title", ""),
                        "text": _markdown(value.get("text", "")),
                    },
                }
            )
        elif kind == "checklist":
            stream.append(
                {
                    "type": "checklist",
                    "value": {"title": value.get("title", ""), "items": value.get("items", [])},
                }
            )
        elif kind == "comparison":
            stream.append(
                {
                    "type": "comparison",
                    "value": {
                        "title": value.get("title", ""),
                        "left_heading": value.get("left", "Tài liệu"),
                        "right_heading": value.get("right", "Hồ sơ"),
                        "rows": [{"left": left, "right": right} for left, right in value["rows"]],
                    },
                }
            )
        elif kind == "document":
            document = _document(fixtures, value["file"], documents)
            stream.append(
                {
                    "type": "document",
                    "value": {
                        "title": value["title"],
                        "document": document.pk,
                        "description": value.get("description", ""),
                    },
                }
            )
        else:
            raise ValueError(f"unknown body block {kind!r}")
    return json.dumps(stream)


def _publish_child(parent, model, slug: str, fields: dict):
    """Create or update the child page with this slug, then publish it."""
    page = child_page_upsert(parent, model, slug, fields)
    page.save_revision().publish()
    return page


def _catalogue() -> CourseIndexPage:
    # `load_demo` made the home page the default site's root before this step.
    home = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(
            title="Khóa học",
            slug="courses",
            intro="Các khóa học trực tuyến về hệ thống quản lý chất lượng theo TCVN ISO 9001 "
            "dành cho cán bộ, công chức.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    if not index.title_en:
        index.title_en = "Courses"
        index.intro_en = (
            "Online courses on quality management systems under TCVN ISO 9001 for civil servants."
        )
        index.save_revision().publish()
    return index


@transaction.atomic
def load_courses(*, fixtures: Path, stdout) -> str:
    index = _catalogue()
    documents: dict = {}
    specs = [
        (yaml.safe_load((fixtures / "courses" / name).read_text(encoding="utf-8")), name)
        for name in COURSE_FILES
        if (fixtures / "courses" / name).exists()
    ]
    courses: dict[str, CoursePage] = {}
    lessons = 0
    for spec, _name in specs:
        for language, suffix in (("vi", ""), ("en", "-en")):
            text = spec[language]
            course = _publish_child(
                index,
                CoursePage,
                spec["slug"] + suffix,
                {
                    "title": text["title"],
                    "summary": text["summary"],
                    "outcomes": "\n".join(text.get("outcomes", [])),
                    "track": spec["track"],
                    "edition": spec.get("edition", "9001:2015"),
                    "language": language,
                    "duration_hours": spec.get("duration_hours", 4),
                    "requires_attendance": bool(spec.get("requires_attendance")),
                    "is_open": bool(spec.get("is_open")),
                    "certificate_validity_months": spec.get("certificate_validity_months", 36),
                },
            )
            courses[course.slug] = course
            for lesson in spec["lessons"]:
                content = lesson[language]
                _publish_child(
                    course,
                    LessonPage,
                    lesson["slug"],
                    {
                        "title": content["title"],
                        "body": _body(content["body"], fixtures=fixtures, documents=documents),
                        "estimated_minutes": lesson.get("minutes", 20),
                        "is_required": lesson.get("required", True),
                    },
                )
                lessons += 1
    for spec, _name in specs:
        for suffix in ("", "-en"):
            course = courses[spec["slug"] + suffix]
            wanted = [courses[slug + suffix] for slug in spec.get("prerequisites") or []]
            if {page.pk for page in course.prerequisites.all()} != {page.pk for page in wanted}:
                course.prerequisites.set(wanted)
                course.save_revision().publish()
    return f"Courses: {len(courses)} ({lessons} lessons, vi + en)"


def _mark_lessons(user, course: CoursePage, count: int) -> None:
    for lesson in LessonPage.objects.child_of(course).live().order_by("path")[:count]:
        activity_mark_done(user=user, page=lesson)


def _agencies() -> list[Agency]:
    return list(
        Agency.objects.active()
        .filter(kind__in=["department", "district", "commune"])
        .order_by("code")
    )


def load_learners(*, fixtures: Path, stdout) -> str:
    awareness = CoursePage.objects.filter(slug="nhan-thuc-iso-9001-2015").first()
    building = CoursePage.objects.filter(slug="xay-dung-htqlcl-iso-9001-2015").first()
    if awareness is None:
        return "Learners: skipped (no awareness course)"
    trainee = ensure_user(email=DEMO_TRAINEE_EMAIL, full_name="", password=DEMO_PASSWORD)
    enrolment_create(user=trainee, course=awareness, source="self")
    _mark_lessons(trainee, awareness, 2)
    agencies = _agencies() or [None]
    for number, (full_name, position) in enumerate(EXTRA_TRAINEES, start=1):
        user = ensure_user(
            email=f"hocvien{number:02d}@demo.vn",
            full_name=full_name,
            agency=agencies[(number * 7) % len(agencies)],
            position=position,
            password=DEMO_PASSWORD,
        )
        user_add_role(user=user, role=roles.TRAINEE)
        # Varied progress: a quarter not started, some halfway, some finished, and the
        # finishers that go on to the building course.
        lessons_done = (0, 2, 4, 4, 1)[number % 5]
        enrolment_create(user=user, course=awareness, source="self")
        _mark_lessons(user, awareness, lessons_done)
        if building is not None and lessons_done == 4 and number % 2 == 0:
            enrolment_create(user=user, course=building, source="self")
            _mark_lessons(user, building, number % 4 + 1)
    completed = Enrolment.objects.filter(completed_at__isnull=False).count()
    return f"Learners: {len(EXTRA_TRAINEES) + 1} demo trainees, {completed} completed enrolments"


STEPS = [load_courses, load_learners]

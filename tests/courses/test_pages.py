import io
import json

import pytest
from PIL import Image as PILImage

from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model

from courses.learning.enrolment import enrolment_create
from courses.learning.progress import activity_mark_done
from courses.models import CoursePage, LessonPage

VIDEO_URL = "https://video.example.vn/iso-9001"


def _lesson(course, number):
    return LessonPage.objects.child_of(course).get(slug=f"bai-{number}")


def _png() -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 6), "navy").save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="so-do-pdca.png")


@pytest.fixture
def lesson_with_every_block(course, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    image = get_image_model().objects.create(title="Sơ đồ PDCA", file=_png())
    Document = get_document_model()
    procedure = Document.objects.create(
        title="Mẫu quy trình", file=ContentFile(b"# QUY TRINH", name="mau-quy-trinh.md")
    )
    video = Document.objects.create(
        title="Video PDCA", file=ContentFile(b"\x00\x00\x00\x18ftypmp4", name="pdca.mp4")
    )
    Embed.objects.create(
        hash=get_embed_hash(VIDEO_URL),
        url=VIDEO_URL,
        type="video",
        html='<iframe src="https://video.example.vn/embed/iso" title="iso"></iframe>',
    )
    lesson = _lesson(course, 1)
    lesson.body = json.dumps(
        [
            {"type": "heading", "value": "Chu trình PDCA"},
            {"type": "paragraph", "value": "<p>Lập kế hoạch – <b>thực hiện</b></p>"},
            {"type": "image", "value": {"image": image.pk, "caption": "Hình 1. Chu trình"}},
            {"type": "video", "value": {"title": "Bài giảng", "file": video.pk, "embed": ""}},
            {"type": "video", "value": {"title": "Nhúng", "file": None, "embed": VIDEO_URL}},
            {
                "type": "document",
                "value": {
                    "title": "Tải mẫu quy trình",
                    "document": procedure.pk,
                    "description": "",
                },
            },
            {
                "type": "callout",
                "value": {"kind": "warning", "title": "Lưu ý", "text": "<p>Kiểm tra hiệu lực</p>"},
            },
            {
                "type": "checklist",
                "value": {"title": "Việc cần làm", "items": ["Rà soát hồ sơ", "Lập sổ theo dõi"]},
            },
            {
                "type": "comparison",
                "value": {
                    "title": "Tài liệu và hồ sơ",
                    "left_heading": "Tài liệu",
                    "right_heading": "Hồ sơ",
                    "rows": [{"left": "Quy trình", "right": "Phiếu đã điền"}],
                },
            },
        ]
    )
    lesson.save_revision().publish()
    return lesson


@pytest.mark.django_db
def test_every_lesson_block_renders(client, trainee, course, lesson_with_every_block):
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    response = client.get(lesson_with_every_block.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 class="block-heading">Chu trình PDCA</h2>' in html
    assert "<b>thực hiện</b>" in html
    assert "<img" in html and "Hình 1. Chu trình" in html
    assert "<video controls" in html and "pdca.mp4" in html
    assert 'src="https://video.example.vn/embed/iso"' in html
    assert "mau-quy-trinh.md" in html and "Tải mẫu quy trình" in html
    assert "callout-warning" in html and "Kiểm tra hiệu lực" in html
    assert '<ul class="checklist"><li>Rà soát hồ sơ</li>' in html
    assert "<td>Quy trình</td><td>Phiếu đã điền</td>" in html


@pytest.mark.django_db
def test_catalogue_is_served_at_courses_and_catalogue_url_redirects(client, course):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert course.title in response.content.decode()
    assert client.get(reverse("courses:catalogue")).url == "/courses/"


@pytest.mark.django_db
def test_catalogue_filters_by_track_edition_and_language(client, make_course):
    make_course(title="Khóa nhận thức", track="awareness")
    make_course(title="Khóa xây dựng", track="building")
    make_course(title="Khóa 2008", track="awareness", edition="9001:2008")
    make_course(title="Awareness course", track="awareness", language="en")

    def titles(query):
        html = client.get("/courses/" + query).content.decode()
        return {
            t
            for t in ("Khóa nhận thức", "Khóa xây dựng", "Khóa 2008", "Awareness course")
            if t in html
        }

    assert titles("") == {"Khóa nhận thức", "Khóa xây dựng", "Khóa 2008"}  # UI language vi
    assert titles("?track=building") == {"Khóa xây dựng"}
    assert titles("?edition=9001:2008") == {"Khóa 2008"}
    assert titles("?language=en") == {"Awareness course"}
    assert titles("?language=all&track=awareness") == {
        "Khóa nhận thức",
        "Khóa 2008",
        "Awareness course",
    }
    assert titles("?track=nonsense") == {"Khóa nhận thức", "Khóa xây dựng", "Khóa 2008"}


@pytest.mark.django_db
def test_catalogue_list_is_cached_for_anonymous_until_a_page_is_published(
    client, make_course, django_assert_max_num_queries, django_assert_num_queries
):
    course = make_course(title="Khóa được lưu đệm")
    first = client.get("/courses/")
    assert "Khóa được lưu đệm" in first.content.decode()
    # Second request: the course list comes from the cache (only the page itself is read).
    with django_assert_max_num_queries(8) as captured:
        second = client.get("/courses/")
    assert not any("courses_coursepage" in q["sql"] for q in captured.captured_queries)
    assert second.content.decode().count("course-card") == 1
    course.title = "Khóa đã đổi tên"
    course.save_revision().publish()
    assert "Khóa đã đổi tên" in client.get("/courses/").content.decode()


@pytest.mark.django_db
def test_catalogue_shows_progress_for_enrolled_user(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    activity_mark_done(user=trainee, page=_lesson(course, 1))
    client.force_login(trainee)
    html = client.get("/courses/").content.decode()
    assert 'aria-valuenow="33"' in html


@pytest.mark.django_db
def test_course_page_shows_outline_and_enrol_button(client, trainee, course):
    client.force_login(trainee)
    html = client.get(course.url).content.decode()
    assert "Bài 1: Tài liệu và hồ sơ" in html
    assert reverse("courses:enrol", args=[course.pk]) in html


@pytest.mark.django_db
def test_course_page_lists_missing_prerequisites_instead_of_enrol_button(
    client, trainee, make_course
):
    basics = make_course(title="Khóa nền tảng")
    advanced = make_course(title="Khóa nâng cao", track="building")
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    client.force_login(trainee)
    html = client.get(advanced.url).content.decode()
    assert "Khóa nền tảng" in html
    assert reverse("courses:enrol", args=[advanced.pk]) not in html


@pytest.mark.django_db
def test_course_page_outline_marks_done_lessons_and_continue_goes_to_next(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    activity_mark_done(user=trainee, page=_lesson(course, 1))
    client.force_login(trainee)
    html = client.get(course.url).content.decode()
    assert html.count('class="done"') == 1 and html.count('class="todo"') == 2
    assert f'href="{_lesson(course, 2).url}"' in html


@pytest.mark.django_db
def test_lesson_page_shows_body_to_enrolled_trainee(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    response = client.get(_lesson(course, 2).url)
    html = response.content.decode()
    assert "Nội dung bài 2." in html
    assert f'href="{_lesson(course, 1).url}"' in html  # previous
    assert f'href="{_lesson(course, 3).url}"' in html  # next
    assert reverse("courses:activity_done", args=[_lesson(course, 2).pk]) in html


@pytest.mark.django_db
def test_non_enrolled_user_sees_enrol_notice_without_lesson_body(client, other_trainee, course):
    client.force_login(other_trainee)
    response = client.get(_lesson(course, 1).url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "enrol-first" in html
    assert "Nội dung bài 1." not in html


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_for_closed_course_but_reads_open_course(client, make_course):
    closed = make_course()
    response = client.get(_lesson(closed, 1).url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    open_course = make_course(is_open=True)
    response = client.get(_lesson(open_course, 1).url)
    assert response.status_code == 200
    assert "Nội dung bài 1." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("lessons", [3, 30])
def test_lesson_page_query_budget_does_not_grow_with_course_size(
    client, trainee, make_course, lessons, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("lms.core.pagecache.SHARED", True)  # as deployed, with Redis
    # The rendering itself: a stored page costs less (tests/courses/test_lesson_page_cache.py).
    monkeypatch.setattr("courses.learning.lesson_cache._cacheable", lambda request: False)
    course = make_course(lessons=lessons)
    enrolment_create(user=trainee, course=course, source="self")
    for number in range(1, lessons, 2):
        activity_mark_done(user=trainee, page=_lesson(course, number))
    client.force_login(trainee)
    url = _lesson(course, 2).url
    client.get(url)  # warm the page cache as a running server would have it
    # session, user, enrolment with its completions (one statement): roles and everything
    # about the page tree (site, route, outline, view restrictions, settings) come from the cache
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<li class=") == lessons
    progress = response.context["progress"]
    assert progress.enrolment.user_id == trainee.pk
    assert progress.done_ids == {_lesson(course, n).pk for n in range(1, lessons, 2)}


@pytest.mark.django_db
def test_course_page_links_enrolment_management_for_trainer_only(client, trainer, trainee, course):
    client.force_login(trainer)
    assert (
        reverse("courses:enrolments", args=[course.pk]) in client.get(course.url).content.decode()
    )
    client.force_login(trainee)
    assert (
        reverse("courses:enrolments", args=[course.pk])
        not in client.get(course.url).content.decode()
    )


@pytest.mark.django_db
def test_unpublished_course_is_not_listed(client, make_course):
    hidden = make_course(title="Khóa nháp")
    hidden.unpublish()
    assert "Khóa nháp" not in client.get("/courses/").content.decode()
    assert CoursePage.objects.live().filter(pk=hidden.pk).count() == 0


@pytest.mark.django_db
def test_lesson_outline_is_read_from_the_process_not_the_shared_cache(
    client, trainee, course, monkeypatch
):
    """With Redis every cache read is a round trip: the outline and the catalogue URL a worker
    has read once under this page tree version are kept in the process."""
    from django.core.cache.backends.locmem import LocMemCache

    monkeypatch.setattr("lms.core.pagecache.SHARED", True)  # as deployed, with Redis
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    url = _lesson(course, 1).url
    client.get(url)  # this worker reads them once
    read = []
    real_get = LocMemCache.get

    def counting_get(self, key, *args, **kwargs):
        read.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(LocMemCache, "get", counting_get)
    response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("<li class=") == 3
    assert not [key for key in read if "outline" in key or "catalogue-url" in key]

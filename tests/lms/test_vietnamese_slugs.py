import pytest

from courses.models import CoursePage, LessonPage
from lms.core.text import vietnamese_slug

TITLE = "Chuyển đổi số và Đánh giá nội bộ"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (TITLE, "chuyen-doi-so-va-danh-gia-noi-bo"),
        ("ĐẢM BẢO chất lượng", "dam-bao-chat-luong"),
        ("TCVN ISO 9001:2015 — Bài 1", "tcvn-iso-9001-2015-bai-1"),
        ("Sở Tư pháp, Vĩnh Phúc", "so-tu-phap-vinh-phuc"),
        ("  ", ""),
        (None, ""),
    ],
)
def test_vietnamese_slug_is_ascii_and_reads_d_for_dd(text, slug):
    assert vietnamese_slug(text) == slug


def _lesson(course, **fields):
    lesson = LessonPage(body=[("paragraph", "<p>Nội dung.</p>")], **fields)
    course.add_child(instance=lesson)
    return LessonPage.objects.get(pk=lesson.pk)


def test_page_saved_without_slug_gets_the_transliterated_title(course):
    assert _lesson(course, title=TITLE).slug == "chuyen-doi-so-va-danh-gia-noi-bo"


def test_unicode_slug_is_transliterated_on_save(course):
    assert _lesson(course, title="Bài mới", slug="đánh-giá-nội-bộ").slug == "danh-gia-noi-bo"


def test_editor_script_dj_for_dd_is_corrected(course):
    # Wagtail's editor script builds "chuyen-djoi-so-..." from the title.
    lesson = _lesson(course, title=TITLE, slug="chuyen-djoi-so-va-djanh-gia-noi-bo")
    assert lesson.slug == "chuyen-doi-so-va-danh-gia-noi-bo"


def test_chosen_ascii_slug_is_kept(course):
    assert _lesson(course, title=TITLE, slug="danh-gia").slug == "danh-gia"


def test_transliterated_slug_stays_unique_among_siblings(course):
    first = _lesson(course, title=TITLE)
    second = _lesson(course, title=TITLE)
    assert first.slug == "chuyen-doi-so-va-danh-gia-noi-bo"
    assert second.slug == "chuyen-doi-so-va-danh-gia-noi-bo-2"
    assert second.url_path.endswith("/chuyen-doi-so-va-danh-gia-noi-bo-2/")


def test_course_created_without_slug_gets_an_ascii_address(site_tree):
    course = CoursePage(title="Đánh giá nội bộ", summary="Tóm tắt.", track="awareness")
    site_tree["catalogue"].add_child(instance=course)
    assert CoursePage.objects.get(pk=course.pk).slug == "danh-gia-noi-bo"


def test_page_editor_loads_the_slug_script(client, course, editor):
    client.force_login(editor)
    response = client.get(f"/admin/pages/add/courses/lessonpage/{course.pk}/")
    assert response.status_code == 200
    assert b"lms/js/vietnamese-slug.js" in response.content

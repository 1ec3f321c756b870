"""Editor journey: a course with two lessons created and published in the Wagtail admin."""

import importlib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshot, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_editor]


@pytest.fixture
def editor_page_permissions(site_tree):
    """The editor group's admin and page permissions as the migrations grant them: a
    transactional test's flush removes rows that migrations wrote."""
    from django.apps import apps

    for module in (
        "quizzes.migrations.0002_editors_manage_question_banks",
        "courses.migrations.0002_editors_edit_the_course_tree",
    ):
        importlib.import_module(module).grant(apps, None)


def _publish(page):
    # Wagtail keeps "Publish" in the footer's action menu, behind the "Save draft" toggle.
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    submit(page, page.locator("button[name='action-publish']"))
    expect(page.locator(".messages")).to_contain_text("Đã tạo và xuất bản")


def _add_child(page, parent_id: int, model: str, title: str):
    page.goto(f"/admin/pages/add/courses/{model}/{parent_id}/")
    page.locator("#id_title").fill(title)
    # Leaving the title field is what makes Wagtail fill the URL slug from it.
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).not_to_have_value("")


def test_editor_creates_and_publishes_a_course_with_two_lessons(
    page, editor, site_tree, editor_page_permissions
):
    from courses.models import CoursePage

    catalogue = site_tree["catalogue"]
    title = f"Duy trì hệ thống quản lý chất lượng ({page.viewport_name})"
    login(page, editor.email, "secret-pass-123")
    page.goto(f"/admin/pages/{catalogue.pk}/")
    screenshot(page, "editor-explorer")

    page.goto(f"/admin/pages/{catalogue.pk}/add_subpage/")
    screenshot(page, "editor-choose-type")
    _add_child(page, catalogue.pk, "coursepage", title)
    page.locator("#id_summary").fill("Duy trì và cải tiến hệ thống sau khi được chứng nhận.")
    page.locator("#id_track").select_option("maintaining")
    screenshot(page, "editor-course-form")
    _publish(page)
    course = CoursePage.objects.get(title=title)
    assert course.live

    for number, lesson in enumerate(["Đánh giá nội bộ", "Xem xét của lãnh đạo"], start=1):
        _add_child(page, course.pk, "lessonpage", f"Bài {number}: {lesson}")
        _publish(page)
    from courses.models import LessonPage

    lessons = LessonPage.objects.child_of(course).live().order_by("path")
    assert [lesson.title for lesson in lessons] == [
        "Bài 1: Đánh giá nội bộ",
        "Bài 2: Xem xét của lãnh đạo",
    ]

    page.goto(catalogue.url)
    link = page.get_by_role("link", name=title)
    expect(link).to_be_visible()
    check_accessibility(page)
    screenshot(page, "editor-catalogue")
    link.click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_text("Bài 2: Xem xét của lãnh đạo")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "editor-course-public")

"""Editor journey: an image uploaded into a lesson from the page editor, a Word question bank
imported through upload → preview → confirm, and the trainee seeing the image in the lesson."""

import importlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from django.conf import settings

from tests.e2e.conftest import VIEWPORTS, login, screenshot, submit
from tests.fixtures.certificates import background_png

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_editor]

WORD_BANK = Path(settings.BASE_DIR) / "fixtures" / "question_banks" / "iso9001_word.docx"


@pytest.fixture
def editor_permissions(site_tree):
    """The content team's permissions as the migrations grant them (a transactional test's
    flush removes rows that migrations wrote)."""
    from django.apps import apps

    from wagtail.models import Collection

    if not Collection.objects.exists():  # the flush took Wagtail's root collection too
        Collection.add_root(name="Root")
    for module in (
        "quizzes.migrations.0002_editors_manage_question_banks",
        "courses.migrations.0002_editors_edit_the_course_tree",
        "courses.migrations.0007_content_team_uploads_images_and_documents",
    ):
        importlib.import_module(module).grant(apps, None)


def _upload_image_into_new_block(page, image_path: Path, title: str):
    # The last "+" of the body stream adds a block after the lesson's paragraph.
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name="Hình ảnh").click()
    page.locator("[data-chooser-action-choose], .chooser__choose-button").last.click()
    modal = page.locator(".modal.show, .modal.fade.in").first
    expect(modal).to_be_visible()
    modal.locator("#tab-label-upload").click()
    modal.locator("input[type='file']").set_input_files(str(image_path))
    modal.locator("input[name$='title']").fill(title)
    # The migrations give lesson pictures their own collection; the label is indented by depth.
    collection = modal.locator("select[name$='collection']")
    value = collection.locator("option", has_text="Bài học").get_attribute("value")
    collection.select_option(value)
    modal.locator("form button[type='submit']").first.click()
    expect(modal).to_be_hidden()


def test_editor_uploads_a_lesson_image_and_imports_a_word_bank(
    page, browser, live_server, editor, trainee, course, enrol, editor_permissions, tmp_path
):
    from courses.models import LessonPage
    from quizzes.models import Question

    lesson = LessonPage.objects.child_of(course).first()
    image_path = tmp_path / "so-do-quy-trinh.png"
    image_path.write_bytes(background_png(640, 360))
    login(page, editor.email, "secret-pass-123")

    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    _upload_image_into_new_block(page, image_path, "Sơ đồ quy trình tiếp nhận hồ sơ")
    screenshot(page, "editor-lesson-image-block")
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target='toggle']").last.click()
    submit(page, page.locator("button[name='action-publish']"))
    expect(page.locator(".messages")).to_contain_text("xuất bản")
    lesson.refresh_from_db()
    image_blocks = [block for block in lesson.body if block.block_type == "image"]
    assert [block.value["image"].title for block in image_blocks] == [
        "Sơ đồ quy trình tiếp nhận hồ sơ"
    ]
    assert image_blocks[0].value["image"].collection.name == "Bài học"

    page.goto("/admin/questions/import/")
    page.locator("#id_file").set_input_files(str(WORD_BANK))
    page.locator("#id_fmt").select_option("docx")
    page.locator("#id_bank").fill("ISO 9001 – bộ câu hỏi Word")
    submit(page, page.get_by_role("button", name="Xem trước"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("câu hỏi sẽ được nhập")
    assert not Question.objects.filter(bank__name="ISO 9001 – bộ câu hỏi Word").exists()
    screenshot(page, "editor-word-import-preview")
    submit(page, page.get_by_role("button", name="Xác nhận nhập"))
    expect(page.locator(".messages")).to_contain_text("Đã nhập")
    assert Question.objects.filter(bank__name="ISO 9001 – bộ câu hỏi Word").count() >= 5

    enrol(trainee, course)
    context = browser.new_context(
        viewport=VIEWPORTS[page.viewport_name], locale="vi-VN", base_url=live_server.url
    )
    trainee_page = context.new_page()
    trainee_page.viewport_name = page.viewport_name
    login(trainee_page, trainee.email, "secret-pass-123")
    trainee_page.goto(lesson.url)
    figure = trainee_page.locator("figure.block-image img")
    expect(figure).to_be_visible()
    assert (
        trainee_page.evaluate("() => document.querySelector('figure.block-image img').naturalWidth")
        > 0
    )
    screenshot(trainee_page, "trainee-lesson-image")
    context.close()

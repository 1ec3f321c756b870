"""Trainee journey through a SCORM 1.2 lesson: the package plays in its sandboxed frame, talks
to the site only through the runtime API shim, completes the lesson and resumes where it was."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_trainee]


@pytest.fixture
def scorm_course(make_course, hong_nhung):
    from courses.learning.enrolment import enrolment_create
    from courses.scorm.services import scorm_lesson_import
    from tests.courses.scorm.conftest import scorm_12_zip

    course = make_course(lessons=0, title="Ôn tập nguyên tắc quản lý chất lượng", slug="on-tap")
    lesson = scorm_lesson_import(data=scorm_12_zip(), parent=course, title="Bảy nguyên tắc")
    enrolment_create(user=hong_nhung, course=course, source="self")
    return lesson


def test_trainee_completes_a_scorm_lesson_and_resumes_it(page, hong_nhung, scorm_course):
    from courses.models import ActivityCompletion, Enrolment, ScormAttempt

    login(page, hong_nhung.email, "secret-pass-123")
    page.goto(scorm_course.url)
    expect(page.get_by_role("heading", name="Bảy nguyên tắc", level=1)).to_be_visible()
    player = page.locator("[data-scorm-player] iframe")
    expect(player).to_have_attribute("sandbox", "allow-scripts allow-forms")
    frame = page.frame_locator("[data-scorm-player] iframe")
    expect(
        frame.get_by_role("heading", name="Bảy nguyên tắc quản lý chất lượng (1/2)")
    ).to_be_visible()
    # The package runs in an opaque origin: it cannot read the site's cookies.
    origin = page.frames[1].evaluate("() => window.origin")
    assert origin == "null"
    check_accessibility(page)
    screenshot(page, "trainee-scorm-lesson")

    frame.get_by_role("button", name="Trang tiếp").click()
    expect(
        frame.get_by_role("heading", name="Bảy nguyên tắc quản lý chất lượng (2/2)")
    ).to_be_visible()
    frame.get_by_role("button", name="Tôi đã học xong").click()
    expect(frame.get_by_role("status")).to_have_text("Đã ghi nhận: bạn đã hoàn thành bài học.")
    expect(page.locator("[data-scorm-status]")).to_have_text("Đã hoàn thành")
    expect(page.locator("[data-scorm-status]")).to_have_attribute("data-done", "1")

    attempt = ScormAttempt.objects.get(user=hong_nhung, page=scorm_course)
    assert (attempt.lesson_status, attempt.location) == ("completed", "2")
    assert ActivityCompletion.objects.filter(page_id=scorm_course.pk).exists()
    assert Enrolment.objects.get(user=hong_nhung).completed_at is not None

    # Coming back: the lesson shows as done and the package resumes on its second page.
    page.reload()
    expect(page.locator("[data-scorm-status]")).to_have_text("Đã hoàn thành")
    expect(frame.locator("#resume-note")).to_have_text("Tiếp tục từ trang 2.")
    expect(
        frame.get_by_role("heading", name="Bảy nguyên tắc quản lý chất lượng (2/2)")
    ).to_be_visible()

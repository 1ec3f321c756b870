"""The key screens in English, at desktop and phone width: a person who chose English (the
switcher's cookie) reads English headings, and the screenshots are kept with the others."""

import pytest
from playwright.sync_api import expect

from django.conf import settings

from tests.e2e.conftest import check_accessibility, login, screenshot, submit

pytestmark = [pytest.mark.django_db(transaction=True)]


def _english(page):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url or "http://x"}]
    )


def _choose_english(page):
    page.goto("/")
    _english(page)
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"


def test_home_and_lesson_in_english(page, course, trainee):
    login(page, trainee.email, "secret-pass-123")  # the sign-in form is read in Vietnamese
    _choose_english(page)
    check_accessibility(page)
    screenshot(page, "en-home")
    page.goto(course.url)
    submit(page, page.get_by_role("button", name="Enrol in this course"))
    # Enrolling opens the first lesson (the course content itself is Vietnamese).
    expect(page.get_by_role("heading", name="Bài 1: Tài liệu và hồ sơ", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    check_accessibility(page)
    screenshot(page, "en-lesson")


def test_marking_page_in_english(page, trainer, class_session, add_member, make_user):
    add_member(class_session.training_class, make_user(full_name="Trần Văn Hùng"))
    login(page, trainer.email, "secret-pass-123")
    _choose_english(page)
    page.goto(f"/classes/sessions/{class_session.pk}/attendance/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("td", has_text="Trần Văn Hùng").first).to_be_visible()
    expect(page.get_by_text("Present").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "en-marking")


def test_coverage_dashboard_in_english(page, officer, coverage_scenario):
    login(page, officer.email, "secret-pass-123")
    _choose_english(page)
    page.goto("/coverage/")
    expect(page.get_by_role("heading", name="ISO 9001 training coverage")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "en-coverage")

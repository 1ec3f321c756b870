"""Trainee journey: catalogue, enrolment, two lessons, timed quiz, certificate PDF, verify page."""

import io
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import check_accessibility, login, open_nav_link, screenshot, submit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_trainee]

COURSE_TITLE = "Nhận thức chung về TCVN ISO 9001:2015"
# Two questions whose right answers the trainee knows: a pass needs both (pass mark 100%).
QUESTIONS_GIFT = """
::Tài liệu và hồ sơ::Hồ sơ là tài liệu công bố các kết quả đạt được hay cung cấp bằng chứng
về các hoạt động được thực hiện. {T}

::Tiêu chuẩn::Tiêu chuẩn nào quy định các yêu cầu đối với hệ thống quản lý chất lượng? {
=TCVN ISO 9001
~TCVN ISO 14001
~TCVN ISO 45001
}
"""


@pytest.fixture
def awareness_course(make_course, make_quiz):
    from quizzes.services import questions_import

    course = make_course(lessons=2, track="awareness", title=COURSE_TITLE, slug="nhan-thuc-chung")
    result = questions_import(bank_name="Nhận thức", text=QUESTIONS_GIFT, fmt="gift")
    assert result.ok, result.errors
    make_quiz(
        course,
        title="Kiểm tra cuối khóa",
        slots=[{"question": q} for q in result.bank.questions.order_by("pk")],
        time_limit_minutes=15,
        pass_mark_percent=100,
    )
    return course


def test_trainee_enrols_learns_passes_quiz_and_downloads_certificate(
    page, hong_nhung, awareness_course
):
    from courses.models import Enrolment
    from quizzes.models import Attempt

    login(page, hong_nhung.email, "secret-pass-123")
    page.goto("/courses/")
    check_accessibility(page)
    screenshot(page, "trainee-catalogue")
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    expect(page.get_by_role("heading", name=COURSE_TITLE, level=1)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "trainee-course")
    submit(page, page.get_by_role("button", name="Ghi danh khóa học"))

    # Enrolling opens the first lesson.
    expect(page.locator(".messages")).to_contain_text("Bạn đã ghi danh khóa học")
    expect(page.get_by_role("heading", name="Bài 1: Tài liệu và hồ sơ", level=1)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "trainee-lesson")
    submit(page, page.get_by_role("button", name="Hoàn thành và sang bài tiếp"))
    expect(page.get_by_role("heading", name="Bài 2: Tài liệu và hồ sơ", level=1)).to_be_visible()
    submit(page, page.get_by_role("button", name="Hoàn thành và sang bài tiếp"))

    expect(page.get_by_role("heading", name="Kiểm tra cuối khóa", level=1)).to_be_visible()
    check_accessibility(page)
    screenshot(page, "trainee-quiz")
    submit(page, page.get_by_role("button", name="Bắt đầu làm bài"))
    countdown = page.locator("#quiz-countdown")
    expect(countdown).to_be_visible()
    first = countdown.inner_text()
    # The countdown ticks in the browser.
    expect(countdown).not_to_have_text(first, timeout=5_000)
    page.locator("#question-" + str(_question_id("Tài liệu và hồ sơ"))).get_by_label("Đúng").check()
    page.get_by_label("TCVN ISO 9001", exact=True).check()
    check_accessibility(page)
    screenshot(page, "trainee-attempt")
    # An impatient double click sends the attempt once.
    with page.expect_navigation():
        page.locator("#quiz-submit").dblclick()
    page.wait_for_url("**/quizzes/attempts/*/result/")
    attempts = Attempt.objects.filter(user=hong_nhung)
    assert attempts.count() == 1
    assert attempts.get().submitted_at is not None
    expect(page.locator("main")).to_contain_text("2 / 2")
    expect(page.locator("main .badge-ok").first).to_have_text("Đạt")
    check_accessibility(page)
    screenshot(page, "trainee-result")

    enrolment = Enrolment.objects.get(user=hong_nhung, course=awareness_course)
    assert enrolment.completed_at is not None

    page.goto("/")
    open_nav_link(page, "Chứng nhận")
    expect(page.get_by_role("heading", name="Chứng nhận của tôi")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "trainee-certificates")
    row = page.locator("tr", has_text=COURSE_TITLE)
    # On a phone too, the download is reachable without scrolling the table sideways.
    expect(row.get_by_role("link", name="Tải PDF")).to_be_in_viewport()
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Tải PDF").click()
    pdf = download_info.value
    data = Path(pdf.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = unicodedata.normalize(
        "NFC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )
    assert "Nguyễn Thị Hồng Nhung" in text

    row.locator("a[href^='/verify/']").click()
    expect(page.get_by_role("heading", name="Kết quả tra cứu chứng nhận")).to_be_visible()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "valid")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Hồng Nhung")
    check_accessibility(page)
    screenshot(page, "trainee-verify")


def _question_id(name: str) -> int:
    from quizzes.models import Question

    return Question.objects.get(name=name).pk

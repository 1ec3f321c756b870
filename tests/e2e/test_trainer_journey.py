"""Trainer journey: TOTP sign-in, today's session, roster import, attendance, QR, sign-in sheet."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshot, submit, totp_code

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_trainer]

ROSTER = Path(__file__).resolve().parents[2] / "fixtures" / "rosters" / "lop-thu-ky-iso.xlsx"


@pytest.fixture
def province_agencies(db, agency_tree):
    """The province's agencies from fixtures/agencies.csv: the roster names them.

    The test tree's agencies share some of those names ("Sở Tư pháp"); a name two agencies
    share is refused as ambiguous, so they are renamed and each name in the roster means one.
    """
    from lms.accounts import demo

    for agency in agency_tree.values():
        agency.name = f"{agency.name} (thử)"
        agency.save()
    demo.load_agencies(Path(__file__).resolve().parents[2] / "fixtures" / "agencies.csv")


def test_trainer_signs_in_with_totp_imports_roster_and_marks_attendance(
    page, trainer, class_session, province_agencies
):
    from allauth.mfa.models import Authenticator

    from courses.models import Attendance, AttendanceStatus

    # Enrol an authenticator app: the secret shown on the page is what the app would scan.
    login(page, trainer.email, "secret-pass-123")
    page.goto("/accounts/2fa/totp/activate/")
    if "/accounts/reauthenticate/" in page.url:
        # Enrolling a second factor asks for the password again.
        page.locator("#id_password").fill("secret-pass-123")
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_url("**/accounts/2fa/totp/activate/")
    check_accessibility(page)
    secret = page.locator("#authenticator_secret").input_value()
    screenshot(page, "trainer-totp-activate")
    page.locator("#id_code").fill(totp_code(secret))
    submit(page, page.locator("main form button[type=submit]"))
    assert Authenticator.objects.filter(user=trainer, type=Authenticator.Type.TOTP).exists()

    # Sign in again: password, then the code from the app.
    page.context.clear_cookies()
    login(page, trainer.email, "secret-pass-123")
    assert "/accounts/2fa/authenticate/" in page.url
    check_accessibility(page)
    screenshot(page, "trainer-totp-authenticate")
    page.locator("#id_code").fill(totp_code(secret))
    submit(page, page.locator("main form button[type=submit]").first)
    assert "/accounts/2fa/" not in page.url

    page.goto("/classes/")
    check_accessibility(page)
    screenshot(page, "trainer-classes")
    page.get_by_role("link", name=str(class_session)).click()
    page.wait_for_url(f"**/classes/sessions/{class_session.pk}/")
    check_accessibility(page)

    page.get_by_role("link", name="Nhập danh sách lớp").click()
    check_accessibility(page)
    page.get_by_label("Tệp danh sách lớp").set_input_files(str(ROSTER))
    submit(page, page.get_by_role("button", name="Xem trước"))
    expect(page.get_by_role("heading", name="Xem trước danh sách lớp")).to_be_visible()
    expect(page.get_by_role("cell", name="Lê Thị Minh Nguyệt")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "trainer-roster-preview")
    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    page.wait_for_url(f"**/classes/sessions/{class_session.pk}/")
    expect(page.locator(".messages").get_by_text("Đã nhập danh sách")).to_be_visible()
    expect(page.get_by_text("Sĩ số: 50")).to_be_visible()
    screenshot(page, "trainer-session")

    page.get_by_role("link", name="Điểm danh", exact=True).click()
    page.get_by_role("button", name="Tất cả có mặt").click()
    late_row = page.locator("tr", has_text="Phạm Quang Đức")
    late_row.get_by_label("Đi muộn").check()
    late_row.get_by_label("Ghi chú").fill("Đến lúc 8 giờ 20")
    check_accessibility(page)
    screenshot(page, "trainer-marking")
    submit(page, page.get_by_role("button", name="Lưu điểm danh"))
    expect(page.locator(".messages").get_by_text("Đã lưu điểm danh")).to_be_visible()
    statuses = dict(
        Attendance.objects.filter(session=class_session).values_list("user__email", "status")
    )
    assert len(statuses) == 50
    assert statuses.pop("duc.pham@vinhphuc.gov.vn") == AttendanceStatus.LATE
    assert set(statuses.values()) == {AttendanceStatus.PRESENT}

    page.goto(f"/classes/sessions/{class_session.pk}/")
    page.get_by_role("link", name="Mã QR điểm danh").click()
    qr = page.get_by_role("img", name="Mã QR điểm danh")
    qr.wait_for()
    page.wait_for_function("() => document.getElementById('qr').complete")
    # The image really renders (an SVG without its namespace shows as a broken image).
    assert page.evaluate("() => document.getElementById('qr').naturalWidth") > 0
    assert qr.bounding_box()["width"] > 200
    check_accessibility(page)
    screenshot(page, "trainer-qr")

    response = page.request.get(f"/classes/sessions/{class_session.pk}/sign-in-sheet.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

import re

import pytest

from django.core import mail

from tests.e2e.conftest import check_accessibility, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_trainee_signs_up_verifies_email_and_signs_in(page, agency_tree, site_tree):
    page.goto("/")
    check_accessibility(page)
    screenshot(page, "home")

    page.goto("/accounts/signup/")
    check_accessibility(page)
    email = f"hoc.vien.{page.viewport_name}@example.vn"
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hồng Nhung")
    page.locator("#id_email, #id_login").first.fill(email)
    page.get_by_label("Cơ quan, đơn vị").fill("Sở Tư pháp")
    page.locator("#id_password1").fill("Mat-khau-manh-2026")
    page.locator("#id_password2").fill("Mat-khau-manh-2026")
    screenshot(page, "signup")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_load_state()
    screenshot(page, "verify-email-sent")

    message = next(m for m in mail.outbox if email in m.to and "confirm-email" in m.body)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name=re.compile("Xác nhận")).click()
    page.wait_for_load_state()

    page.goto("/accounts/profile/")
    if "/accounts/login/" in page.url:
        page.locator("#id_email, #id_login").first.fill(email)
        page.locator("#id_password").fill("Mat-khau-manh-2026")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state()
        page.goto("/accounts/profile/")
    assert page.get_by_role("heading", name="Thông tin cá nhân").is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Nguyễn Thị Hồng Nhung"
    check_accessibility(page)
    screenshot(page, "profile")

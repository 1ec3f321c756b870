"""DOST officer journey: coverage dashboard → track filter → agency drill-down → XLSX export."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, login, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.journey_officer]


def test_officer_filters_coverage_drills_into_agency_and_exports_xlsx(
    page, officer, coverage_scenario
):
    login(page, officer.email, "secret-pass-123")
    page.goto("/coverage/")
    expect(page.get_by_role("heading", name="Độ bao phủ đào tạo ISO 9001")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "officer-coverage")

    page.get_by_label("Chuyên đề").select_option("awareness")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**/coverage/?*track=awareness*")
    assert page.locator("p.lead").first.inner_text().startswith("Chuyên đề: Nhận thức")
    # Đại Đình only has a building-track certificate: with the awareness filter it has none.
    assert page.locator("tr[data-agency='P-TD-DT'] td").nth(5).inner_text() == "0"
    assert page.locator("tr[data-agency='P-STP'] td").nth(5).inner_text() == "1"
    check_accessibility(page)
    screenshot(page, "officer-coverage-awareness")

    page.locator("tr[data-agency='P-STP']").get_by_role("link", name="Sở Tư pháp").click()
    # The drill-down keeps the track chosen on the dashboard.
    page.wait_for_url("**/coverage/agencies/P-STP/?track=awareness")
    assert page.get_by_label("Chuyên đề").input_value() == "awareness"
    expect(page.get_by_role("heading", name="Sở Tư pháp", level=1)).to_be_visible()
    trainees = page.locator("td[data-trainee]").all_inner_texts()
    assert "Trần Thị Bình" in trainees and "Lê Văn An" in trainees
    check_accessibility(page)
    screenshot(page, "officer-agency")

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải về Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = [[cell for cell in row] for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0][0] == "BÁO CÁO ĐỘ BAO PHỦ ĐÀO TẠO HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG TCVN ISO 9001"
    by_code = {row[0]: row for row in rows if row and row[0] in ("P-STP", "P-TD-DT")}
    assert by_code["P-STP"][1] == "Sở Tư pháp"
    assert by_code["P-TD-DT"][1] == "Xã Đại Đình"
    headings = next(row for row in rows if row and row[0] == "Mã đơn vị")
    certified = headings.index("Có chứng nhận còn hiệu lực")
    # The export carries the page's awareness filter: Đại Đình's building certificate is left out.
    assert by_code["P-TD-DT"][certified] == 0
    assert by_code["P-STP"][certified] == 1

"""The coverage dashboard, drill-down and page exports, as officers and secretaries use them."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from django.urls import reverse

from lms.accounts import roles

pytestmark = pytest.mark.django_db


def _agency_codes(response):
    return re.findall(r'data-agency="([^"]+)"', response.content.decode())


def test_officer_sees_every_agency_sorted_by_coverage(client, officer, coverage_scenario):
    client.force_login(officer)
    response = client.get(reverse("coverage:dashboard"), {"track": "awareness"})
    assert response.status_code == 200
    # Lowest coverage first: Đại Đình 0%, Tam Đảo 3.3%, the province 5%, Sở Tư pháp 10%, Hồ Sơn 20%.
    assert _agency_codes(response) == ["P-TD-DT", "P-TD", "P", "P-STP", "P-TD-HS"]
    page = response.content.decode()
    assert "Tỷ lệ bao phủ = có chứng nhận ÷ chỉ tiêu" in page
    assert "<svg" in page and "http://cdn" not in page


def test_gaps_list_agencies_without_certificates_expiring_and_below_threshold(
    client, officer, coverage_scenario
):
    client.force_login(officer)
    response = client.get(reverse("coverage:dashboard"), {"track": "awareness", "threshold": 15})
    gaps = response.context["gaps"]
    assert [row["code"] for row in gaps["none_certified"]] == ["P-TD-DT"]
    assert {row["code"] for row in gaps["expiring"]} == {"P-TD", "P", "P-TD-HS"}
    assert [row["code"] for row in gaps["below_threshold"]] == ["P-TD-DT", "P-TD", "P", "P-STP"]


def test_secretary_sees_only_own_agency(client, secretary, coverage_scenario):
    client.force_login(secretary)
    response = client.get(reverse("coverage:dashboard"))
    assert response.status_code == 200
    assert _agency_codes(response) == ["P-STP"]
    assert response.context["totals"]["target"] == 10


def test_secretary_cannot_reach_another_agency_by_changing_the_url(
    client, secretary, coverage_scenario
):
    client.force_login(secretary)
    assert client.get(reverse("coverage:dashboard"), {"agency": "P-TD"}).status_code == 404
    assert client.get(reverse("coverage:agency", args=["P-TD-HS"])).status_code == 404
    assert client.get(reverse("coverage:agency", args=["P-STP"])).status_code == 200
    export = client.post(reverse("coverage:export"), {"format": "csv", "agency": "P"})
    assert export.status_code == 404


def test_district_secretary_sees_communes_and_merged_commune_people(
    client, make_user, coverage_scenario
):
    district_secretary = make_user(roles.SECRETARY, agency=coverage_scenario["district"])
    client.force_login(district_secretary)
    response = client.get(reverse("coverage:dashboard"))
    assert sorted(_agency_codes(response)) == ["P-TD", "P-TD-DT", "P-TD-HS"]
    detail = client.get(reverse("coverage:agency", args=["P-TD-HS"]))
    names = [row["user"].full_name for row in detail.context["rows"]]
    assert "Phạm Văn Cường" in names  # trained in the merged commune, reported under Hồ Sơn
    # History says where he worked and where that agency went.
    assert "Xã Minh Quang (đã sáp nhập vào Xã Hồ Sơn)" in " ".join(
        detail.content.decode().replace('<small class="muted">', "").replace("</small>", "").split()
    )
    merged = client.get(reverse("coverage:agency", args=["P-TD-MQ"])).content.decode()
    assert "Đơn vị đã sáp nhập vào Xã Hồ Sơn" in merged
    assert 'href="/coverage/agencies/P-TD-HS/"' in merged


def test_trainee_may_not_open_coverage(client, trainee, coverage_scenario):
    client.force_login(trainee)
    assert client.get(reverse("coverage:dashboard")).status_code == 403
    assert client.get(reverse("coverage:agency", args=["P-STP"])).status_code == 403


def test_bad_filter_shows_message_and_400(client, officer, coverage_scenario):
    client.force_login(officer)
    response = client.get(reverse("coverage:dashboard"), {"since": "31/02/2026", "track": "x"})
    assert response.status_code == 400
    assert "Bộ lọc chưa hợp lệ" in response.content.decode()


def test_drill_down_sorts_trainees_by_given_name_with_status(client, officer, coverage_scenario):
    client.force_login(officer)
    response = client.get(reverse("coverage:agency", args=["P-TD"]), {"track": "awareness"})
    assert response.status_code == 200
    names = [row["user"].full_name for row in response.context["rows"]]
    # Given names in Vietnamese order: Ánh, Cường, Đông, Giang, Hà.
    assert names == [
        "Đỗ Thị Ánh",
        "Phạm Văn Cường",
        "Hoàng Văn Đông",
        "Ngô Văn Giang",
        "Vũ Thị Hà",
    ]
    statuses = {row["user"].full_name: row["statuses"][0] for row in response.context["rows"]}
    assert statuses["Đỗ Thị Ánh"]["status"] == "completed"  # certificate expired
    assert statuses["Phạm Văn Cường"]["status"] == "certified"
    assert statuses["Phạm Văn Cường"]["expires_at"] is not None
    assert statuses["Vũ Thị Hà"]["status"] == ""  # withdrew


def _make_agencies(parent, count):
    from lms.accounts.models import Agency

    Agency.objects.bulk_create(
        Agency(
            code=f"X{index:03d}",
            name=f"Xã Thử {index}",
            kind="commune",
            parent=parent,
            target_headcount=3,
        )
        for index in range(count)
    )


@pytest.mark.parametrize("extra_agencies", [0, 45])
def test_dashboard_queries_do_not_grow_with_agencies(
    client, officer, coverage_scenario, django_assert_max_num_queries, extra_agencies
):
    _make_agencies(coverage_scenario["district"], extra_agencies)
    client.force_login(officer)
    client.get(reverse("coverage:dashboard"))  # warm caches (site settings, sessions)
    # 16: the training plan's targets for the track and year, and the plan lines that
    # require a role, are one query each.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("coverage:dashboard"), {"track": "awareness"})
    assert len(_agency_codes(response)) == 5 + extra_agencies


def test_xlsx_download_matches_the_page(client, officer, coverage_scenario):
    client.force_login(officer)
    page = client.get(reverse("coverage:dashboard"), {"track": "awareness"})
    response = client.post(reverse("coverage:export"), {"track": "awareness", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "Vĩnh Phúc"
    assert sheet["A6"].value == "Mã đơn vị"
    assert sheet["H6"].value == "Có chứng nhận còn hiệu lực"
    data = [row for row in sheet.iter_rows(min_row=7, values_only=True) if row[0] is not None]
    on_page = [
        (r["code"], r["target"], r["enrolled"], r["completed"], r["certified"])
        for r in page.context["rows"]
    ]
    assert [row[:1] + row[4:8] for row in data] == on_page
    assert sheet["I7"].number_format == "0.0%"
    assert sheet.column_dimensions["B"].width == 40


def test_csv_download_has_bom_and_vietnamese_headers(client, secretary, coverage_scenario):
    client.force_login(secretary)
    response = client.post(reverse("coverage:export"), {"format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "Cơ quan, đơn vị"
    assert rows[1] == [
        "P-STP",
        "Sở Tư pháp",
        "Sở, ban, ngành",
        "Tỉnh Thử",
        "10",
        "2",
        "2",
        "1",
        "10.0",
    ]


def test_export_with_unknown_format_is_rejected(client, officer, coverage_scenario):
    client.force_login(officer)
    assert client.post(reverse("coverage:export"), {"format": "pdf"}).status_code == 400


def test_dashboard_before_any_training_shows_zeroes(client, officer):
    client.force_login(officer)
    response = client.get(reverse("coverage:dashboard"))
    assert response.status_code == 200
    assert response.context["totals"]["certified"] == 0
    assert len(response.context["gaps"]["none_certified"]) == 5

"""Yearly training plans: import, targets in coverage, and the people a plan requires."""

import io

import pytest
from openpyxl import Workbook

from django.core.management import CommandError, call_command
from django.utils import timezone

from lms.accounts import roles
from lms.core.models import AuditEvent
from lms.coverage.models import TrainingPlan
from lms.coverage.plans import plans_import
from lms.coverage.selectors import CoverageFilter, coverage_by_agency

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def plan_workbook(rows, header=("Mã đơn vị", "Chuyên đề", "Năm", "Chỉ tiêu", "Vai trò bắt buộc")):
    book = Workbook()
    sheet = book.active
    sheet.append(["KẾ HOẠCH ĐÀO TẠO NĂM"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_plan_workbook_is_imported_once_and_audited(agency_tree, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(
        plan_workbook(
            [
                ("P-STP", "Nhận thức", YEAR, 4, ""),
                ("P-TD-HS", "awareness", YEAR, 2, "Thư ký ISO"),
                ("P-STP", "Duy trì", YEAR, 3, ""),
            ]
        )
    )
    out = io.StringIO()
    call_command("import_plans", str(path), stdout=out)
    assert "created: 3, updated: 0, unchanged: 0" in out.getvalue()
    line = TrainingPlan.objects.get(agency__code="P-TD-HS")
    assert (line.track, line.year, line.target, line.required_role) == (
        "awareness",
        YEAR,
        2,
        roles.SECRETARY,
    )
    assert AuditEvent.objects.filter(verb="training_plan.import").count() == 3
    out = io.StringIO()
    call_command("import_plans", str(path), stdout=out)
    assert "created: 0, updated: 0, unchanged: 3" in out.getvalue()


def test_bad_plan_rows_are_named_and_nothing_is_written(agency_tree, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(
        plan_workbook(
            [
                ("P-STP", "Nhận thức", YEAR, 4, ""),  # row 3, fine
                ("KHONG-CO", "Nhận thức", YEAR, 4, ""),  # row 4: unknown agency
                ("P-STP", "Hóa học", YEAR, 4, ""),  # row 5: bad track
                ("P-STP", "Xây dựng", 1899, 4, ""),  # row 6: bad year
                ("P-STP", "Nhận thức", YEAR, 9, ""),  # row 7: duplicate of row 3
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="4 error"):
        call_command("import_plans", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["row 4", "row 5", "row 6", "row 7"]
    assert "KHONG-CO" in lines[0] and "Hóa học" in lines[1] and "1899" in lines[2]
    assert "dòng 3" in lines[3]
    assert not TrainingPlan.objects.exists()


def _by_code(rows):
    return {row.code: row for row in rows}


def test_coverage_uses_the_plan_target_of_the_year_and_track(coverage_scenario):
    stp = coverage_scenario["department"]
    TrainingPlan.objects.create(agency=stp, year=YEAR, track="awareness", target=2)
    TrainingPlan.objects.create(agency=stp, year=YEAR - 1, track="awareness", target=50)
    frame = _by_code(coverage_by_agency(CoverageFilter(track="awareness")))
    # Sở Tư pháp: 1 certified of a planned 2 (headcount 10); the province adds the plan of
    # Sở Tư pháp to the headcounts of the district's agencies: 2 + 20 + 5 + 5.
    assert frame["P-STP"].target == 2 and frame["P-STP"].coverage_pct == 50.0
    assert frame["P"].target == 32
    last_year = _by_code(
        coverage_by_agency(
            CoverageFilter(track="awareness", until=timezone.localdate().replace(year=YEAR - 1))
        )
    )
    assert last_year["P-STP"].target == 50
    all_tracks = _by_code(coverage_by_agency(CoverageFilter()))
    assert all_tracks["P-STP"].target == 10  # plans are per track


def test_dashboard_names_secretaries_missing_a_required_track(
    client, officer, coverage_scenario, make_user, make_certificate
):
    stp = coverage_scenario["department"]
    a1, b1 = coverage_scenario["courses"]["a1"], coverage_scenario["courses"]["b1"]
    done = make_user(roles.SECRETARY, agency=stp, full_name="Nguyễn Văn Đủ")
    make_certificate(done, a1, issued_days_ago=5)
    missing = make_user(roles.SECRETARY, agency=stp, full_name="Trần Thị Thiếu")
    make_certificate(missing, b1, issued_days_ago=5)
    for track in ("awareness", "building"):
        TrainingPlan.objects.create(
            agency=stp, year=YEAR, track=track, target=2, required_role=roles.SECRETARY
        )
    client.force_login(officer)
    content = client.get("/coverage/").content.decode()
    section = content.split('data-gap="required_role"')[1].split("</ul>")[0]
    assert "Trần Thị Thiếu" in section and "Nhận thức" in section
    assert "Nguyễn Văn Đủ (Sở Tư pháp) — còn thiếu: Xây dựng" in section


def test_officer_imports_a_plan_in_the_admin(client, officer, agency_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    data = plan_workbook([("P-STP", "Nhận thức", YEAR, 4, "")])
    preview = client.post("/admin/plans/import/", {"file": SimpleUploadedFile("kh.xlsx", data)})
    assert preview.status_code == 200 and "1 mục mới" in preview.content.decode()
    assert not TrainingPlan.objects.exists()
    client.post("/admin/plans/import/", {"token": preview.context["token"]})
    assert TrainingPlan.objects.get().target == 4
    assert plans_import(data=data, filename="kh.xlsx").unchanged == 1

"""coverage_report command, snapshots, background exports and the Wagtail admin report."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from lms.coverage.models import CoverageExport, CoverageSnapshot, ExportStatus

pytestmark = pytest.mark.django_db


def _csv_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_coverage_report_csv_numbers_match_the_hand_worked_scenario(tmp_path, coverage_scenario):
    output = tmp_path / "bao-phu.csv"
    call_command("coverage_report", "--format", "csv", "--output", str(output), "--track",
                 "awareness")  # fmt: skip
    rows = {row[0]: row[4:] for row in _csv_rows(output)[1:]}
    assert rows == {
        "P-TD-DT": ["5", "0", "0", "0", "0.0"],
        "P-TD": ["30", "3", "2", "1", "3.3"],
        "P": ["40", "5", "4", "2", "5.0"],
        "P-STP": ["10", "2", "2", "1", "10.0"],
        "P-TD-HS": ["5", "2", "2", "1", "20.0"],
    }


def test_coverage_report_agency_and_period_in_either_date_format(tmp_path, coverage_scenario):
    since = timezone.localdate() - dt.timedelta(days=200)
    output = tmp_path / "huyen.csv"
    call_command(
        "coverage_report", "--format", "csv", "--output", str(output), "--agency", "P-TD",
        "--track", "awareness", "--since", since.strftime("%d/%m/%Y"),
        "--until", timezone.localdate().isoformat(),
    )  # fmt: skip
    rows = {row[0]: row[4:8] for row in _csv_rows(output)[1:]}
    assert rows == {
        "P-TD": ["30", "2", "1", "1"],
        "P-TD-HS": ["5", "2", "1", "1"],
        "P-TD-DT": ["5", "0", "0", "0"],
    }


def test_coverage_report_xlsx_has_header_block_and_percent_cells(tmp_path, coverage_scenario):
    output = tmp_path / "bao-phu.xlsx"
    call_command("coverage_report", "--format", "xlsx", "--output", str(output), "--until",
                 "2030-12-31", "--track", "awareness")  # fmt: skip
    sheet = load_workbook(output).active
    assert "TCVN ISO 9001" in sheet["A1"].value
    assert sheet["A3"].value == "Kỳ báo cáo"
    assert sheet["B3"].value == "Đến 31/12/2030 · Chuyên đề: Nhận thức"
    assert dt.datetime.strptime(sheet["B4"].value, "%d/%m/%Y %H:%M")
    by_code = {row[0]: row for row in sheet.iter_rows(min_row=7, values_only=True)}
    assert by_code["P-TD"][4:8] == (30, 3, 2, 1)
    assert by_code["P-TD-HS"][8] == pytest.approx(0.2)
    assert by_code["P-TD-HS"][1] == "Xã Hồ Sơn"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01': not a date"),
        (["--agency", "NOPE"], "--agency NOPE: no agency has this code"),
        (["--track", "sleeping"], "--track 'sleeping': unknown track"),
        (["--since", "2026-05-01", "--until", "2026-04-01"], "--since is after --until"),
    ],
)
def test_coverage_report_rejects_bad_input(tmp_path, coverage_scenario, args, message):
    output = tmp_path / "x.csv"
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("coverage_report", "--format", "csv", "--output", str(output), *args)
    assert not output.exists()


def test_snapshot_task_is_idempotent_and_survives_a_merger(coverage_scenario):
    from lms.coverage.tasks import take_monthly_snapshot

    month = timezone.localdate().replace(day=1)
    first = take_monthly_snapshot.delay().get()
    assert take_monthly_snapshot.delay().get() == first
    assert CoverageSnapshot.objects.count() == first  # 5 agencies x 5 track keys
    stored = CoverageSnapshot.objects.get(
        month=month, agency=coverage_scenario["district"], track="awareness"
    )
    assert (stored.target, stored.enrolled, stored.completed, stored.certified) == (30, 3, 2, 1)
    # The commune merges into the department afterwards: the stored month does not move.
    commune = coverage_scenario["commune_a"]
    commune.merged_into, commune.is_active = coverage_scenario["department"], False
    commune.save()
    stored.refresh_from_db()
    assert stored.certified == 1


def test_dashboard_reads_a_stored_month_and_draws_the_trend(client, officer, coverage_scenario):
    from lms.coverage.services import snapshot_take

    today = timezone.localdate()
    snapshot_take(month=today)
    snapshot_take(month=(today.replace(day=1) - dt.timedelta(days=1)))
    client.force_login(officer)
    response = client.get(
        reverse("coverage:dashboard"),
        {"track": "awareness", "month": today.replace(day=1).isoformat()},
    )
    assert response.status_code == 200
    assert {r["code"]: r["certified"] for r in response.context["rows"]}["P-TD"] == 1
    assert "<polyline" in str(response.context["trend_chart"])


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_snapshot_task_through_the_real_worker(live_celery, coverage_scenario):
    from lms.coverage.tasks import take_monthly_snapshot

    written = take_monthly_snapshot.delay().get(timeout=60)
    assert written == 25
    assert CoverageSnapshot.objects.filter(track="awareness").count() == 5


def test_large_page_export_runs_in_the_background(
    client, officer, coverage_scenario, django_capture_on_commit_callbacks
):
    from lms.coverage import exports

    original = exports.SYNC_EXPORT_MAX_ROWS
    exports.SYNC_EXPORT_MAX_ROWS = 1
    try:
        client.force_login(officer)
        with django_capture_on_commit_callbacks(execute=True):
            with_capture = client.post(
                reverse("coverage:export"), {"format": "xlsx", "track": "awareness"}
            )
    finally:
        exports.SYNC_EXPORT_MAX_ROWS = original
    job = CoverageExport.objects.get()
    assert with_capture.status_code == 302
    status_page = client.get(with_capture["Location"])
    # Eager celery in tests: the job ran once the request's transaction committed.
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert job.progress == 100
    assert reverse("coverage:export_download", args=[job.pk]) in status_page.content.decode()
    download = client.get(reverse("coverage:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet["A6"].value == "Mã đơn vị"


def test_someone_else_cannot_open_an_export(client, officer, make_user, coverage_scenario):
    from lms.accounts import roles

    job = CoverageExport.objects.create(requested_by=officer, file_format="csv")
    other = make_user(roles.DOST_OFFICER)
    client.force_login(other)
    assert client.get(reverse("coverage:export_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("coverage:export_download", args=[job.pk])).status_code == 404


def test_admin_report_for_staff_with_spreadsheet_export(client, officer, coverage_scenario):
    client.force_login(officer)
    page = client.get(reverse("coverage_report"), {"track": "awareness"})
    assert page.status_code == 200
    assert "Xã Hồ Sơn" in page.content.decode()
    export = client.get(reverse("coverage_report"), {"track": "awareness", "export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert "Tỷ lệ bao phủ (%)" in body and "P-TD-HS" in body


def test_admin_report_not_for_trainees(client, trainee, coverage_scenario):
    client.force_login(trainee)
    response = client.get(reverse("coverage_report"))
    assert response.status_code in (302, 403)
    assert "Xã Hồ Sơn" not in response.content.decode()


def test_demo_step_stores_six_months_and_can_run_twice(coverage_scenario):
    from lms.coverage.demo import STEPS

    for _ in range(2):
        message = STEPS[0](fixtures=None, stdout=None)
    assert message == "Coverage snapshots: 150 rows over 6 months"
    assert CoverageSnapshot.objects.values("month").distinct().count() == 6
    assert CoverageSnapshot.objects.count() == 150


def test_stored_month_is_the_period_the_dashboard_names(client, officer, coverage_scenario):
    from lms.coverage.services import snapshot_take

    month = timezone.localdate().replace(day=1)
    snapshot_take(month=month)
    client.force_login(officer)
    response = client.get(reverse("coverage:dashboard"), {"month": month.isoformat()})
    content = response.content.decode()
    assert f"Số liệu chốt tháng {month:%m/%Y}" in content
    assert "Toàn bộ thời gian" not in content
    assert 'role="img" aria-labelledby="kind-chart-title kind-chart-desc"' in content


def _merge_commune_after_the_month_was_stored(coverage_scenario):
    from lms.accounts.services import agency_merge
    from lms.coverage.services import snapshot_take

    month = timezone.localdate().replace(day=1)
    snapshot_take(month=month)
    commune, department = coverage_scenario["commune_a"], coverage_scenario["department"]
    agency_merge(agency=commune, into=department)
    return month, commune, department


def test_exports_of_a_stored_month_name_where_a_merged_agency_went(
    client, officer, coverage_scenario
):
    month, commune, department = _merge_commune_after_the_month_was_stored(coverage_scenario)
    label = f"{commune.name} (đã sáp nhập vào {department.name})"
    client.force_login(officer)
    query = {"track": "awareness", "month": month.isoformat()}
    page = client.get(reverse("coverage:dashboard"), query).content.decode()
    assert f"đã sáp nhập vào {department.name}" in page

    csv_file = client.post(reverse("coverage:export"), {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names[commune.code] == label
    assert names[department.code] == department.name  # the survivor is named as it is

    xlsx_file = client.post(reverse("coverage:export"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    names = {row[0]: row[1] for row in sheet.iter_rows(min_row=7, values_only=True)}
    assert names[commune.code] == label


def test_merged_label_in_the_english_export(coverage_scenario):
    from django.utils import translation

    from lms.coverage import reports, selectors

    month, commune, department = _merge_commune_after_the_month_was_stored(coverage_scenario)
    frame = selectors.coverage_from_snapshots(
        month, track="awareness", tree=selectors.load_agency_tree()
    )
    with translation.override("en"):
        content = reports.render_file(frame, selectors.CoverageFilter(), "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [commune.name + f" (merged into {department.name})"] == [
        row[1] for row in rows[1:] if row[0] == commune.code
    ]

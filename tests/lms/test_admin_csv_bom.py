"""Wagtail admin report exports open in Excel with Vietnamese intact."""

import csv
import io

import pytest

from django.urls import reverse

from lms.core.audit import AuditKind, audit_record

BOM = "\ufeff".encode()


def _csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(BOM)
    assert not raw[len(BOM) :].startswith(BOM)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_coverage_report_csv_starts_with_a_utf8_bom(client, officer, coverage_scenario):
    client.force_login(officer)
    response = client.get(reverse("coverage_report") + "?export=csv")
    assert response.status_code == 200
    rows = _csv(response)
    assert len(rows) > 1
    assert any("Sở" in cell or "ở" in cell for row in rows for cell in row)


@pytest.mark.django_db
def test_audit_log_csv_starts_with_a_bom_and_quotes_formulas(client, officer, agency_tree):
    agency = agency_tree["department"]
    agency.name = "=SUM(1+1) Sở Tư pháp"
    agency.save()
    audit_record(actor=officer, verb=AuditKind.values[0], obj=agency)
    client.force_login(officer)
    response = client.get("/admin/reports/audit-log/?export=csv")
    assert response.status_code == 200
    rows = _csv(response)
    assert rows[0][0] == "Thời điểm"
    assert "'=SUM(1+1) Sở Tư pháp" in rows[1]

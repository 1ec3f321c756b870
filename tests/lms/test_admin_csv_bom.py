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


@pytest.mark.django_db
def test_wagtail_built_in_reports_quote_formulas_too(client, make_user, agency_tree):
    """Wagtail's own site-history report writes titles editors typed; they stay text."""
    from wagtail.models import Page

    from lms.accounts import roles

    admin = make_user(roles.DOST_OFFICER, agency=agency_tree["province"], is_staff=True)
    admin.is_superuser = True
    admin.save()
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title='=HYPERLINK("http://x.example","Mở")'))
    page.save_revision(user=admin, log_action=True).publish(user=admin)
    client.force_login(admin)
    response = client.get("/admin/reports/site-history/?export=csv")
    assert response.status_code == 200
    rows = _csv(response)
    titles = [cell for row in rows[1:] for cell in row if "HYPERLINK" in cell]
    assert titles and all(title.startswith("'=") for title in titles), rows

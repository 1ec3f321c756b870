"""The coverage dashboard's cost does not grow with the number of agencies in the province."""

import re

import pytest

from django.urls import reverse

from lms.accounts.models import Agency
from lms.coverage import views

pytestmark = pytest.mark.django_db

# Agencies of the tree fixture (5) plus these communes: more than the table shows at first.
EXTRA_COMMUNES = views.TABLE_ROWS + 20


def _add_communes(parent, count):
    Agency.objects.bulk_create(
        Agency(
            code=f"P-TD-X{n:03d}",
            name=f"Xã Thử Nghiệm {n:03d}",
            kind="commune",
            parent=parent,
            target_headcount=5,
        )
        for n in range(count)
    )


def _agency_codes(response):
    return re.findall(r'data-agency="([^"]+)"', response.content.decode())


def test_coverage_dashboard_queries_do_not_grow_with_agencies(
    client, officer, coverage_scenario, django_assert_max_num_queries
):
    client.force_login(officer)
    url = reverse("coverage:dashboard")
    client.get(url, {"track": "awareness"})  # warm: session, site settings
    with django_assert_max_num_queries(16) as few:
        client.get(url, {"track": "awareness"})

    _add_communes(coverage_scenario["district"], EXTRA_COMMUNES)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"track": "awareness"})
    with django_assert_max_num_queries(len(few)):
        show_all = client.get(url, {"track": "awareness", "all": "1"})

    assert len(_agency_codes(response)) == views.TABLE_ROWS
    assert len(_agency_codes(show_all)) == 5 + EXTRA_COMMUNES


def test_coverage_dashboard_long_lists_link_to_show_all(client, officer, coverage_scenario):
    _add_communes(coverage_scenario["district"], EXTRA_COMMUNES)
    client.force_login(officer)

    response = client.get(reverse("coverage:dashboard"), {"track": "awareness"})

    page = response.content.decode()
    assert response.context["rows_total"] == 5 + EXTRA_COMMUNES
    # None of the new communes has a certificate: the gap list is cut, its count is not.
    assert len(response.context["gaps"]["none_certified"]) == views.GAP_ROWS
    assert response.context["gap_counts"]["none_certified"] == 1 + EXTRA_COMMUNES
    assert "track=awareness&amp;all=1" in page
    first = _agency_codes(response)[0]
    assert f'href="/coverage/agencies/{first}/?track=awareness"' in page
    full = client.get(reverse("coverage:dashboard"), {"track": "awareness", "all": "1"})
    assert len(full.context["gaps"]["none_certified"]) == 1 + EXTRA_COMMUNES
    assert "data-more" not in full.content.decode()

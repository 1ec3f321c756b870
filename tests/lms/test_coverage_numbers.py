"""Coverage numbers against the hand-worked scenario in tests/fixtures/coverage.py."""

import datetime as dt

import pytest

from django.utils import timezone

from lms.coverage.selectors import CoverageFilter, coverage_by_agency, load_agency_tree

pytestmark = pytest.mark.django_db


def _table(rows):
    return {
        row.code: (row.target, row.enrolled, row.completed, row.certified, row.expiring)
        for row in rows
    }


def test_awareness_track_rolls_up_communes_and_merged_agency(coverage_scenario):
    frame = coverage_by_agency(CoverageFilter(track="awareness"))
    assert _table(frame) == {
        # code: (target, enrolled, completed, certified, expiring)
        "P": (40, 5, 4, 2, 1),
        "P-STP": (10, 2, 2, 1, 0),
        "P-TD": (30, 3, 2, 1, 1),
        "P-TD-HS": (5, 2, 2, 1, 1),
        "P-TD-DT": (5, 0, 0, 0, 0),
    }
    pct = {row.code: row.coverage_pct for row in frame}
    assert pct["P-STP"] == 10.0
    assert pct["P-TD-HS"] == 20.0
    assert pct["P-TD"] == 3.3
    assert pct["P"] == 5.0


def test_merged_agency_has_no_row_of_its_own(coverage_scenario):
    frame = coverage_by_agency(CoverageFilter())
    assert "P-TD-MQ" not in {row.code for row in frame}


def test_period_filter_counts_enrolments_and_completions_inside_the_period(coverage_scenario):
    since = (timezone.localtime() - dt.timedelta(days=200)).date()
    frame = coverage_by_agency(CoverageFilter(track="awareness", since=since))
    table = _table(frame)
    assert table["P-TD"][:3] == (30, 2, 1)  # u7 enrolled 400 days ago; u3 completed long ago
    assert table["P-TD-HS"][:3] == (5, 2, 1)  # u3 enrolled again 20 days ago
    assert table["P"][:4] == (40, 4, 3, 2)


def test_until_in_the_past_judges_certificates_on_that_day(coverage_scenario):
    until = (timezone.localtime() - dt.timedelta(days=70)).date()
    table = _table(coverage_by_agency(CoverageFilter(track="awareness", until=until)))
    # 70 days ago u1 (issued 50 days ago) was not yet certified, u3's had expired (100 days
    # ago) and u4's (issued 90 days ago) was valid.
    assert table["P"][3] == 1
    assert table["P"][1] == 3  # u3 (900 days), u4 (100 days) and u7 (400 days)


def test_building_track_and_all_tracks(coverage_scenario):
    building = _table(coverage_by_agency(CoverageFilter(track="building")))
    assert building["P-TD-DT"] == (5, 1, 1, 1, 0)
    assert building["P-STP"] == (10, 0, 0, 0, 0)
    everything = _table(coverage_by_agency(CoverageFilter()))
    assert everything["P"] == (40, 6, 5, 3, 1)


def test_course_and_edition_filters(coverage_scenario):
    a2 = coverage_scenario["courses"]["a2"]
    by_course = _table(coverage_by_agency(CoverageFilter(course_id=a2.pk)))
    assert by_course["P"][:4] == (40, 2, 1, 0)  # u2 and u3; u2's certificate is revoked
    by_edition = _table(coverage_by_agency(CoverageFilter(edition="9001:2015")))
    # a1 and b1 teach 2015: u1, u2, u3, u4, u7 in a1 (u6 withdrew) and u5 in b1; u2 completed
    # only the 2008 course.
    assert by_edition["P"][:4] == (40, 6, 4, 3)


def test_kind_filter_keeps_rolled_up_numbers(coverage_scenario):
    frame = coverage_by_agency(CoverageFilter(track="awareness", kind="district"))
    assert _table(frame) == {"P-TD": (30, 3, 2, 1, 1)}


def test_scope_limits_rows_to_the_subtree(coverage_scenario):
    tree = load_agency_tree()
    scope = tree.subtree(coverage_scenario["district"].pk)
    frame = coverage_by_agency(CoverageFilter(track="awareness"), tree=tree, scope=scope)
    assert {row.code for row in frame} == {"P-TD", "P-TD-HS", "P-TD-DT"}
    assert _table(frame)["P-TD"] == (30, 3, 2, 1, 1)
    assert coverage_scenario["merged"].pk in scope


def test_merger_chain_and_reparented_successor_roll_up_to_the_final_agency(merger_scenario):
    frame = coverage_by_agency(CoverageFilter(track="awareness"))
    assert _table(frame) == {
        # code: (target, enrolled, completed, certified, expiring)
        "P": (61, 4, 4, 4, 0),
        "P-STP": (10, 0, 0, 0, 0),
        "P-TD": (36, 3, 3, 3, 0),
        "P-TD-HS": (5, 0, 0, 0, 0),
        "P-TD-DT": (5, 2, 2, 2, 0),  # Cù Vân → Gia Lộc → Đại Đình: two hops
        "P-TD-XB": (6, 1, 1, 1, 0),  # the town's people follow Xuân Bình to Tam Đảo
        "P-LD": (15, 1, 1, 1, 0),
    }


def test_merger_chain_reports_to_the_last_successor(merger_scenario):
    tree = load_agency_tree()
    final = merger_scenario["commune_b"].pk
    assert tree.reporting[merger_scenario["first"].pk] == final
    assert tree.reporting[merger_scenario["middle"].pk] == final
    assert tree.reporting[merger_scenario["town"].pk] == merger_scenario["moved"].pk
    district = merger_scenario["district"].pk
    assert {merger_scenario["first"].pk, merger_scenario["town"].pk} <= tree.subtree(district)
    assert merger_scenario["town"].pk not in tree.subtree(merger_scenario["other_district"].pk)

"""Coverage equals the dashboard's numbers; pagination walks every row once; no N+1; 429."""

import datetime as dt

import pytest

from django.utils import timezone

from lms.accounts import roles
from lms.coverage import selectors
from lms.coverage.permissions import coverage_scope


def _dashboard_rows(user, **filters):
    """What the dashboard computes for `user`: its scope, the selector, its order."""
    tree = selectors.load_agency_tree()
    scope = coverage_scope(user, tree)
    frame = selectors.sort_by_coverage(
        selectors.coverage_by_agency(selectors.CoverageFilter(**filters), tree=tree, scope=scope)
    )
    rows = [
        (row.code, row.target, row.enrolled, row.completed, row.certified, row.expiring)
        for row in frame
    ]
    return rows, selectors.coverage_totals(frame, tree, scope)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [{}, {"track": "awareness"}, {"since": dt.date(2020, 1, 1), "until": timezone.localdate()}],
)
def test_coverage_numbers_equal_the_dashboard_selector(
    coverage_scenario, officer, make_user, token_for, api_get, filters
):
    district_secretary = make_user(roles.SECRETARY, agency=coverage_scenario["district"])
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    for user in (officer, district_secretary):
        body = api_get(f"/coverage?{query}", token_for(user)).json()
        observed = [
            (r["code"], r["target"], r["enrolled"], r["completed"], r["certified"], r["expiring"])
            for r in body["items"]
        ]
        rows, totals = _dashboard_rows(user, **filters)
        assert observed == rows
        assert body["totals"] == totals
    assert any(row[4] for row in rows)  # the scenario certifies someone: not all zeros


def _walk(api_get, path, secret, limit):
    seen, cursor, pages = [], None, 0
    while True:
        url = f"{path}?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api_get(url, secret).json()
        seen += body["items"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return seen, pages


@pytest.mark.django_db
def test_pagination_walks_every_row_exactly_once(
    agency_tree, make_user, officer, token_for, api_get
):
    for _ in range(11):
        make_user(roles.TRAINEE, agency=agency_tree["commune_a"])
    secret = token_for(officer)
    everyone, pages = _walk(api_get, "/people", secret, limit=3)
    emails = [item["email"] for item in everyone]
    assert len(emails) == len(set(emails)) == 12
    assert pages == 4
    assert api_get("/people?limit=500", secret).json()["next"] is None
    assert api_get("/people?cursor=forged", secret).status_code == 400
    assert len(api_get("/people?limit=100000", secret).json()["items"]) == 12


def _fill(make_user, make_enrolment, make_certificate, course, agency, count):
    for _ in range(count):
        person = make_user(roles.TRAINEE, agency=agency)
        make_enrolment(person, course, completed_days_ago=1)
        make_certificate(person, course)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/agencies", "/people", "/courses", "/enrolments", "/completions", "/certificates"]
)
def test_lists_cost_the_same_queries_at_two_sizes(
    path,
    agency_tree,
    make_user,
    make_course,
    make_enrolment,
    make_certificate,
    secretary,
    officer,
    token_for,
    api_get,
    django_assert_max_num_queries,
):
    course = make_course(lessons=0)
    department = agency_tree["department"]
    budget = {}
    for user in (officer, secretary):
        secret = token_for(user)
        api_get(path, secret)  # warm the roles cache, as a client calling often would
        _fill(make_user, make_enrolment, make_certificate, course, department, 2)
        with django_assert_max_num_queries(8) as small:
            assert api_get(path, secret).status_code == 200
        _fill(make_user, make_enrolment, make_certificate, course, department, 20)
        with django_assert_max_num_queries(len(small)) as large:
            assert api_get(path, secret).status_code == 200
        budget[user.pk] = (len(small), len(large))
    assert all(small == large for small, large in budget.values()), budget


@pytest.mark.django_db
def test_rate_limit_per_token_gives_429(officer, secretary, token_for, api_get, settings):
    settings.API_RATE_PER_MINUTE = 3
    secret, other = token_for(officer), token_for(secretary)
    assert [api_get("/courses", secret).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = api_get("/courses", secret)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited.json()["detail"]
    assert api_get("/courses", other).status_code == 200

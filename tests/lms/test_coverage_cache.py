"""The coverage dashboard's numbers come from the shared cache until a write changes them."""

import pickle
import re

import pytest

from django.core.cache import cache
from django.urls import reverse

from courses.learning.enrolment import enrolments_bulk_ensure
from lms.accounts import roles
from lms.coverage import cache as coverage_cache

pytestmark = pytest.mark.django_db

URL = reverse("coverage:dashboard")
# Session, user, roles, permissions, site, home page and user profile (the base layout, as on
# every page): nothing that counts enrolments or certificates, and no filter form.
CACHED_QUERIES = 10
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _without_tokens(response) -> str:
    return TOKEN.sub("", response.content.decode())


@pytest.fixture
def shared_cache(monkeypatch):
    """As in production, where every worker reads the same Redis."""
    monkeypatch.setattr(coverage_cache, "ENABLED", True)
    cache.clear()
    yield
    cache.clear()


def test_second_request_reads_the_report_from_the_cache(
    client, officer, coverage_scenario, shared_cache, django_assert_max_num_queries
):
    client.force_login(officer)
    first = client.get(URL, {"track": "awareness"})
    with django_assert_max_num_queries(CACHED_QUERIES) as queries:
        second = client.get(URL, {"track": "awareness"})

    counted = ("courses_enrolment", "courses_certificate", "accounts_agency")
    assert not [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in counted)]

    assert second.context["totals"] == first.context["totals"]
    assert _without_tokens(second) == _without_tokens(first)
    # Another filter is another entry, not the first one's numbers.
    building = client.get(URL, {"track": "building"})
    assert building.context["totals"] != first.context["totals"]


def test_cached_report_is_plain_python(client, officer, coverage_scenario, shared_cache):
    """A cache hit must not import pandas or numpy to unpickle the numbers."""
    client.force_login(officer)
    client.get(URL)
    key = coverage_cache.report_key("province", client.get(URL).wsgi_request.GET)
    stored = pickle.dumps(cache.get(key))
    assert b"numpy" not in stored
    assert b"pandas" not in stored


def test_a_new_completion_changes_the_figures(
    client, officer, coverage_scenario, make_enrolment, make_user, shared_cache
):
    client.force_login(officer)
    before = client.get(URL).context["totals"]

    newcomer = make_user(roles.TRAINEE, agency=coverage_scenario["department"])
    make_enrolment(newcomer, coverage_scenario["courses"]["b1"], completed_days_ago=1)
    after = client.get(URL).context["totals"]

    assert after["completed"] == before["completed"] + 1
    assert after["enrolled"] == before["enrolled"] + 1


def test_bulk_enrolment_changes_the_figures(
    client, officer, coverage_scenario, make_user, shared_cache
):
    """Bulk writes send no signals: the service bumps the version itself."""
    client.force_login(officer)
    before = client.get(URL).context["totals"]
    people = [
        make_user(roles.TRAINEE, agency=coverage_scenario["commune_b"], email=f"bulk{n}@x.vn")
        for n in range(3)
    ]
    # make_user saved people (a signal): read the page again so only the bulk write is new.
    before = client.get(URL).context["totals"]

    enrolments_bulk_ensure(
        users=people, course=coverage_scenario["courses"]["b1"], source="bulk", actor=None
    )

    assert client.get(URL).context["totals"]["enrolled"] == before["enrolled"] + 3


def test_secretary_and_officer_do_not_share_an_entry(
    client, officer, secretary, coverage_scenario, shared_cache
):
    client.force_login(officer)
    province = client.get(URL).context["totals"]
    client.force_login(secretary)
    own = client.get(URL).context["totals"]

    assert own["target"] == 10
    assert province["target"] != own["target"]


def test_a_request_waits_for_the_report_another_is_building(monkeypatch, shared_cache):
    """Concurrent misses do not each aggregate the province: the later ones wait."""
    key = "coverage:report:test"
    cache.add(f"{key}:building", 1, 60)  # another worker is building this report

    def finished_meanwhile(seconds):
        cache.set(key, {"totals": {"target": 7}})

    monkeypatch.setattr(coverage_cache.time, "sleep", finished_meanwhile)

    def build():
        raise AssertionError("built twice")

    assert coverage_cache.cached_report(key, build) == {"totals": {"target": 7}}


def test_a_cached_page_carries_the_viewers_own_csrf_token(
    officer, make_user, coverage_scenario, shared_cache
):
    """The stored body has a placeholder: each viewer's export form posts with their token."""
    from django.test import Client

    other = make_user(roles.DOST_OFFICER, agency=coverage_scenario["province"], is_staff=True)
    tokens = []
    for user in (officer, other):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(URL, {"track": "awareness"})
        token = TOKEN.findall(page.content.decode())[-1]  # the export form's
        assert "stored-page-csrf-token" not in page.content.decode()
        export = client.post(
            reverse("coverage:export"),
            {"format": "csv", "track": "awareness", "csrfmiddlewaretoken": token},
        )
        assert export.status_code == 200
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_a_cached_page_keeps_scope_language_and_messages(
    client, officer, secretary, coverage_scenario, shared_cache
):
    from django.conf import settings
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    client.force_login(officer)
    province = client.get(URL).content.decode()
    client.get(URL)  # stored
    client.force_login(secretary)
    own = client.get(URL)
    assert "Huyện Tam Đảo" in province and "Huyện Tam Đảo" not in own.content.decode()
    # A message queued for the next page shows on a cached page too.
    storage = CookieStorage(own.wsgi_request)
    storage.add(constants.SUCCESS, "Đã lưu kế hoạch đào tạo.")
    response = own.__class__()
    storage.update(response)
    client.cookies.update(response.cookies)
    assert "Đã lưu kế hoạch đào tạo." in client.get(URL).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).content.decode()
    assert "ISO 9001 training coverage" in english and "Huyện Tam Đảo" not in english


def test_a_value_holding_an_ampersand_is_not_another_query(shared_cache):
    from django.http import QueryDict

    # ?all=1%26track=x (one value) must not be stored under the key of ?all=1&track=x.
    one_value = QueryDict(mutable=True)
    one_value["all"] = "1&track=x"
    assert coverage_cache.report_key("province", one_value) != coverage_cache.report_key(
        "province", QueryDict("all=1&track=x")
    )

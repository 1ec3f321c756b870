"""The catalogue page is served whole from the cache to anonymous visitors."""

import re

import pytest

from django.test import Client

pytestmark = pytest.mark.django_db


def _csrf(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_anonymous_catalogue_is_served_without_queries(
    client, make_course, django_assert_max_num_queries
):
    make_course(title="Khóa học đệm toàn trang")
    first = client.get("/courses/")

    with django_assert_max_num_queries(0):
        second = Client().get("/courses/")

    assert second.status_code == 200
    assert "Khóa học đệm toàn trang" in second.content.decode()
    assert _csrf(second) != _csrf(first)  # each visitor gets a token of their own


def test_cached_catalogue_language_switcher_passes_csrf(client, make_course):
    make_course()
    client.get("/courses/")  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/courses/")

    switched = visitor.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/courses/", "csrfmiddlewaretoken": _csrf(page)},
    )

    assert switched.status_code == 302
    english = visitor.get("/courses/")
    assert 'lang="en"' in english.content.decode()


def test_publishing_a_course_refreshes_the_cached_catalogue(client, make_course):
    make_course(title="Khóa học thứ nhất")
    client.get("/courses/")

    make_course(title="Khóa học mới đăng")

    assert "Khóa học mới đăng" in Client().get("/courses/").content.decode()


def test_signed_in_users_and_other_parameters_bypass_the_page_cache(
    client, trainee, course, django_assert_max_num_queries
):
    Client().get("/courses/")
    client.force_login(trainee)

    signed_in = client.get("/courses/")

    assert 'action="/accounts/logout/"' in signed_in.content.decode()  # not the anonymous copy
    anonymous = Client()
    anonymous.get("/courses/?utm=1")
    with django_assert_max_num_queries(20) as captured:
        anonymous.get("/courses/?utm=2")
    assert len(captured) > 0  # an unknown parameter is rendered, not stored


def test_catalogue_filters_are_cached_separately(client, make_course):
    make_course(title="Khóa nhận thức", track="awareness")
    make_course(title="Khóa xây dựng", track="building")

    client.get("/courses/?track=building")
    building = Client().get("/courses/?track=building").content.decode()
    everything = Client().get("/courses/").content.decode()

    assert "Khóa xây dựng" in building and "Khóa nhận thức" not in building
    assert "Khóa nhận thức" in everything and "Khóa xây dựng" in everything

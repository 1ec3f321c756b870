"""Lessons are routed from the shared cache, and any change to the page tree is seen at once."""

import pytest

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction, Site

from courses.learning.enrolment import enrolment_create
from courses.models import LessonPage
from lms.core.models import OrganisationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[True, False], ids=["shared cache", "per-process cache"])
def shared_cache(request, monkeypatch):
    monkeypatch.setattr("lms.core.pagecache.SHARED", request.param)


@pytest.fixture
def reading(client, trainee, make_course):
    """A trainee enrolled in a three-lesson course, who has opened lesson 2 once."""
    course = make_course(lessons=3)
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    lesson = LessonPage.objects.child_of(course).get(slug="bai-2")
    assert client.get(lesson.url).status_code == 200  # the route and outline are now cached
    return course, lesson


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_published_edit_is_shown_on_the_next_request(client, reading):
    _course, lesson = reading
    lesson.body = [("paragraph", "<p>Hồ sơ là bằng chứng của việc đã thực hiện.</p>")]
    lesson.save_revision().publish()
    assert "Hồ sơ là bằng chứng của việc đã thực hiện." in _page(client, lesson.url)


def test_an_unpublished_lesson_is_gone_from_the_route_and_the_outline(client, reading):
    course, lesson = reading
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    sibling = LessonPage.objects.child_of(course).get(slug="bai-1")
    assert lesson.title not in _page(client, sibling.url).replace(sibling.title, "")


def test_a_new_lesson_appears_in_the_outline(client, reading):
    course, lesson = reading
    added = LessonPage(title="Bài 4: Đánh giá nội bộ", slug="bai-4", body=[])
    course.add_child(instance=added)
    added.save_revision().publish()
    assert "Bài 4: Đánh giá nội bộ" in _page(client, lesson.url)


def test_a_new_view_restriction_applies_to_a_cached_route(client, reading):
    course, lesson = reading
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Ban ISO"))
    assert client.get(lesson.url).status_code in (302, 403)


def test_a_moved_course_is_served_at_its_new_address_only(client, reading, site_tree):
    course, lesson = reading
    old_url = lesson.url
    course.move(site_tree["catalogue"], pos="last-child")  # same parent: address unchanged
    course.slug = "khoa-hoc-moi"
    course.save_revision().publish()
    lesson.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert lesson.title in _page(client, lesson.url)


def test_organisation_settings_edits_show_at_once(client, reading):
    _course, lesson = reading
    settings = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh"
    settings.save()
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Ninh" in _page(client, lesson.url)


def test_a_change_is_announced_again_after_commit(reading, django_capture_on_commit_callbacks):
    from lms.core import pagecache

    _course, lesson = reading
    with django_capture_on_commit_callbacks(execute=True):
        lesson.title = "Bài 2: hồ sơ"
        lesson.save_revision().publish()
        # Another request, before the commit, reads the tree as it was under this version.
        during = pagecache.pages_version()
    # What it stored under that version is never read after the commit.
    assert pagecache.pages_version() != during

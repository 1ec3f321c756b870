"""A trainee's lesson page is served from the lesson cache, and never shows less than is true.

A stored page is served only while what it shows of the person (name, roles, enrolment,
completions) is unchanged, so each test changes one of these, by each kind of write path,
and expects the next request to show it.
"""

import re

import pytest

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from courses.learning import lesson_cache
from courses.learning.enrolment import enrolment_create
from courses.learning.models import Enrolment
from courses.learning.progress import activity_mark_done
from courses.models import LessonPage
from lms.accounts import roles
from lms.core import pagecache
from lms.core.signals import send_bulk_written

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(monkeypatch):
    """As deployed, with Redis: the lesson cache is used only with a shared cache."""
    monkeypatch.setattr("lms.core.pagecache.SHARED", True)


@pytest.fixture
def reading(client, trainee, make_course):
    """A trainee enrolled in a three-lesson course, whose lesson 1 page is stored."""
    course = make_course(lessons=3)
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    lesson = LessonPage.objects.child_of(course).get(slug="bai-1")
    assert client.get(lesson.url).status_code == 200
    return course, lesson


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_stored_lesson_is_served_without_rendering(
    client, reading, django_assert_max_num_queries, monkeypatch
):
    _course, lesson = reading
    first = _page(client, lesson.url)

    def no_rendering(*args, **kwargs):
        raise AssertionError("the stored page should have been served")

    monkeypatch.setattr("courses.learning.views.lesson_context", no_rendering)
    # The session and the person (the roles come with the page from the cache): nothing else.
    with django_assert_max_num_queries(2):
        again = _page(client, lesson.url)
    assert _without_tokens(again) == _without_tokens(first)


def test_marking_the_lesson_done_shows_at_once(client, trainee, reading):
    _course, lesson = reading
    assert "Đánh dấu đã học xong" in _page(client, lesson.url)
    activity_mark_done(user=trainee, page=lesson)
    page = _page(client, lesson.url)
    assert "Đánh dấu đã học xong" not in page
    assert "Đã hoàn thành" in page


def test_withdrawal_shows_at_once(client, trainee, reading):
    course, lesson = reading
    course.is_open = False
    course.save_revision().publish()
    assert "enrol-first" not in _page(client, lesson.url)
    enrolment = trainee.enrolments.get()
    enrolment.status = "withdrawn"
    enrolment.save()
    assert "enrol-first" in _page(client, lesson.url)


def test_bulk_writes_show_at_once(client, trainee, reading):
    course, lesson = reading
    course.is_open = False
    course.save_revision().publish()
    assert "enrol-first" not in _page(client, lesson.url)
    trainee.enrolments.update(status="withdrawn")
    send_bulk_written(Enrolment)  # what every bulk path sends after writing
    assert "enrol-first" in _page(client, lesson.url)


def test_a_write_is_announced_again_after_commit(
    trainee, reading, django_capture_on_commit_callbacks
):
    _course, lesson = reading
    key = f"courses:standing:{trainee.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        activity_mark_done(user=trainee, page=lesson)
        during = cache.get(key)
    # A page rendered before the commit, from the rows before it, is never current after it.
    assert cache.get(key) > during


def test_a_new_name_and_a_new_role_show_at_once(client, trainee, reading):
    _course, lesson = reading
    trainee.full_name = "Nguyễn Thị Mới"
    trainee.save()
    trainee.groups.add(Group.objects.get_or_create(name=roles.TRAINER)[0])
    page = _page(client, lesson.url)
    assert "Nguyễn Thị Mới" in page
    assert reverse("classes:list") in page


def test_every_session_gets_its_own_csrf_token(trainee, reading):
    _course, lesson = reading
    other_device = Client(enforce_csrf_checks=True)
    other_device.force_login(trainee)
    page = _page(other_device, lesson.url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert token != pagecache.CSRF_PLACEHOLDER
    response = other_device.post(
        reverse("courses:activity_done", args=[lesson.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert trainee.enrolments.get().completions.filter(page=lesson).exists()


def test_the_placeholder_written_in_a_lesson_stays_text(client, reading):
    # Otherwise a link in a lesson could carry each reader's CSRF token to another site.
    _course, lesson = reading
    link = f'<a href="https://example.com/?t={pagecache.CSRF_PLACEHOLDER}">Xem</a>'
    text = '<p>name="csrfmiddlewaretoken" value="x"</p>'
    lesson.body = [("paragraph", f"<p>{link}</p>{text}")]
    lesson.save_revision().publish()
    for page in (_page(client, lesson.url), _page(client, lesson.url)):  # rendered, stored
        assert link in page and text in page


def test_people_never_see_each_others_page(client, other_trainee, reading):
    course, lesson = reading
    enrolment_create(user=other_trainee, course=course, source="self")
    other = Client()
    other.force_login(other_trainee)
    assert other_trainee.get_full_name() in _page(other, lesson.url)
    assert other_trainee.get_full_name() not in _page(client, lesson.url)


def test_staff_and_pending_messages_are_not_stored(client, trainee, reading, monkeypatch):
    _course, lesson = reading
    stored = []
    monkeypatch.setattr(lesson_cache, "page_for_storage", lambda r: stored.append(r) or ("", ""))
    trainee.is_staff = True
    trainee.save()
    _page(client, lesson.url)
    trainee.is_staff = False
    trainee.save()
    session = client.session
    session["_messages"] = "[]"
    session.save()
    _page(client, lesson.url)
    assert stored == []


def _storing(monkeypatch) -> list:
    stored = []
    keep = lesson_cache.page_for_storage
    monkeypatch.setattr(lesson_cache, "page_for_storage", lambda r: stored.append(r) or keep(r))
    return stored


def test_without_a_shared_cache_every_lesson_is_rendered(client, reading, monkeypatch):
    # Each worker would have its own copy: a lesson marked done through another worker (or a
    # celery task) would still show as to do here.
    monkeypatch.setattr("lms.core.pagecache.SHARED", False)
    _course, lesson = reading
    cache.clear()
    stored = _storing(monkeypatch)
    assert "Đánh dấu đã học xong" in _page(client, lesson.url)
    assert "Đánh dấu đã học xong" in _page(client, lesson.url)
    assert stored == []


def test_a_stored_page_carries_the_headers_of_a_rendered_one(client, reading, monkeypatch):
    _course, lesson = reading
    cache.clear()
    stored = _storing(monkeypatch)
    rendered = client.get(lesson.url)
    served = client.get(lesson.url)
    assert len(stored) == 1  # the second came from the cache
    assert dict(served.headers) == dict(rendered.headers)
    assert served.cookies.keys() == rendered.cookies.keys()


def test_each_host_has_its_own_page(client, reading, monkeypatch):
    # The footer names the organisation of the site the host belongs to.
    _course, lesson = reading
    stored = _storing(monkeypatch)
    _page(client, lesson.url)
    assert stored == []
    response = client.get(lesson.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert len(stored) == 1


def test_a_password_restriction_is_asked_of_every_session(client, trainee, reading):
    from wagtail.models import PageViewRestriction

    _course, lesson = reading
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, lesson.pk])
    client.post(url, {"password": "mat-khau", "return_url": lesson.url})
    rendered = client.get(lesson.url)
    assert "Đánh dấu đã học xong" in rendered.content.decode()
    served = client.get(lesson.url)
    assert "no-store" in served["Cache-Control"] and "no-store" in rendered["Cache-Control"]
    other_device = Client()
    other_device.force_login(trainee)
    page = _page(other_device, lesson.url)
    assert "Đánh dấu đã học xong" not in page
    assert 'name="password"' in page


def test_a_group_restriction_is_checked_on_every_request(client, trainee, reading):
    from wagtail.models import PageViewRestriction

    _course, lesson = reading
    group = Group.objects.create(name="Ban ISO sở")
    trainee.groups.add(group)
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    _page(client, lesson.url)
    _page(client, lesson.url)
    trainee.groups.remove(group)
    assert client.get(lesson.url).status_code == 302


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_completing_a_course_moves_only_that_persons_pages(trainee, other_trainee, make_course):
    course = make_course(lessons=1)
    enrolment_create(user=trainee, course=course, source="self")
    epoch = cache.get_or_set(lesson_cache.EPOCH_KEY, 1)
    others = cache.get_or_set(f"courses:standing:{other_trainee.pk}", 1)
    mine = cache.get_or_set(f"courses:standing:{trainee.pk}", 1)
    activity_mark_done(user=trainee, page=LessonPage.objects.child_of(course).get())
    assert trainee.enrolments.get().completed_at is not None  # the course is complete
    assert cache.get(f"courses:standing:{trainee.pk}") > mine
    assert cache.get(lesson_cache.EPOCH_KEY) == epoch
    assert cache.get(f"courses:standing:{other_trainee.pk}") == others


def test_enrolling_people_in_bulk_moves_only_their_pages(trainee, other_trainee, make_course):
    from courses.learning.enrolment import enrolments_bulk_ensure

    course = make_course(lessons=1)
    epoch = cache.get_or_set(lesson_cache.EPOCH_KEY, 1)
    others = cache.get_or_set(f"courses:standing:{other_trainee.pk}", 1)
    mine = cache.get_or_set(f"courses:standing:{trainee.pk}", 1)
    enrolments_bulk_ensure(users=[trainee], course=course, source="self")
    assert cache.get(f"courses:standing:{trainee.pk}") > mine
    assert cache.get(lesson_cache.EPOCH_KEY) == epoch
    assert cache.get(f"courses:standing:{other_trainee.pk}") == others


def test_a_roster_sized_write_moves_the_epoch_in_one_write(monkeypatch):
    from courses.learning.lesson_cache import FEW_PEOPLE

    bumped = []
    monkeypatch.setattr(lesson_cache, "standing_changed", bumped.append)
    send_bulk_written(Enrolment, user_ids=list(range(1, FEW_PEOPLE + 2)))
    assert bumped == [[lesson_cache.EPOCH_KEY]]

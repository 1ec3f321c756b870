import pytest

from django.conf import settings
from django.core.management.base import OutputWrapper
from django.urls import reverse

from courses.learning.enrolment import enrolment_create
from courses.models import ActivityCompletion, CoursePage, Enrolment, LessonPage


def _lesson(course, number):
    return LessonPage.objects.child_of(course).get(slug=f"bai-{number}")


@pytest.mark.django_db
def test_trainee_enrols_reads_two_lessons_and_resumes_at_the_third_after_signing_in_again(
    client, trainee, course
):
    client.force_login(trainee)
    client.post(reverse("courses:enrol", args=[course.pk]))
    for number in (1, 2):
        response = client.post(
            reverse("courses:activity_done", args=[_lesson(course, number).pk]), {"next": "1"}
        )
        assert response.url == _lesson(course, number + 1).url
    client.logout()
    client.force_login(trainee)
    response = client.get(reverse("courses:resume", args=[course.pk]))
    assert response.url == _lesson(course, 3).url
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert 'aria-valuenow="67"' in html
    assert f'href="{_lesson(course, 3).url}"' in html


@pytest.mark.django_db
def test_mark_complete_button_records_once_and_returns_to_lesson(client, trainee, course):
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    url = reverse("courses:activity_done", args=[_lesson(course, 2).pk])
    assert client.post(url).url == _lesson(course, 2).url
    client.post(url)
    assert ActivityCompletion.objects.filter(enrolment=enrolment).count() == 1


@pytest.mark.django_db
def test_finishing_the_last_lesson_completes_the_course(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    for number in (1, 2, 3):
        response = client.post(
            reverse("courses:activity_done", args=[_lesson(course, number).pk]), {"next": "1"}
        )
    assert response.url == course.url
    assert Enrolment.objects.get(user=trainee).completed_at is not None
    assert client.get(reverse("courses:resume", args=[course.pk])).url == course.url


@pytest.mark.django_db
def test_mark_done_needs_enrolment_post_and_login(client, trainee, course):
    url = reverse("courses:activity_done", args=[_lesson(course, 1).pk])
    assert "/accounts/login/" in client.post(url).url
    client.force_login(trainee)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.url == course.url
    assert not ActivityCompletion.objects.exists()


@pytest.mark.django_db
def test_my_learning_lists_only_own_enrolments(client, trainee, other_trainee, make_course):
    mine = make_course(title="Khóa của tôi")
    theirs = make_course(title="Khóa của người khác")
    enrolment_create(user=trainee, course=mine, source="self")
    enrolment_create(user=other_trainee, course=theirs, source="self")
    client.force_login(trainee)
    html = client.get(reverse("courses:my_learning")).content.decode()
    assert "Khóa của tôi" in html and "Khóa của người khác" not in html


@pytest.mark.django_db
def test_home_page_offers_to_continue_learning(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    html = client.get("/").content.decode()
    assert reverse("courses:resume", args=[course.pk]) in html


@pytest.mark.django_db
def test_navigation_links_the_live_catalogue_and_marks_my_learning_current(client, trainee, course):
    client.force_login(trainee)
    response = client.get(reverse("courses:my_learning"))
    items = {item["label"]: item for item in response.context["nav_items"]}
    assert items["Khóa học"]["url"] == "/courses/"
    assert not items["Khóa học"]["active"]
    assert items["Học tập của tôi"]["active"]


@pytest.mark.django_db
def test_demo_learning_steps_run_twice_without_duplicates(tmp_path, settings_media):
    from courses.learning import demo as learning
    from lms.accounts import demo as accounts_demo
    from lms.site import demo as core_demo

    fixtures = settings.BASE_DIR / "fixtures"
    accounts_demo.load_agencies(fixtures / "agencies.csv")
    core_demo.load_home_page()
    accounts_demo.load_role_users()
    out = OutputWrapper(open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    counts = []
    for _run in range(2):
        for step in learning.STEPS:
            step(fixtures=fixtures, stdout=out)
        counts.append(
            (
                CoursePage.objects.count(),
                LessonPage.objects.count(),
                Enrolment.objects.count(),
                ActivityCompletion.objects.count(),
            )
        )
    assert counts[0] == counts[1]
    # Four tracks and the 2008 awareness course of the edition transition, in vi and en.
    assert counts[0][0] == 10 and counts[0][1] >= 33
    awareness = CoursePage.objects.get(slug="nhan-thuc-iso-9001-2015")
    demo_enrolment = Enrolment.objects.get(user__email="hocvien@demo.vn", course=awareness)
    assert demo_enrolment.completions.count() == 2
    assert Enrolment.objects.filter(completed_at__isnull=False).exists()
    english = CoursePage.objects.get(slug="xay-dung-htqlcl-iso-9001-2015-en")
    assert english.language == "en"
    assert [page.slug for page in english.prerequisites.all()] == ["nhan-thuc-iso-9001-2015-en"]


@pytest.fixture
def settings_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

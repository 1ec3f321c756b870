import pytest

from django.urls import reverse

from courses.models import LessonPage
from courses.services.enrolment import enrolment_create


def _lesson(course, number):
    return LessonPage.objects.child_of(course).get(slug=f"bai-{number}")


@pytest.mark.django_db
def test_catalogue_is_served_at_courses_and_catalogue_url_redirects(client, course):
    response = client.get("/courses/")
    assert response.status_code == 200
    assert course.title in response.content.decode()
    assert client.get(reverse("courses:catalogue")).url == "/courses/"


@pytest.mark.django_db
def test_course_page_shows_outline_and_enrol_button(client, trainee, course):
    client.force_login(trainee)
    html = client.get(course.url).content.decode()
    assert "Bài 1: Tài liệu và hồ sơ" in html
    assert reverse("courses:enrol", args=[course.pk]) in html


@pytest.mark.django_db
def test_lesson_page_shows_body_to_enrolled_trainee(client, trainee, course):
    enrolment_create(user=trainee, course=course, source="self")
    client.force_login(trainee)
    response = client.get(_lesson(course, 2).url)
    html = response.content.decode()
    assert "Nội dung bài 2." in html
    assert "Bài 1: Tài liệu và hồ sơ" in html  # previous link / outline
    assert reverse("courses:activity_done", args=[_lesson(course, 2).pk]) in html

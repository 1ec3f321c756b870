"""'Cấp chứng nhận cho buổi học' says why it issued nothing."""

import pytest

from django.urls import reverse

pytestmark = pytest.mark.django_db


def _issue(client, officer, session):
    client.force_login(officer)
    response = client.post(
        reverse("certificates:issue_session"), {"session": session.pk}, follow=True
    )
    return [str(message) for message in response.context["messages"]]


def test_no_one_attended(client, officer, class_session):
    assert _issue(client, officer, class_session) == [
        "Không cấp chứng nhận nào: chưa có học viên nào được điểm danh có mặt ở buổi học này."
    ]


def test_attendees_who_have_not_completed_are_counted(
    client, officer, class_session, course, make_user, complete_course
):
    from courses.models import Attendance

    done, not_done = make_user(), make_user()
    complete_course(done, course)
    for user in (done, not_done):
        Attendance.objects.create(session=class_session, user=user, status="present")
    assert _issue(client, officer, class_session) == [
        "Đã cấp 1 chứng nhận; 0 học viên đã có chứng nhận. "
        "1 học viên có mặt chưa hoàn thành khóa học nên chưa được cấp."
    ]
    assert _issue(client, officer, class_session) == [
        "Đã cấp 0 chứng nhận; 1 học viên đã có chứng nhận. "
        "1 học viên có mặt chưa hoàn thành khóa học nên chưa được cấp."
    ]

import pytest

from django.urls import reverse

from courses.models import Enrolment
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def test_person_with_training_records_is_archived_not_deleted(client, make_user, trainee, course):
    admin = make_user(None, is_staff=True, is_superuser=True)
    Enrolment.objects.create(user=trainee, course=course)
    client.force_login(admin)

    response = client.post(reverse("wagtailusers_users:delete", args=[trainee.pk]), follow=True)

    assert User.objects.filter(pk=trainee.pk).exists()
    assert Enrolment.objects.filter(user=trainee).exists()
    assert "đã có hồ sơ đào tạo" in response.content.decode()


def test_person_without_records_can_be_deleted(client, make_user):
    admin = make_user(None, is_staff=True, is_superuser=True)
    mistaken = make_user(email="nham@example.vn")
    client.force_login(admin)

    client.post(reverse("wagtailusers_users:delete", args=[mistaken.pk]))

    assert not User.objects.filter(pk=mistaken.pk).exists()

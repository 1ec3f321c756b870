import re

import pytest

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.accounts import roles
from lms.accounts.models import Agency, User
from lms.accounts.services import agency_merge
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_signup_verify_email_login_and_logout(client, agency_tree):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Nguye\u0302\u0303n Thi\u0323 Lan",  # typed as NFD
            "email": "Lan.Nguyen@Example.VN",
            "agency": agency_tree["department"].name,
            "position": "Chuyên viên",
            "password1": "Mat-khau-manh-2026",
            "password2": "Mat-khau-manh-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="lan.nguyen@example.vn")
    assert user.full_name == "Nguyễn Thị Lan"
    assert user.agency == agency_tree["department"]
    assert roles.has_role(user, roles.TRAINEE)

    # Unverified: login is held until the e-mail link is followed.
    verification = next(m for m in mail.outbox if "/accounts/confirm-email/" in m.body)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", verification.body).group(0)
    client.post(link.replace("http://testserver", ""))
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "lan.nguyen@example.vn", "password": "Mat-khau-manh-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("profile")).status_code == 302


def test_signup_rejects_single_word_name_and_writes_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Lan",
            "email": "lan@example.vn",
            "password1": "Mat-khau-manh-2026",
            "password2": "Mat-khau-manh-2026",
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Vui lòng nhập đầy đủ họ và tên." in response.content.decode()
    assert not User.objects.filter(email="lan@example.vn").exists()


def test_welcome_email_is_sent_after_signup(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "full_name": "Trần Văn Bình",
                "email": "binh@example.vn",
                "password1": "Mat-khau-manh-2026",
                "password2": "Mat-khau-manh-2026",
            },
        )
    subjects = [message.subject for message in mail.outbox]
    assert "Chào mừng bạn đến với chương trình đào tạo ISO 9001" in subjects


def test_role_groups(make_user):
    trainer = make_user(roles.TRAINER)
    assert roles.has_role(trainer, roles.TRAINER)
    assert not roles.has_role(trainer, roles.DOST_OFFICER)
    assert roles.user_roles(trainer) == {roles.TRAINER}


def test_email_is_the_login_and_is_lower_cased():
    user = User.objects.create_user(email="A.B@Example.VN", password="x-secret-123")
    assert user.email == "a.b@example.vn"
    assert User.USERNAME_FIELD == "email"


def test_agency_tree_includes_communes_of_a_district(agency_tree):
    district = agency_tree["district"]
    assert district.descendant_ids() == {
        district.pk,
        agency_tree["commune_a"].pk,
        agency_tree["commune_b"].pk,
    }


def test_merged_agency_keeps_its_members_and_reports_under_the_survivor(agency_tree, make_user):
    commune_a, commune_b = agency_tree["commune_a"], agency_tree["commune_b"]
    member = make_user(agency=commune_a)
    agency_merge(agency=commune_a, into=commune_b)

    commune_a.refresh_from_db()
    member.refresh_from_db()
    assert member.agency == commune_a  # who trained where is kept
    assert not commune_a.is_active
    assert commune_a.reporting_agency() == commune_b
    assert commune_a.pk in commune_b.descendant_ids()
    assert AuditEvent.objects.filter(verb="agency.merge", object_id=str(commune_a.pk)).exists()


def test_agency_cannot_merge_into_itself(agency_tree):
    with pytest.raises(ValidationError) as error:
        agency_merge(agency=agency_tree["district"], into=agency_tree["district"])
    assert "merged_into" in error.value.message_dict


def test_agency_names_are_stored_nfc():
    agency = Agency.objects.create(code="X", name="  Xa\u0303 Hô\u0300 Sơn ", kind="commune")
    assert agency.name == "Xã Hồ Sơn"


@pytest.mark.django_db
def test_user_invite_creates_once_and_only_fills_what_the_profile_lacks():
    from allauth.account.models import EmailAddress

    from lms.accounts.services import Invitee, user_invite, users_invite_bulk

    user, created = user_invite(email=" Moi.Den@tamdao.example.vn ", full_name="Nguyễn Văn Mới")
    assert created and not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    again, created = user_invite(email="moi.den@tamdao.example.vn", full_name="Tên khác")
    assert (again.pk, created) == (user.pk, False)
    again.refresh_from_db()
    assert again.full_name == "Nguyễn Văn Mới"  # never overwritten
    users = users_invite_bulk([Invitee(email="moi.den@tamdao.example.vn", position="Thư ký")])
    users["moi.den@tamdao.example.vn"].refresh_from_db()
    assert users["moi.den@tamdao.example.vn"].position == "Thư ký"  # filled: it was empty

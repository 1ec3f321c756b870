"""Rules the admin could break: each is a database constraint, a located `clean()` message, and
the service and one form or command door refuse it."""

from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from courses.classes.attendance import AttendanceError, walk_in_add
from courses.models import ClassMember, ClassSession
from lms.accounts.models import Agency, User
from lms.accounts.services import agency_merge
from quizzes.models import QuestionBank, QuestionCategory
from quizzes.services import questions_import

pytestmark = pytest.mark.django_db


def _refused_by_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --- a session ends after it starts -----------------------------------------------------------


def test_session_ending_before_it_starts_is_refused_on_ends_at(class_session):
    class_session.ends_at = class_session.starts_at - timedelta(hours=1)

    with pytest.raises(ValidationError) as error:
        class_session.full_clean()

    assert error.value.message_dict == {"ends_at": ["Giờ kết thúc phải sau giờ bắt đầu."]}
    _refused_by_database(
        lambda: ClassSession.objects.filter(pk=class_session.pk).update(
            ends_at=class_session.starts_at
        )
    )


def test_session_form_in_wagtail_shows_the_error_on_ends_at(client, make_user, class_session):
    client.force_login(make_user(None, is_staff=True, is_superuser=True))
    url = reverse(ClassSession.snippet_viewset.get_url_name("edit"), args=[class_session.pk])
    starts = class_session.starts_at.astimezone().replace(tzinfo=None)
    data = {
        "training_class": class_session.training_class_id,
        "title": "Buổi 1",
        "starts_at": f"{starts:%Y-%m-%d %H:%M}",
        "ends_at": f"{starts - timedelta(hours=2):%Y-%m-%d %H:%M}",
        "venue": "Hội trường",
        "status": "planned",
        "checkin_opens_minutes": 30,
        "checkin_closes_minutes": 120,
        "late_after_minutes": 15,
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["Giờ kết thúc phải sau giờ bắt đầu."]
    class_session.refresh_from_db()
    assert class_session.ends_at > class_session.starts_at


# --- agency merges do not make a cycle --------------------------------------------------------


def test_agency_merge_into_itself_or_back_into_its_own_merger_is_refused(agency_tree):
    commune_a, commune_b = agency_tree["commune_a"], agency_tree["commune_b"]
    with pytest.raises(ValidationError) as itself:
        agency_merge(agency=commune_a, into=commune_a)
    agency_merge(agency=commune_a, into=commune_b)
    with pytest.raises(ValidationError) as cycle:
        agency_merge(agency=commune_b, into=commune_a)

    assert set(itself.value.message_dict) == {"merged_into"}
    assert "sáp nhập" in cycle.value.message_dict["merged_into"][0]
    commune_b.refresh_from_db()
    assert commune_b.merged_into is None and commune_b.is_active
    _refused_by_database(
        lambda: Agency.objects.filter(pk=commune_b.pk).update(merged_into=commune_b)
    )
    _refused_by_database(lambda: Agency.objects.filter(pk=commune_b.pk).update(parent=commune_b))


def test_agency_parent_cycle_is_refused_on_parent(agency_tree):
    province = agency_tree["province"]
    province.parent = agency_tree["commune_a"]  # a commune below the province

    with pytest.raises(ValidationError) as error:
        province.full_clean()

    assert set(error.value.message_dict) == {"parent"}


def test_django_admin_agency_form_refuses_a_merge_cycle(client, make_user, agency_tree):
    commune_a, commune_b = agency_tree["commune_a"], agency_tree["commune_b"]
    agency_merge(agency=commune_a, into=commune_b)
    client.force_login(make_user(None, is_staff=True, is_superuser=True))
    data = {
        "code": commune_b.code,
        "name": commune_b.name,
        "kind": commune_b.kind,
        "parent": commune_b.parent_id or "",
        "target_headcount": 10,
        "is_active": "on",
        "merged_into": commune_a.pk,
        "merged_at": "",
    }

    response = client.post(reverse("admin:accounts_agency_change", args=[commune_b.pk]), data)

    assert response.status_code == 200
    assert "merged_into" in response.context["adminform"].form.errors
    commune_b.refresh_from_db()
    assert commune_b.merged_into is None


# --- a walk-in's e-mail is an address ---------------------------------------------------------


def test_walk_in_with_an_email_that_is_not_an_address_is_refused(class_session, trainer):
    with pytest.raises(AttendanceError) as error:
        walk_in_add(
            session=class_session, actor=trainer, email="nguyen van a", full_name="Nguyễn Văn A"
        )

    assert error.value.field == "email"
    assert str(error.value).startswith("Email:")
    assert not User.objects.filter(email="nguyen van a").exists()
    _refused_by_database(lambda: User.objects.create(email="khong-co-a-con"))


def test_walk_in_form_shows_the_email_message(client, trainer, class_session):
    client.force_login(trainer)

    response = client.post(
        reverse("classes:walk_in", args=[class_session.pk]),
        {"email": "tran.b@", "full_name": "Trần B"},
        follow=True,
    )

    assert "không phải là địa chỉ email" in response.content.decode()
    assert not ClassMember.objects.filter(training_class=class_session.training_class).exists()


# --- a question bank has a name ---------------------------------------------------------------


def test_question_bank_of_blanks_is_refused_on_name():
    with pytest.raises(ValidationError) as error:
        QuestionBank(name=" \t ").full_clean()

    assert error.value.message_dict == {"name": ["Tên ngân hàng câu hỏi không được để trống."]}
    with pytest.raises(ValidationError):
        questions_import(bank_name="   ", text="::Q:: Đúng? {T}", fmt="gift")
    _refused_by_database(lambda: QuestionBank.objects.create(name="    "))
    assert not QuestionBank.objects.exists()


def test_import_command_refuses_a_bank_of_blanks(tmp_path):
    questions = tmp_path / "q.gift"
    questions.write_text("::Q:: Hồ sơ là bằng chứng. {T}\n", encoding="utf-8")

    with pytest.raises(CommandError, match="--bank: Tên ngân hàng"):
        call_command("import_questions", str(questions), "--format", "gift", "--bank", "  ")


# --- a category path fits its column ----------------------------------------------------------


def test_category_path_longer_than_its_column_is_a_located_import_error(tmp_path, capsys):
    long_path = "/".join(["Nhóm " + "x" * 140] * 4)  # 4 × 145 characters
    questions = tmp_path / "q.gift"
    questions.write_text(
        f"::Q1:: Đúng? {{T}}\n\n$CATEGORY: {long_path}\n\n::Q2:: Sai? {{F}}\n", encoding="utf-8"
    )

    result = questions_import(bank_name="Dài", text=questions.read_text(), fmt="gift")
    with pytest.raises(CommandError):
        call_command("import_questions", str(questions), "--format", "gift", "--bank", "Dài")

    [error] = result.errors
    assert error.line == 3 and "nhóm câu hỏi" in error.message  # the $CATEGORY line
    assert f"{questions}:3: đường dẫn nhóm câu hỏi" in capsys.readouterr().err
    assert not QuestionBank.objects.exists()


def test_category_path_longer_than_its_column_is_refused_by_the_database():
    bank = QuestionBank.objects.create(name="Ngân hàng")

    # SQLite enforces the length with a check constraint, PostgreSQL with the column type.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        QuestionCategory.objects.create(bank=bank, name="x", path="x" * 501)
    with pytest.raises(ValidationError) as error:
        QuestionCategory(bank=bank, name="x", path="x" * 501).full_clean()
    assert "path" in error.value.message_dict

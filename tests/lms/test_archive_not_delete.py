"""Training history is archived, never deleted: every door that deletes refuses and says why.

Doors: the model and queryset (shell, commands), Wagtail pages (single, parent, bulk), Wagtail
snippets (single, bulk), Wagtail users (single, bulk) and the Django admin (single, "delete
selected"). Things without history still delete.
"""

from datetime import timedelta

import pytest

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page

from courses.models import (
    ActivityCompletion,
    Attendance,
    AttendanceStatus,
    Certificate,
    ClassMember,
    ClassSession,
    CoursePage,
    Enrolment,
    TrainingClass,
)
from lms.accounts.models import Agency, User
from lms.core.audit import audit_record
from lms.core.models import AuditEvent
from quizzes.models import Attempt, QuizPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(None, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def quiz_with_attempt(course, make_quiz, trainee):
    quiz = make_quiz(course)
    Attempt.objects.create(user=trainee, quiz=quiz, number=1)
    return quiz


@pytest.fixture
def attended_session(class_session, trainee, trainer):
    Attendance.objects.create(
        session=class_session, user=trainee, status=AttendanceStatus.PRESENT, recorded_by=trainer
    )
    return class_session


def _session(training_class, **fields):
    start = timezone.now() + timedelta(days=3)
    return ClassSession.objects.create(
        training_class=training_class,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        venue="Hội trường Sở",
        **fields,
    )


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _bulk_url(model, action="delete", **query):
    url = reverse(
        "wagtail_bulk_action", args=(model._meta.app_label, model._meta.model_name, action)
    )
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


# --- the model and queryset: the shell, commands and every door below them -------------------


def test_person_with_any_record_is_protected_in_the_shell(trainee, course, trainer):
    Enrolment.objects.create(user=trainee, course=course)

    with pytest.raises(ProtectedError):
        trainee.delete()
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=trainee.pk).delete()
    assert Enrolment.objects.filter(user=trainee).exists()


@pytest.mark.parametrize("record", ["enrolment", "attempt", "attendance", "member", "audit"])
def test_each_kind_of_record_keeps_its_person(record, trainee, course, make_quiz, training_class):
    if record == "enrolment":
        Enrolment.objects.create(user=trainee, course=course)
    elif record == "attempt":
        Attempt.objects.create(user=trainee, quiz=make_quiz(course), number=1)
    elif record == "attendance":
        Attendance.objects.create(session=_session(training_class), user=trainee, status="present")
    elif record == "member":
        ClassMember.objects.create(training_class=training_class, user=trainee)
    else:
        audit_record(actor=trainee, verb="enrolment.created", obj=course)

    with pytest.raises(ProtectedError):
        User.objects.filter(pk=trainee.pk).delete()
    assert User.objects.filter(pk=trainee.pk).exists()


def test_pages_with_attempts_or_enrolments_are_protected_with_their_parents(
    quiz_with_attempt, course, trainee, site_tree
):
    lesson = course.get_children().type(QuizPage).first()
    with pytest.raises(ProtectedError):
        QuizPage.objects.get(pk=quiz_with_attempt.pk).delete()
    with pytest.raises(ProtectedError):
        CoursePage.objects.get(pk=course.pk).delete()  # the quiz's parent
    with pytest.raises(ProtectedError):
        Page.objects.get(pk=site_tree["catalogue"].pk).delete()  # and its grandparent
    assert Attempt.objects.filter(quiz=quiz_with_attempt).count() == 1
    assert lesson is not None and Page.objects.filter(pk=lesson.pk).exists()


def test_lesson_progress_keeps_its_lesson(course, trainee):
    lesson = course.get_children().first()
    enrolment = Enrolment.objects.create(user=trainee, course=course)
    ActivityCompletion.objects.create(enrolment=enrolment, page=lesson)

    with pytest.raises(ProtectedError):
        lesson.delete()


def test_sessions_and_classes_with_attendance_or_roster_are_protected(
    attended_session, training_class, trainee
):
    with pytest.raises(ProtectedError):
        attended_session.delete()
    with pytest.raises(ProtectedError):
        TrainingClass.objects.filter(pk=training_class.pk).delete()
    assert Attendance.objects.filter(session=attended_session).count() == 1

    rostered = TrainingClass.objects.create(course=training_class.course, title="Lớp 2")
    ClassMember.objects.create(training_class=rostered, user=trainee)
    with pytest.raises(ProtectedError):
        rostered.delete()


def test_certificate_keeps_its_session(issued_certificate, class_session):
    Certificate.objects.filter(pk=issued_certificate.pk).update(session=class_session)

    with pytest.raises(ProtectedError):
        ClassSession.objects.filter(pk=class_session.pk).delete()


@pytest.mark.parametrize("model", [Enrolment, Attempt, Attendance, Certificate, AuditEvent])
def test_history_rows_themselves_are_never_deleted(
    model, trainee, course, make_quiz, training_class, issued_certificate
):
    Enrolment.objects.get_or_create(user=trainee, course=course)
    Attempt.objects.create(user=trainee, quiz=make_quiz(course), number=1)
    Attendance.objects.create(session=_session(training_class), user=trainee, status="present")
    audit_record(actor=None, verb="enrolment.created", obj=course)
    row = model.objects.first()

    with pytest.raises(ProtectedError):
        row.delete()
    with pytest.raises(ProtectedError):
        model.objects.all().delete()
    with pytest.raises(ProtectedError):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_stale_content_types_command_keeps_audit_events(course):
    gone = ContentType.objects.create(app_label="courses", model="removedmodel")
    event = AuditEvent.objects.create(verb="removed.thing", content_type=gone, object_id="1")

    with pytest.raises(ProtectedError):
        call_command("remove_stale_contenttypes", "--noinput", verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_things_without_history_still_delete(make_user, course, make_quiz, training_class):
    User.objects.filter(pk=make_user(email="nham@example.vn").pk).delete()
    make_quiz(course).delete()
    empty = _session(training_class)
    training_class.delete()  # with its empty session
    Agency.objects.create(code="X-NEW", name="Đơn vị lập nhầm", kind="commune").delete()

    assert not ClassSession.objects.filter(pk=empty.pk).exists()
    assert not QuizPage.objects.exists()


# --- Wagtail: pages ---------------------------------------------------------------------------


def test_wagtail_page_delete_of_a_quiz_with_attempts_says_unpublish(
    admin_client, quiz_with_attempt
):
    url = reverse("wagtailadmin_pages:delete", args=[quiz_with_attempt.pk])

    page = _page(admin_client.post(url, follow=True))

    assert QuizPage.objects.filter(pk=quiz_with_attempt.pk).exists()
    assert "Không thể xóa" in page and "1 lượt làm bài" in page
    assert "Thu hồi xuất bản" in page


def test_wagtail_delete_of_a_parent_page_keeps_the_quiz_below(
    admin_client, quiz_with_attempt, course
):
    page = _page(
        admin_client.get(reverse("wagtailadmin_pages:delete", args=[course.pk]), follow=True)
    )
    _page(admin_client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]), follow=True))

    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert Attempt.objects.filter(quiz=quiz_with_attempt).exists()
    assert "Không thể xóa" in page


def test_wagtail_bulk_page_delete_is_refused_as_a_whole(admin_client, quiz_with_attempt, course):
    spare = course.get_children().first()
    url = _bulk_url(Page, id=quiz_with_attempt.pk, childOf=course.pk) + f"&id={spare.pk}"

    page = _page(admin_client.post(url, follow=True))

    assert Page.objects.filter(pk__in=[quiz_with_attempt.pk, spare.pk]).count() == 2
    assert "Chưa xóa mục nào" in page


def test_wagtail_page_without_history_still_deletes(admin_client, course, make_quiz):
    quiz = make_quiz(course)

    admin_client.post(reverse("wagtailadmin_pages:delete", args=[quiz.pk]))

    assert not QuizPage.objects.filter(pk=quiz.pk).exists()


# --- Wagtail: snippets ------------------------------------------------------------------------


def _snippet_delete_url(obj):
    return reverse(obj.snippet_viewset.get_url_name("delete"), args=[obj.pk])


def test_snippet_delete_of_an_attended_session_says_cancel(admin_client, attended_session):
    page = _page(admin_client.post(_snippet_delete_url(attended_session), follow=True))

    assert ClassSession.objects.filter(pk=attended_session.pk).exists()
    assert Attendance.objects.filter(session=attended_session).exists()
    assert "1 điểm danh" in page and "Đã hủy" in page


def test_snippet_delete_of_a_class_keeps_roster_and_attendance(
    admin_client, attended_session, add_member, trainee
):
    training_class = attended_session.training_class
    add_member(training_class, trainee)

    page = _page(admin_client.post(_snippet_delete_url(training_class), follow=True))

    assert TrainingClass.objects.filter(pk=training_class.pk).exists()
    assert ClassMember.objects.filter(training_class=training_class).exists()
    assert "Không thể xóa" in page


def test_snippet_delete_of_an_agency_with_people_explains_instead_of_500(
    admin_client, agency_tree, trainee
):
    agency = trainee.agency

    response = admin_client.post(_snippet_delete_url(agency), follow=True)

    assert Agency.objects.filter(pk=agency.pk).exists()
    assert "sáp nhập" in _page(response)


def test_snippet_delete_of_an_enrolment_is_not_offered(admin_client, trainee, course):
    """The enrolment admin is read-only (every write goes through the enrolment service):
    even a superuser's delete is refused before it reaches the model."""
    enrolment = Enrolment.objects.create(user=trainee, course=course)

    response = admin_client.post(_snippet_delete_url(enrolment))

    assert response.status_code in (302, 403)
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


def test_snippet_bulk_delete_of_sessions_is_refused_as_a_whole(
    admin_client, attended_session, training_class
):
    empty = _session(training_class)
    url = _bulk_url(ClassSession, id=attended_session.pk) + f"&id={empty.pk}"

    page = _page(admin_client.post(url, follow=True))

    assert ClassSession.objects.filter(pk__in=[attended_session.pk, empty.pk]).count() == 2
    assert "Chưa xóa mục nào" in page


def test_snippet_without_history_still_deletes(admin_client, training_class):
    empty = _session(training_class)

    admin_client.post(_snippet_delete_url(empty))
    admin_client.post(_bulk_url(ClassSession, id=_session(training_class).pk))

    assert not ClassSession.objects.exists()


# --- Wagtail: users ---------------------------------------------------------------------------


def test_person_with_training_records_is_archived_not_deleted(admin_client, trainee, course):
    Enrolment.objects.create(user=trainee, course=course)

    response = admin_client.post(
        reverse("wagtailusers_users:delete", args=[trainee.pk]), follow=True
    )

    assert User.objects.filter(pk=trainee.pk).exists()
    assert Enrolment.objects.filter(user=trainee).exists()
    assert "Đang hoạt động" in _page(response)


def test_person_without_records_can_be_deleted(admin_client, make_user):
    mistaken = make_user(email="nham@example.vn")

    admin_client.post(reverse("wagtailusers_users:delete", args=[mistaken.pk]))

    assert not User.objects.filter(pk=mistaken.pk).exists()


def test_wagtail_bulk_user_delete_keeps_people_with_records(
    admin_client, trainee, other_trainee, quiz_with_attempt, make_user
):
    mistaken = make_user(email="nham@example.vn")
    url = _bulk_url(User, id=trainee.pk) + f"&id={mistaken.pk}"

    page = _page(admin_client.post(url, follow=True))

    assert User.objects.filter(pk__in=[trainee.pk, mistaken.pk]).count() == 2
    assert Attempt.objects.filter(user=trainee).exists()
    assert "Chưa xóa mục nào" in page

    admin_client.post(_bulk_url(User, id=mistaken.pk))
    assert not User.objects.filter(pk=mistaken.pk).exists()


# --- the Django admin -------------------------------------------------------------------------


def test_django_admin_delete_of_a_person_with_records_explains(admin_client, trainee, course):
    Enrolment.objects.create(user=trainee, course=course)
    url = reverse("admin:accounts_user_delete", args=[trainee.pk])

    shown = _page(admin_client.get(url, follow=True))
    _page(admin_client.post(url, {"post": "yes"}, follow=True))

    assert User.objects.filter(pk=trainee.pk).exists()
    assert "Không thể xóa" in shown and "Đang hoạt động" in shown


def test_django_admin_delete_selected_keeps_people_with_records(
    admin_client, trainee, course, make_user
):
    Enrolment.objects.create(user=trainee, course=course)
    mistaken = make_user(email="nham@example.vn")
    changelist = reverse("admin:accounts_user_changelist")

    page = _page(
        admin_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [trainee.pk, mistaken.pk]},
            follow=True,
        )
    )
    assert User.objects.filter(pk__in=[trainee.pk, mistaken.pk]).count() == 2
    assert "Chưa xóa mục nào" in page

    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [mistaken.pk], "post": "yes"},
    )
    assert not User.objects.filter(pk=mistaken.pk).exists()


def test_django_admin_delete_of_an_agency_with_people_explains(admin_client, trainee):
    url = reverse("admin:accounts_agency_delete", args=[trainee.agency_id])

    page = _page(admin_client.post(url, {"post": "yes"}, follow=True))

    assert Agency.objects.filter(pk=trainee.agency_id).exists()
    assert "sáp nhập" in page

import pytest

from django.urls import reverse

from courses.learning.enrolment import EnrolmentNotAllowed, enrolment_bulk_create, enrolment_create
from courses.learning.progress import activity_mark_done
from courses.models import Enrolment, EnrolmentSource, LessonPage
from lms.accounts import roles
from lms.core.models import AuditEvent


def _complete(user, course):
    enrolment_create(user=user, course=course, source="self")
    for lesson in LessonPage.objects.child_of(course):
        activity_mark_done(user=user, page=lesson)


@pytest.mark.django_db
def test_self_enrolment_is_idempotent(trainee, course):
    first = enrolment_create(user=trainee, course=course, source=EnrolmentSource.SELF)
    second = enrolment_create(user=trainee, course=course, source=EnrolmentSource.SELF)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=trainee, course=course).count() == 1
    assert AuditEvent.objects.filter(verb="enrolment.created").count() == 1


@pytest.mark.django_db
def test_self_enrolment_requires_completed_prerequisites(trainee, make_course):
    basics = make_course(title="Nhận thức chung")
    advanced = make_course(title="Xây dựng HTQLCL", track="building")
    advanced.prerequisites.add(basics)
    advanced.save()
    with pytest.raises(EnrolmentNotAllowed) as refused:
        enrolment_create(user=trainee, course=advanced, source="self")
    assert "Nhận thức chung" in refused.value.messages[0]
    assert not Enrolment.objects.filter(course=advanced).exists()
    _complete(trainee, basics)
    assert enrolment_create(user=trainee, course=advanced, source="self").pk


@pytest.mark.django_db
def test_trainer_enrols_anyone_even_without_prerequisites(trainer, other_trainee, make_course):
    basics = make_course()
    advanced = make_course(track="building")
    advanced.prerequisites.add(basics)
    advanced.save()
    enrolment = enrolment_create(
        user=other_trainee, course=advanced, source=EnrolmentSource.TRAINER, actor=trainer
    )
    assert enrolment.enrolled_by == trainer


@pytest.mark.django_db
def test_secretary_enrols_only_own_agency_subtree(make_user, agency_tree, course):
    secretary = make_user(roles.SECRETARY, agency=agency_tree["district"])
    commune_member = make_user(roles.TRAINEE, agency=agency_tree["commune_a"])
    department_member = make_user(roles.TRAINEE, agency=agency_tree["department"])
    enrolment_create(user=commune_member, course=course, source="secretary", actor=secretary)
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_create(user=department_member, course=course, source="secretary", actor=secretary)
    assert not Enrolment.objects.filter(user=department_member).exists()


@pytest.mark.django_db
def test_trainee_cannot_enrol_someone_else(trainee, other_trainee, course):
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_create(user=other_trainee, course=course, source="self", actor=trainee)


@pytest.mark.django_db
def test_bulk_csv_with_vietnamese_headers_enrols_and_counts_existing(
    trainer, listed_users, course, enrolment_file
):
    enrolment_create(user=listed_users["lan"], course=course, source="self")
    data, name = enrolment_file("ghi-danh-hop-le.csv")
    result = enrolment_bulk_create(course=course, data=data, filename=name, actor=trainer)
    assert result.errors == []
    assert (result.created, result.existing) == (1, 1)
    assert Enrolment.objects.get(user=listed_users["binh"]).source == EnrolmentSource.BULK


@pytest.mark.django_db
def test_bulk_unknown_email_reports_row_and_writes_nothing(
    trainer, listed_users, course, enrolment_file
):
    data, name = enrolment_file("ghi-danh-email-la.csv")
    result = enrolment_bulk_create(course=course, data=data, filename=name, actor=trainer)
    assert result.errors == ["Dòng 3: không tìm thấy người dùng có email khong.ton.tai@example.vn"]
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_bulk_xlsx_by_secretary_rejects_rows_outside_agency(
    secretary, listed_users, course, enrolment_file
):
    data, name = enrolment_file("ghi-danh-hai-don-vi.xlsx")
    result = enrolment_bulk_create(course=course, data=data, filename=name, actor=secretary)
    # Outside the agency reads exactly as "no such account": the list reveals nobody.
    assert result.errors == [
        "Dòng 5: không tìm thấy người dùng có email cuong.lv@tamdao.example.vn"
    ]
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_bulk_file_errors_are_translated_and_located(trainer, course, enrolment_file):
    data, name = enrolment_file("roster_utf16.csv")
    result = enrolment_bulk_create(course=course, data=data, filename=name, actor=trainer)
    assert result.errors and "UTF-16" in result.errors[0]
    result = enrolment_bulk_create(course=course, data=b"x", filename="list.pdf", actor=trainer)
    assert "không hỗ trợ loại tệp" in result.errors[0]


@pytest.mark.django_db
def test_self_enrol_view_redirects_to_first_lesson(client, trainee, course):
    client.force_login(trainee)
    response = client.post(reverse("courses:enrol", args=[course.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith("/bai-1/")
    assert Enrolment.objects.filter(user=trainee, course=course).exists()


@pytest.mark.django_db
def test_self_enrol_view_shows_missing_prerequisite_message(client, trainee, make_course):
    basics = make_course(title="Khóa nền tảng")
    advanced = make_course(track="building")
    advanced.prerequisites.add(basics)
    advanced.save()
    client.force_login(trainee)
    response = client.post(reverse("courses:enrol", args=[advanced.pk]), follow=True)
    assert "Khóa nền tảng" in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrolment_page_is_for_trainers_and_secretaries(client, trainee, course):
    client.force_login(trainee)
    assert client.get(reverse("courses:enrolments", args=[course.pk])).status_code == 403


@pytest.mark.django_db
def test_enrolment_page_bulk_upload_shows_row_errors(
    client, trainer, listed_users, course, enrolment_file, django_assert_max_num_queries
):
    client.force_login(trainer)
    data, name = enrolment_file("ghi-danh-email-la.csv")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    with django_assert_max_num_queries(20):
        response = client.post(
            reverse("courses:enrolments", args=[course.pk]),
            {"action": "bulk", "bulk-file": upload},
        )
    assert response.status_code == 400
    assert "Dòng 3: không tìm thấy người dùng có email khong.ton.tai@example.vn" in (
        response.content.decode()
    )
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_enrolment_page_secretary_enrols_one_person_of_own_agency(
    client, secretary, listed_users, course
):
    client.force_login(secretary)
    url = reverse("courses:enrolments", args=[course.pk])
    response = client.post(url, {"action": "one", "one-email": "binh.tv@stp.example.vn"})
    assert response.status_code == 302
    assert Enrolment.objects.get(user=listed_users["binh"]).source == EnrolmentSource.SECRETARY
    response = client.post(url, {"action": "one", "one-email": "cuong.lv@tamdao.example.vn"})
    assert response.status_code == 400
    assert "Không tìm thấy người dùng có email cuong.lv@tamdao.example.vn." in (
        response.content.decode()
    )
    assert not Enrolment.objects.filter(user=listed_users["cuong"]).exists()


@pytest.mark.django_db
def test_enrolment_admin_lists_filters_and_searches(
    client, make_user, trainee, other_trainee, make_course
):
    course = make_course(title="Khóa nhận thức")
    other_course = make_course(title="Khóa xây dựng")
    enrolment_create(user=trainee, course=course, source="self")
    enrolment_create(user=other_trainee, course=other_course, source="self")
    admin = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/admin/snippets/courses/enrolment/"
    assert client.get(url).status_code == 200
    html = client.get(url, {"q": trainee.email}).content.decode()
    assert str(trainee) in html and str(other_trainee) not in html
    html = client.get(url, {"course": other_course.pk}).content.decode()
    assert str(other_trainee) in html and str(trainee) not in html


def _enrol_one(client, course, email):
    response = client.post(
        reverse("courses:enrolments", args=[course.pk]),
        {"action": "one", "one-email": email},
        follow=True,
    )
    errors = response.context["one_form"].errors.get("email", [])
    shown = [str(message) for message in response.context["messages"]]
    return response, [error.replace(email, "<email>") for error in errors], shown


@pytest.mark.django_db
def test_secretary_learns_nothing_about_people_outside_their_agency(
    client, secretary, make_user, agency_tree, course
):
    outsider = make_user(
        roles.TRAINEE,
        email="ngoai.don.vi@tamdao.example.vn",
        full_name="Vũ Thị Ngoại",
        agency=agency_tree["district"],
    )
    enrolled_outsider = make_user(
        roles.TRAINEE,
        email="da.ghi.danh@tamdao.example.vn",
        full_name="Đỗ Văn Đã Học",
        agency=agency_tree["commune_a"],
    )
    enrolment_create(user=enrolled_outsider, course=course, source="self")
    client.force_login(secretary)

    answers = [
        _enrol_one(client, course, email)
        for email in (
            "khong.co.ai@example.vn",  # no such account
            outsider.email,  # an account of another agency
            enrolled_outsider.email,  # another agency's person, already enrolled
        )
    ]

    assert {response.status_code for response, _errors, _shown in answers} == {400}
    assert answers[0][1] == answers[1][1] == answers[2][1]
    assert answers[0][1] == ["Không tìm thấy người dùng có email <email>."]
    for response, _errors, shown in answers:
        assert shown == []
        page = response.content.decode()
        assert "Vũ Thị Ngoại" not in page and "Đỗ Văn Đã Học" not in page
    assert not Enrolment.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_secretary_is_told_who_is_already_enrolled_inside_their_agency(
    client, secretary, make_user, agency_tree, course
):
    colleague = make_user(
        roles.TRAINEE,
        email="dong.nghiep@stp.example.vn",
        full_name="Hoàng Thị Đồng",
        agency=agency_tree["department"],
    )
    client.force_login(secretary)

    _response, errors, shown = _enrol_one(client, course, colleague.email)
    assert (errors, shown) == ([], ["Đã ghi danh Hoàng Thị Đồng."])

    _response, errors, shown = _enrol_one(client, course, colleague.email)
    assert (errors, shown) == ([], ["Hoàng Thị Đồng đã được ghi danh từ trước."])
    assert Enrolment.objects.filter(user=colleague).count() == 1


@pytest.mark.django_db
def test_secretary_cannot_learn_of_an_outsiders_enrolment_through_the_service(
    secretary, make_user, agency_tree, course
):
    outsider = make_user(roles.TRAINEE, agency=agency_tree["district"])
    enrolment_create(user=outsider, course=course, source="self")
    with pytest.raises(EnrolmentNotAllowed):
        enrolment_create(user=outsider, course=course, source="secretary", actor=secretary)


@pytest.mark.django_db
def test_enrolment_admin_is_read_only_so_every_write_goes_through_the_service(
    client, make_user, trainee, make_course
):
    course = make_course(title="Khóa nhận thức")
    enrolment = enrolment_create(user=trainee, course=course, source="self")
    admin = make_user(None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    base = "/admin/snippets/courses/enrolment/"
    assert client.get(f"{base}inspect/{enrolment.pk}/").status_code == 200
    for url in (f"{base}add/", f"{base}edit/{enrolment.pk}/", f"{base}delete/{enrolment.pk}/"):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(f"{base}edit/{enrolment.pk}/", {"status": "withdrawn"})
    assert response.status_code in (302, 403)
    enrolment.refresh_from_db()
    assert enrolment.status != "withdrawn"
    client.post(f"{base}add/", {"user": trainee.pk, "course": course.pk, "source": "self"})
    assert Enrolment.objects.filter(user=trainee).count() == 1

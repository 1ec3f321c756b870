"""Writes through the API run the site's services: same rules, same audit, all or nothing."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from courses.models import Enrolment
from lms.accounts.models import Agency
from lms.core.models import AuditEvent


def _bulk(api_post, secret, course, *emails):
    return api_post("/enrolments/bulk", secret, {"course": course.slug, "emails": list(emails)})


@pytest.mark.django_db
def test_secretary_bulk_enrolment_writes_enrolments_and_audit_like_the_site(
    course, secretary, trainee, make_user, agency_tree, token_for, api_post
):
    colleague = make_user(agency=agency_tree["department"])
    secret = token_for(secretary)
    response = _bulk(api_post, secret, course, trainee.email.upper(), f" {colleague.email} ")
    assert response.status_code == 200, response.content
    assert response.json() == {"course": course.slug, "created": 2, "existing": 0}
    enrolments = Enrolment.objects.filter(course=course)
    assert {e.user_id for e in enrolments} == {trainee.pk, colleague.pk}
    assert {(e.source, e.enrolled_by_id) for e in enrolments} == {("bulk", secretary.pk)}
    events = AuditEvent.objects.filter(verb="enrolment.created")
    assert events.count() == 2 and {e.actor_id for e in events} == {secretary.pk}

    again = _bulk(api_post, secret, course, trainee.email, colleague.email)
    assert again.json() == {"course": course.slug, "created": 0, "existing": 2}
    assert AuditEvent.objects.filter(verb="enrolment.created").count() == 2


@pytest.mark.django_db
def test_enrolment_outside_the_secretarys_tree_is_refused_and_writes_nothing(
    course, secretary, trainee, other_trainee, token_for, api_post
):
    response = _bulk(api_post, token_for(secretary), course, trainee.email, other_trainee.email)
    assert response.status_code == 403
    assert other_trainee.email in response.json()["detail"]
    assert not Enrolment.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="enrolment.").exists()


@pytest.mark.django_db
def test_bulk_enrolment_refusals(course, trainer, officer, trainee, token_for, api_post):
    unknown = _bulk(api_post, token_for(trainer), course, trainee.email, "khong@example.vn")
    assert unknown.status_code == 400
    assert "khong@example.vn" in unknown.json()["detail"]
    assert not Enrolment.objects.exists()
    # DOST officers do not enrol people on the site either.
    assert _bulk(api_post, token_for(officer), course, trainee.email).status_code == 403
    missing = api_post(
        "/enrolments/bulk", token_for(trainer), {"course": "khong-co", "emails": [trainee.email]}
    )
    assert missing.status_code == 404
    assert _bulk(api_post, token_for(trainer), course, trainee.email).status_code == 200


@pytest.mark.django_db
def test_token_requests_need_no_csrf_token(course, trainer, trainee, token_for):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/enrolments/bulk",
        {"course": course.slug, "emails": [trainee.email]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(trainer)}",
    )
    assert response.status_code == 200


ROWS = [
    {"code": "P-SYT", "name": "Sở Y tế", "kind": "department", "parent_code": "P"},
    {"code": "P-TD-TL", "name": "Xã Tam Lộc", "kind": "Xã", "parent_code": "P-TD",
     "target_headcount": 7, "aliases": ["UBND xã Tam Lộc"]},
]  # fmt: skip


@pytest.mark.django_db
def test_agency_import_from_json_rows_uses_the_directory_service(
    agency_tree, officer, token_for, api_post
):
    secret = token_for(officer)
    dry = api_post("/agencies/import?dry_run=true", secret, {"rows": ROWS})
    assert dry.json() == {"dry_run": True, "created": 2, "updated": 0, "unchanged": 0}
    assert not Agency.objects.filter(code="P-SYT").exists()

    response = api_post("/agencies/import", secret, {"rows": ROWS})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    commune = Agency.objects.get(code="P-TD-TL")
    assert commune.parent == agency_tree["district"]
    assert (commune.kind, commune.target_headcount) == ("commune", 7)
    assert commune.aliases == ["UBND xã Tam Lộc"]
    events = AuditEvent.objects.filter(verb="agency.import")
    assert events.count() == 2 and {e.actor_id for e in events} == {officer.pk}

    again = api_post("/agencies/import", secret, {"rows": ROWS})
    assert again.json()["unchanged"] == 2


@pytest.mark.django_db
def test_agency_import_errors_are_located_and_write_nothing(
    agency_tree, officer, token_for, api_post
):
    secret = token_for(officer)
    rows = [ROWS[0], {**ROWS[1], "parent_code": "KHONG-CO"}]
    response = api_post("/agencies/import", secret, {"rows": rows})
    assert response.status_code == 400
    body = response.json()
    assert [error["row"] for error in body["errors"]] == [2]
    assert "KHONG-CO" in body["detail"]
    assert not Agency.objects.filter(code__in=["P-SYT", "P-TD-TL"]).exists()
    assert api_post("/agencies/import", secret, {"rows": [{"mã": "X"}]}).status_code == 400
    assert api_post("/agencies/import", secret, {"rows": "x"}).status_code == 400
    assert api_post("/agencies/import", secret, "{not json").status_code == 400
    # Bad JSON that json.loads does not call bad: nesting deeper than Python recurses, and
    # a lone surrogate no database stores.
    assert api_post("/agencies/import", secret, "[" * 100_000).status_code == 400
    lone = '{"rows": [{"mã": "\\ud800", "tên": "x"}]}'
    assert api_post("/agencies/import", secret, lone).status_code == 400


@pytest.mark.django_db
def test_agency_import_from_a_file_upload(agency_tree, officer, token_for, client):
    data = "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên\nP-SYT,Sở Y tế,Sở,P\n".encode()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(officer)}"}
    upload = SimpleUploadedFile("don-vi.csv", data, content_type="text/csv")
    response = client.post("/api/v1/agencies/import", {"file": upload}, **headers)
    assert response.status_code == 200, response.content
    assert Agency.objects.get(code="P-SYT").parent == agency_tree["province"]
    wrong = SimpleUploadedFile("don-vi.exe", data)
    assert client.post("/api/v1/agencies/import", {"file": wrong}, **headers).status_code == 400
    assert client.post("/api/v1/agencies/import", {}, **headers).status_code == 400


@pytest.mark.django_db
def test_only_directory_managers_import_agencies(
    agency_tree, secretary, trainer, editor, token_for, api_post
):
    for person in (secretary, trainer, editor):
        response = api_post("/agencies/import", token_for(person), {"rows": ROWS})
        assert response.status_code == 403
    assert not Agency.objects.filter(code="P-SYT").exists()

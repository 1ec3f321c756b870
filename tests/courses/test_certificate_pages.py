import io
import zipfile
from datetime import timedelta

import pypdf
import pytest

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from courses.certificates.services import (
    certificate_issue,
    certificate_render_pdf,
    certificate_revoke,
    certificate_zip_job_start,
    format_code,
    zip_job_read,
)
from courses.models import Certificate
from lms.core.models import AuditEvent
from tests.fixtures.certificates import pdf_page_images


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _download(client, certificate):
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_pdf_contains_exact_vietnamese_name_and_code(client, hong_nhung, issued_certificate):
    client.force_login(hong_nhung)
    response, data = _download(client, issued_certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(data)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert issued_certificate.code[:5] in text and issued_certificate.code[5:] in text
    assert "TCVN ISO 9001:2015" in text
    assert f"/verify/{issued_certificate.code}/" in text


def test_pdf_in_english_for_english_speaking_holder(make_user, course, complete_course):
    user = make_user(full_name="Lê Văn Đức", preferred_language="en")
    complete_course(user, course)
    certificate = certificate_render_pdf(
        certificate_id=certificate_issue(user=user, course=course).pk
    )
    text = _pdf_text(certificate.pdf.read())
    assert "CERTIFICATE OF COMPLETION" in text
    assert "Lê Văn Đức" in text


def test_pdf_and_verify_page_frozen_after_course_title_change(
    client, hong_nhung, issued_certificate, course
):
    original_title = issued_certificate.course_title
    certificate = certificate_render_pdf(certificate_id=issued_certificate.pk)
    stored = certificate.pdf.read()
    course.title = "Tên khóa học mới hoàn toàn"
    course.save_revision().publish()
    again = certificate_render_pdf(certificate_id=issued_certificate.pk)
    assert again.pdf.read() == stored
    client.force_login(hong_nhung)
    _response, data = _download(client, issued_certificate)
    assert data == stored
    page = client.get(reverse("verify:detail", args=[issued_certificate.code]))
    assert original_title in page.content.decode()
    assert "Tên khóa học mới" not in page.content.decode()


def test_pdf_prints_the_templates_background(
    hong_nhung, course, complete_course, template_with_background
):
    template_with_background(course)
    complete_course(hong_nhung, course)
    certificate = certificate_issue(user=hong_nhung, course=course)
    data = certificate_render_pdf(certificate_id=certificate.pk).pdf.read()
    assert [(i["/Width"], i["/Height"]) for i in pdf_page_images(data)] == [(420, 297)]


def test_pdf_without_its_background_file_says_so_and_still_prints(
    hong_nhung, course, complete_course, template_with_background, caplog
):
    template = template_with_background(course)
    template.background.file.storage.delete(template.background.file.name)
    complete_course(hong_nhung, course)
    certificate = certificate_issue(user=hong_nhung, course=course)
    data = certificate_render_pdf(certificate_id=certificate.pk).pdf.read()
    assert pdf_page_images(data) == []
    assert "Nguyễn Thị Hồng Nhung" in _pdf_text(data)
    assert "certificate background" in caplog.text


def test_trainee_cannot_download_another_trainees_pdf(client, other_trainee, issued_certificate):
    client.force_login(other_trainee)
    response, _data = _download(client, issued_certificate)
    assert response.status_code == 404


def test_secretary_downloads_only_within_own_agency_tree(
    client, make_user, agency_tree, issued_certificate
):
    from lms.accounts import roles

    inside = make_user(roles.SECRETARY, agency=agency_tree["department"])
    outside = make_user(roles.SECRETARY, agency=agency_tree["district"])
    client.force_login(outside)
    assert _download(client, issued_certificate)[0].status_code == 404
    client.force_login(inside)
    response, data = _download(client, issued_certificate)
    assert response.status_code == 200
    assert format_code(issued_certificate.code) in _pdf_text(data)


def test_my_certificates_lists_own_only(
    client, hong_nhung, other_trainee, issued_certificate, course, complete_course
):
    complete_course(other_trainee, course)
    others = certificate_issue(user=other_trainee, course=course)
    client.force_login(hong_nhung)
    response = client.get(reverse("certificates:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert format_code(issued_certificate.code) in body
    assert issued_certificate.course_title in body
    assert reverse("certificates:download", args=[issued_certificate.code]) in body
    assert others.code not in body and format_code(others.code) not in body


def test_verify_shows_valid_without_email(client, issued_certificate, hong_nhung):
    response = client.get(reverse("verify:detail", args=[issued_certificate.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in body
    assert "Nguyễn Thị Hồng Nhung" in body
    assert hong_nhung.email not in body


def test_verify_matches_code_case_insensitively_with_dashes(client, issued_certificate):
    typed = f"{issued_certificate.code[:5].lower()}-{issued_certificate.code[5:].lower()}"
    response = client.get(reverse("verify:detail", args=[typed]))
    assert response.status_code == 200
    form = client.get(reverse("verify:form"), {"code": f" {typed} "})
    assert form.status_code == 302
    assert form["Location"] == reverse("verify:detail", args=[issued_certificate.code])


def test_verify_shows_expired(client, issued_certificate):
    Certificate.objects.filter(pk=issued_certificate.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(reverse("verify:detail", args=[issued_certificate.code]))
    assert 'data-status="expired"' in response.content.decode()


def test_verify_shows_revoked_with_reason(client, issued_certificate, officer):
    certificate_revoke(certificate=issued_certificate, reason="Cấp nhầm người", actor=officer)
    response = client.get(reverse("verify:detail", args=[issued_certificate.code]))
    body = response.content.decode()
    assert 'data-status="revoked"' in body
    assert "Cấp nhầm người" in body


def test_verify_unknown_code_is_plain_not_found(client, db):
    response = client.get(reverse("verify:detail", args=["ZZZZZ22222"]))
    assert response.status_code == 404
    assert "Không tìm thấy chứng nhận" in response.content.decode()


def test_verify_is_rate_limited_per_ip(client, db, settings):
    url = reverse("verify:detail", args=["ZZZZZ22222"])
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.7").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.8").status_code == 404


def test_staff_list_denied_to_trainees(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("certificates:manage")).status_code == 403


def test_staff_list_filters_by_status(
    client, officer, issued_certificate, other_trainee, course, complete_course
):
    complete_course(other_trainee, course)
    valid = certificate_issue(user=other_trainee, course=course)
    certificate_revoke(certificate=issued_certificate, reason="Sai thông tin", actor=officer)
    client.force_login(officer)
    response = client.get(reverse("certificates:manage"), {"status": "revoked"})
    body = response.content.decode()
    assert format_code(issued_certificate.code) in body
    assert valid.code not in body
    response = client.get(reverse("certificates:manage"), {"expiring": "2000"})
    body = response.content.decode()
    assert format_code(valid.code) in body
    assert issued_certificate.code not in body


def test_staff_list_query_budget(
    client, officer, make_user, course, complete_course, django_assert_max_num_queries
):
    issued = []
    for _ in range(15):
        user = make_user()
        complete_course(user, course)
        issued.append(certificate_issue(user=user, course=course))
    client.force_login(officer)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("certificates:manage"))
    assert response.status_code == 200
    body = response.content.decode()
    assert [c for c in issued if format_code(c.code) not in body or c.full_name not in body] == []


def test_officer_revokes_with_reason_then_reissues(client, officer, issued_certificate):
    client.force_login(officer)
    url = reverse("certificates:revoke", args=[issued_certificate.pk])
    client.post(url, {"reason": ""})
    issued_certificate.refresh_from_db()
    assert (issued_certificate.revoked_at, issued_certificate.revoke_reason) == (None, "")
    assert not AuditEvent.objects.filter(verb="certificate.revoke").exists()
    response = client.post(url, {"reason": "Học viên gian lận"})
    assert response.status_code == 302
    issued_certificate.refresh_from_db()
    assert issued_certificate.revoke_reason == "Học viên gian lận"
    client.post(reverse("certificates:reissue", args=[issued_certificate.pk]))
    new = Certificate.objects.get(replaces=issued_certificate)
    assert new.cycle == 2


def test_secretary_cannot_revoke(client, secretary, issued_certificate):
    client.force_login(secretary)
    url = reverse("certificates:revoke", args=[issued_certificate.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    issued_certificate.refresh_from_db()
    assert (issued_certificate.revoked_at, issued_certificate.revoke_reason) == (None, "")
    assert issued_certificate.revoked_by_id is None
    assert not AuditEvent.objects.filter(verb="certificate.revoke").exists()


def test_bulk_download_zip_eager(client, officer, issued_certificate):
    client.force_login(officer)
    response = client.post(reverse("certificates:bulk_download"), {"status": "valid"})
    assert response.status_code == 302
    job_id = response["Location"].split("job=")[1]
    progress = client.get(reverse("certificates:zip_progress", args=[job_id])).json()
    assert progress["status"] in {"pending", "done"}


def test_zip_task_builds_archive(officer, issued_certificate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = certificate_zip_job_start(user=officer, certificate_ids=[issued_certificate.pk])
    state = zip_job_read(job_id)
    assert state["status"] == "done"
    from lms.core.storage import private

    with private.open(state["zip"], "rb") as handle:
        names = zipfile.ZipFile(handle).namelist()
    assert names == [f"{issued_certificate.code}-nguyen-thi-hong-nhung.pdf"]


def test_other_staff_cannot_read_someone_elses_zip_job(client, officer, editor, issued_certificate):
    job_id = certificate_zip_job_start(user=officer, certificate_ids=[issued_certificate.pk])
    client.force_login(editor)
    assert client.get(reverse("certificates:zip_progress", args=[job_id])).status_code == 404


@pytest.mark.celery_worker
def test_bulk_zip_through_real_worker(live_celery, make_user, officer, course, complete_course):
    import time

    from courses.certificates.tasks import build_certificate_zip
    from lms.core.storage import private

    certificates = []
    for index in range(3):
        user = make_user(full_name=f"Trần Thị Mai {index}")
        complete_course(user, course)
        certificates.append(certificate_issue(user=user, course=course))
    job_id = certificate_zip_job_start(user=officer, certificate_ids=[c.pk for c in certificates])
    # transactional_db commits at once, so the on-commit queueing already happened.
    build_certificate_zip.delay(job_id).get(timeout=60)
    state = zip_job_read(job_id)
    deadline = time.monotonic() + 30
    while state["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.5)
        state = zip_job_read(job_id)
    with private.open(state["zip"], "rb") as handle:
        names = sorted(zipfile.ZipFile(handle).namelist())
    assert names == sorted(f"{c.code}-tran-thi-mai-{i}.pdf" for i, c in enumerate(certificates))

from datetime import timedelta
from io import StringIO

import pytest
from pypdf import PdfReader

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses.certificates.selectors import certificate_status
from courses.certificates.services import certificate_issue, certificate_render_pdf
from courses.certificates.tasks import send_expiry_reminders
from courses.models import Certificate


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("issue_certificates", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue()


def test_issue_certificates_command_counts_and_never_duplicates(make_user, course, complete_course):
    for _ in range(2):
        complete_course(make_user(), course)
    first = _run("--course", course.slug)
    assert "issued: 2" in first and "already had: 0" in first
    second = _run("--course", course.slug)
    assert "issued: 0" in second and "already had: 2" in second
    assert Certificate.objects.count() == 2


def test_issue_certificates_command_shows_progress(make_user, course, complete_course):
    complete_course(make_user(), course)
    err = StringIO()
    call_command("issue_certificates", stdout=StringIO(), stderr=err)
    assert "certificates: 100%" in err.getvalue()
    assert Certificate.objects.count() == 1


def test_issue_certificates_command_rejects_unknown_course(db):
    with pytest.raises(CommandError, match="--course khong-co"):
        _run("--course", "khong-co")


def test_issue_certificates_command_rejects_unknown_session(db):
    with pytest.raises(CommandError, match="--session 999"):
        _run("--session", "999")


def test_expiry_reminder_sent_once(hong_nhung, course, complete_course):
    complete_course(hong_nhung, course)
    certificate = certificate_issue(user=hong_nhung, course=course)
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + timedelta(days=10)
    )
    assert send_expiry_reminders(days=30) == 1
    assert send_expiry_reminders(days=30) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [hong_nhung.email]
    assert certificate.code in mail.outbox[0].subject


def test_expiry_reminder_skips_far_expiry(hong_nhung, course, complete_course):
    complete_course(hong_nhung, course)
    certificate_issue(user=hong_nhung, course=course)  # 36 months by default
    assert send_expiry_reminders(days=30) == 0


def test_demo_certificates_step_is_idempotent(make_user, make_course, complete_course):
    from courses.certificates.demo import issue_demo_certificates

    course = make_course()
    for _ in range(3):
        complete_course(make_user(), course)
    issue_demo_certificates(fixtures=None, stdout=None)
    issue_demo_certificates(fixtures=None, stdout=None)
    statuses = sorted(certificate_status(c) for c in Certificate.objects.all())
    assert statuses == ["expired", "revoked", "valid"]


def _pdf_text(certificate) -> str:
    certificate.pdf.open("rb")
    try:
        return "".join(page.extract_text() for page in PdfReader(certificate.pdf).pages)
    finally:
        certificate.pdf.close()


def test_links_follow_the_default_site_when_site_url_is_not_set(settings, db):
    from wagtail.models import Site

    from lms.core.links import site_url
    from lms.site.demo import load_home_page, site_address_set

    settings.SITE_URL = ""
    load_home_page()
    site_address_set("10.0.0.5:8080")
    assert site_url() == "http://10.0.0.5:8080"
    assert Site.objects.get(is_default_site=True).port == 8080
    settings.SITE_URL = "https://iso.vinhphuc.gov.vn/"
    assert site_url() == "https://iso.vinhphuc.gov.vn"


def test_rerender_certificates_rebuilds_only_pdfs_with_wrong_links(settings, issued_certificate):
    settings.SITE_URL = "http://127.0.0.1:8000"
    first = certificate_render_pdf(certificate_id=issued_certificate.pk)
    assert first.rendered_site_url == "http://127.0.0.1:8000"
    assert "127.0.0.1:8000/verify/" in _pdf_text(first)
    code, issued_at, expires_at = first.code, first.issued_at, first.expires_at

    settings.SITE_URL = "https://iso.vinhphuc.gov.vn"
    out = StringIO()
    call_command("rerender_certificates", stdout=out)
    assert "1 certificate PDF(s) rebuilt" in out.getvalue()
    again = Certificate.objects.get(pk=first.pk)
    assert (again.code, again.issued_at, again.expires_at) == (code, issued_at, expires_at)
    text = _pdf_text(again)
    assert "iso.vinhphuc.gov.vn/verify/" in text and "127.0.0.1" not in text

    out = StringIO()
    call_command("rerender_certificates", "--since", "01/01/2020", stdout=out)
    assert "0 certificate PDF(s) rebuilt" in out.getvalue()
    with pytest.raises(CommandError, match="--since"):
        call_command("rerender_certificates", "--since", "31/02/2026", stdout=StringIO())

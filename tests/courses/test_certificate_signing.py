"""Certificate PDFs signed with the department's key (PAdES), and checked on the verify page."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.certificates.services import (
    UploadVerdict,
    certificate_issue,
    certificate_render_pdf,
    certificate_rerender_pdf,
)
from courses.certificates.signing import (
    check_signed_pdf,
    signing_certificate,
    write_self_signed_pair,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _validate(data: bytes):
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[signing_certificate()], allow_fetching=False)
    return validate_pdf_signature(signature, context)


def _rendered(certificate) -> bytes:
    with certificate_render_pdf(certificate_id=certificate.pk).pdf.open("rb") as stored:
        return stored.read()


def _tampered(data: bytes, code: str) -> bytes:
    """One byte changed inside the signed range: the code in the document information."""
    needle = f"/Subject ({code})".encode()
    at = data.rindex(needle) + len(needle) - 2  # the last character of the code the reader sees
    return data[:at] + (b"X" if data[at : at + 1] != b"X" else b"Y") + data[at + 1 :]


def test_rendered_pdf_signature_is_intact_and_covers_the_whole_file(
    certificate_signing, issued_certificate
):
    data = _rendered(issued_certificate)
    status = _validate(data)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert check_signed_pdf(data).code == issued_certificate.code


def test_one_changed_byte_in_the_signed_range_breaks_the_signature(
    certificate_signing, issued_certificate
):
    data = _rendered(issued_certificate)
    tampered = _tampered(data, issued_certificate.code)
    assert len(tampered) == len(data) and tampered != data
    assert not _validate(tampered).intact
    assert not check_signed_pdf(tampered).ours


def test_without_a_key_the_pdf_is_unsigned(issued_certificate):
    data = _rendered(issued_certificate)
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []
    assert b"/ByteRange" not in data


def test_rerender_keeps_signing(certificate_signing, issued_certificate, officer):
    _rendered(issued_certificate)
    certificate = certificate_rerender_pdf(certificate_id=issued_certificate.pk, actor=officer)
    with certificate.pdf.open("rb") as stored:
        status = _validate(stored.read())
    assert status.intact and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def _upload(client, certificate, data: bytes, name="chung-nhan.pdf"):
    return client.post(
        reverse("verify:detail", args=[certificate.code]),
        {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def _verdict(response) -> str:
    assert response.status_code == 200
    return response.context["upload_verdict"]


def test_verify_upload_recognises_the_stored_original(
    client, certificate_signing, issued_certificate, django_assert_max_num_queries
):
    data = _rendered(issued_certificate)
    with django_assert_max_num_queries(9):
        response = _upload(client, issued_certificate, data)
    assert _verdict(response) == UploadVerdict.ORIGINAL
    assert "bản gốc chưa bị sửa đổi" in response.content.decode()


def test_verify_upload_rejects_an_altered_copy(client, certificate_signing, issued_certificate):
    tampered = _tampered(_rendered(issued_certificate), issued_certificate.code)
    response = _upload(client, issued_certificate, tampered)
    assert _verdict(response) == UploadVerdict.NOT_OURS
    assert "đã bị sửa đổi hoặc không phải do Sở cấp" in response.content.decode()


def test_verify_upload_rejects_a_pdf_signed_with_another_key(
    client, settings, tmp_path, certificate_signing, issued_certificate
):
    key, cert = write_self_signed_pair(
        tmp_path / "forger",
        common_name="Sở Khoa học và Công nghệ Thử nghiệm",
        organisation="Sở KH&CN tỉnh Thử nghiệm",
    )
    settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
    forged = _rendered(issued_certificate)
    assert check_signed_pdf(forged).ours  # signed with the key configured at the time
    settings.CERTIFICATE_SIGNING_KEY = str(certificate_signing["key"])
    settings.CERTIFICATE_SIGNING_CERT = str(certificate_signing["cert"])
    issued_certificate.refresh_from_db()
    issued_certificate.pdf.delete()  # not the stored file either
    assert _verdict(_upload(client, issued_certificate, forged)) == UploadVerdict.NOT_OURS


def test_verify_upload_of_another_certificate_says_so(
    client, certificate_signing, issued_certificate, trainee, course, complete_course
):
    complete_course(trainee, course)
    other = certificate_issue(user=trainee, course=course)
    response = _upload(client, issued_certificate, _rendered(other))
    assert _verdict(response) == UploadVerdict.OTHER_CERTIFICATE


def test_verify_upload_refuses_a_non_pdf_and_needs_csrf(
    certificate_signing, issued_certificate, client
):
    response = _upload(client, issued_certificate, b"a,b\n", name="chung-nhan.csv")
    assert response.status_code == 200
    assert "upload_verdict" not in response.context
    assert "không đúng loại" in response.context["upload_error"]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert _upload(strict, issued_certificate, _rendered(issued_certificate)).status_code == 403


def test_verify_page_shows_the_signer(client, certificate_signing, issued_certificate):
    page = client.get(reverse("verify:detail", args=[issued_certificate.code])).content.decode()
    assert "Sở Khoa học và Công nghệ Thử nghiệm" in page
    assert "Sở KH&amp;CN tỉnh Thử nghiệm" in page
    assert reverse("verify:public_key") in page


def test_public_key_is_served_when_configured(db, client, certificate_signing):
    response = client.get(reverse("verify:public_key"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content.startswith(b"-----BEGIN CERTIFICATE-----")
    from cryptography import x509

    served = x509.load_pem_x509_certificate(response.content)
    configured = x509.load_pem_x509_certificate(certificate_signing["cert"].read_bytes())
    assert served == configured


def test_public_key_is_404_without_a_certificate(db, client):
    assert client.get(reverse("verify:public_key")).status_code == 404


def test_a_pkcs12_key_with_passphrase_signs(settings, tmp_path, issued_certificate):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key_path, cert_path = write_self_signed_pair(
        tmp_path / "pem", common_name="Sở KH&CN", organisation="Sở KH&CN"
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"so-khcn",
        serialization.load_pem_private_key(key_path.read_bytes(), password=None),
        x509.load_pem_x509_certificate(cert_path.read_bytes()),
        None,
        serialization.BestAvailableEncryption(b"mat-khau-rat-dai"),
    )
    p12 = tmp_path / "so-khcn.p12"
    p12.write_bytes(bundle)
    settings.CERTIFICATE_SIGNING_KEY = str(p12)
    settings.CERTIFICATE_SIGNING_CERT = ""
    settings.CERTIFICATE_SIGNING_PASSPHRASE = "mat-khau-rat-dai"
    status = _validate(_rendered(issued_certificate))
    assert status.intact and status.trusted


def test_load_demo_writes_a_demo_pair_that_signs(settings, tmp_path):
    from lms.site.management.commands.load_demo import Command

    settings.DEMO_SIGNING_DIR = tmp_path / "signing"
    Command()._demo_signing_pair()
    assert str(tmp_path / "signing" / "key.pem") == settings.CERTIFICATE_SIGNING_KEY
    assert signing_certificate().subject.native["common_name"].endswith("(demo)")

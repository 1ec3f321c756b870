"""The QR code of a certificate carries a signed payload a phone can check offline."""

import base64
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from django.core.cache import cache
from django.urls import reverse

from courses.certificates import offline_proof
from courses.certificates.services import (
    certificate_reissue,
    certificate_render_pdf,
    certificate_revoke,
    verify_url,
)

LONG_TITLE = (
    "Xây dựng, áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo tiêu chuẩn "
    "quốc gia TCVN ISO 9001:2015 tại cơ quan hành chính nhà nước"
)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _token(certificate) -> str:
    url = offline_proof.qr_url(certificate, verify_url(certificate.code))
    return parse_qs(urlsplit(url).query)[offline_proof.PARAMETER][0]


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _published_pem(client) -> bytes:
    response = client.get(reverse("verify:public_key"))
    assert response.status_code == 200
    return response.content


def test_payload_verifies_with_the_published_public_key(
    client, certificate_signing, issued_certificate
):
    token = _token(issued_certificate)
    proof = offline_proof.verify_token(token, certificate_pem=_published_pem(client))
    assert proof is not None
    assert proof.code == issued_certificate.code
    assert proof.full_name == "Nguyễn Thị Hồng Nhung"
    assert proof.course_title == issued_certificate.course_title
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", proof.issued_on)


def test_signature_is_plain_ecdsa_a_phone_can_check_with_webcrypto(
    client, certificate_signing, issued_certificate
):
    """The documented format, checked without the project's code: raw r||s over the bytes."""
    from cryptography import x509

    payload, signature = (_b64(part) for part in _token(issued_certificate).split("."))
    fields = json.loads(payload)
    assert set(fields) == {"v", "c", "n", "k", "i", "e"} and fields["v"] == 1
    key = x509.load_pem_x509_certificate(_published_pem(client)).public_key()
    assert len(signature) == 64
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    key.verify(der, payload, ec.ECDSA(hashes.SHA256()))


def _flip(text: str, at: int) -> str:
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1 :]


def test_one_changed_character_fails(client, certificate_signing, issued_certificate):
    token = _token(issued_certificate)
    pem = _published_pem(client)
    payload_end = token.index(".")
    for at in (0, payload_end // 2, payload_end + 5, len(token) - 3):
        assert offline_proof.verify_token(_flip(token, at), certificate_pem=pem) is None
    forged = _b64(token[:payload_end]).replace(b"Nhung", b"Nhunq")
    forged_token = base64.urlsafe_b64encode(forged).rstrip(b"=").decode() + token[payload_end:]
    assert offline_proof.verify_token(forged_token, certificate_pem=pem) is None


@pytest.mark.parametrize("token", ["", ".", "abc", "a.b.c", "!!.??", "x" * 5000])
def test_garbage_tokens_are_refused_quietly(certificate_signing, token):
    assert offline_proof.verify_token(token) is None


def test_without_a_key_the_qr_holds_the_plain_address(issued_certificate):
    url = offline_proof.qr_url(issued_certificate, verify_url(issued_certificate.code))
    assert url == verify_url(issued_certificate.code)


def test_rsa_keys_sign_with_pss(settings, tmp_path, issued_certificate):
    _rsa_pair(settings, tmp_path)
    token = _token(issued_certificate)
    assert offline_proof.verify_token(token) is not None
    assert offline_proof.verify_token(_flip(token, 3)) is None
    assert segno.make(verify_url(issued_certificate.code) + "?p=" + token, error="m").version <= 25


def _rsa_pair(settings, tmp_path):
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở KH&CN RSA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = tmp_path / "rsa-key.pem", tmp_path / "rsa-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    settings.CERTIFICATE_SIGNING_KEY = str(key_path)
    settings.CERTIFICATE_SIGNING_CERT = str(cert_path)
    settings.CERTIFICATE_SIGNING_PASSPHRASE = ""


def test_qr_stays_small_for_long_names_and_titles(certificate_signing, issued_certificate):
    issued_certificate.full_name = "Tôn Nữ Thị Hoàng Phương Thảo Nguyễn Phúc " * 3
    issued_certificate.course_title = LONG_TITLE
    url = offline_proof.qr_url(issued_certificate, verify_url(issued_certificate.code))
    assert segno.make(url, error="m", micro=False).version <= 20
    assert offline_proof.verify_token(_token(issued_certificate)).full_name.startswith("Tôn Nữ")


def _qr_runs(url: str) -> set[str]:
    """The filled-square operators `_draw_qr` writes for `url`."""
    matrix = segno.make(url, error="m", micro=False, mask=2).matrix
    modules = len(matrix) + 8
    runs = set()
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                runs.add(f"{start + 4} {modules - 5 - row_index} {col_index - start} 1 re")
                start = None
    return runs


def test_generated_pdf_draws_the_signed_qr(certificate_signing, issued_certificate):
    certificate = certificate_render_pdf(certificate_id=issued_certificate.pk)
    with certificate.pdf.open("rb") as stored:
        page = pypdf.PdfReader(io.BytesIO(stored.read())).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    drawn = set(content.splitlines())
    signed = _qr_runs(offline_proof.qr_url(certificate, verify_url(certificate.code)))
    plain = _qr_runs(verify_url(certificate.code))
    assert signed <= drawn
    assert not plain <= drawn


def test_verify_page_says_the_offline_signature_holds(
    client, certificate_signing, issued_certificate
):
    token = _token(issued_certificate)
    url = reverse("verify:detail", args=[issued_certificate.code])
    page = client.get(url, {"p": token}).content.decode()
    assert 'data-offline-proof="valid"' in page
    page = client.get(url, {"p": _flip(token, 4)}).content.decode()
    assert 'data-offline-proof="invalid"' in page
    assert "data-offline-proof" not in client.get(url).content.decode()


def test_payload_of_another_certificate_is_not_valid_here(
    client, certificate_signing, issued_certificate, officer
):
    token = _token(issued_certificate)
    certificate_revoke(certificate=issued_certificate, reason="Sai họ tên", actor=officer)
    replacement = certificate_reissue(certificate=issued_certificate, actor=officer)
    url = reverse("verify:detail", args=[replacement.code])
    assert 'data-offline-proof="invalid"' in client.get(url, {"p": token}).content.decode()
    new_token = _token(replacement)
    assert 'data-offline-proof="valid"' in client.get(url, {"p": new_token}).content.decode()


def test_a_payload_whose_name_differs_from_the_certificate_is_not_valid_here(
    client, certificate_signing, issued_certificate
):
    """The page says the QR's details match the certificate: all of them, not the code."""
    from courses.models import Certificate

    token = _token(issued_certificate)
    Certificate.objects.filter(pk=issued_certificate.pk).update(full_name="Người Khác Hẳn")
    url = reverse("verify:detail", args=[issued_certificate.code])
    assert 'data-offline-proof="invalid"' in client.get(url, {"p": token}).content.decode()


def test_without_a_key_here_the_page_does_not_call_a_qr_forged(
    client, certificate_signing, issued_certificate, settings
):
    token = _token(issued_certificate)
    settings.CERTIFICATE_SIGNING_KEY = settings.CERTIFICATE_SIGNING_CERT = ""
    url = reverse("verify:detail", args=[issued_certificate.code])
    assert "data-offline-proof" not in client.get(url, {"p": token}).content.decode()


def test_revoked_certificate_keeps_its_proof_and_the_page_says_revoked(
    client, certificate_signing, issued_certificate, officer
):
    token = _token(issued_certificate)
    certificate_revoke(certificate=issued_certificate, reason="Cấp nhầm", actor=officer)
    url = reverse("verify:detail", args=[issued_certificate.code])
    page = client.get(url, {"p": token}).content.decode()
    assert 'data-status="revoked"' in page
    assert 'data-offline-proof="valid"' in page
    assert offline_proof.verify_token(token) is not None

"""A signed summary of a certificate carried in its QR code, checkable without a network.

The QR code holds the verify page's address with one query parameter the page reads but does not
need: `SITE_URL/verify/<code>/?p=<payload>.<signature>`, both parts base64url without padding.

- payload: compact UTF-8 JSON (NFC), keys `v` (format, 1), `c` (code), `n` (holder's name),
  `k` (course title), `i` (issue date, YYYY-MM-DD, Vietnam time), `e` (expiry date or null).
- signature: over the payload bytes exactly as decoded, with the department's signing key:
  ECDSA P-256/384/521 with SHA-256 as raw r||s (IEEE P1363, what WebCrypto returns), RSA-PSS
  with SHA-256, MGF1-SHA-256 and a 32-byte salt, or Ed25519; the public key is the certificate
  published at /verify/public-key.pem.

A valid signature proves the department issued a certificate with these details; only the verify
page says whether it has since been revoked or replaced.
"""

import base64
import binascii
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from courses.certificates.signing import signing_certificate, signing_configured

PARAMETER = "p"
FORMAT_VERSION = 1
# A QR of version 20 (97 modules) printed 34 mm wide still has modules of 0.3 mm, which phone
# cameras read; longer names are cut so the code never grows past it.
MAX_TEXT = 90
PSS_SALT_LENGTH = 32


@dataclass(frozen=True)
class OfflineProof:
    code: str
    full_name: str
    course_title: str
    issued_on: str
    expires_on: str | None


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _local_day(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


def payload_bytes(certificate) -> bytes:
    """The compact JSON the department signs for `certificate`."""
    data = {
        "v": FORMAT_VERSION,
        "c": certificate.code,
        "n": unicodedata.normalize("NFC", certificate.full_name)[:MAX_TEXT],
        "k": unicodedata.normalize("NFC", certificate.course_title)[:MAX_TEXT],
        "i": _local_day(certificate.issued_at),
        "e": _local_day(certificate.expires_at),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _private_key():
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from courses.certificates.signing import _signer

    return load_der_private_key(_signer().signing_key.dump(), password=None)


def _public_key(certificate_pem: bytes | None = None):
    from cryptography import x509

    if certificate_pem is not None:
        return x509.load_pem_x509_certificate(certificate_pem).public_key()
    certificate = signing_certificate()
    if certificate is None:
        return None
    return x509.load_der_x509_certificate(certificate.dump()).public_key()


def _sign(key, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = utils.decode_dss_signature(_ecdsa_sign(key, data))
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_LENGTH)
        return key.sign(data, pss, hashes.SHA256())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    raise TypeError(f"unsupported signing key type: {type(key).__name__}")


def _ecdsa_sign(key, data: bytes) -> bytes:
    """Deterministic (RFC 6979) where OpenSSL offers it: a re-rendered PDF keeps its QR code."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        return key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    except UnsupportedAlgorithm:
        return key.sign(data, ec.ECDSA(hashes.SHA256()))


def _verify(key, signature: bytes, data: bytes) -> None:
    """Raises InvalidSignature (or ValueError on a malformed signature) unless it holds."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

    if isinstance(key, ec.EllipticCurvePublicKey):
        size = (key.curve.key_size + 7) // 8
        if len(signature) != 2 * size:
            raise ValueError("wrong signature length")
        r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
        key.verify(utils.encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(key, rsa.RSAPublicKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=PSS_SALT_LENGTH)
        key.verify(signature, data, pss, hashes.SHA256())
    elif isinstance(key, ed25519.Ed25519PublicKey):
        key.verify(signature, data)
    else:
        raise ValueError("unsupported public key type")


def signed_token(certificate) -> str:
    """`<payload>.<signature>` for the QR code; empty when no signing key is configured."""
    if not signing_configured():
        return ""
    data = payload_bytes(certificate)
    return f"{_b64encode(data)}.{_b64encode(_sign(_private_key(), data))}"


def qr_url(certificate, verify_url: str) -> str:
    """What the certificate's QR code holds: the verify address, plus the signed payload."""
    token = signed_token(certificate)
    return f"{verify_url}?{PARAMETER}={token}" if token else verify_url


def verify_token(token: str, *, certificate_pem: bytes | None = None) -> OfflineProof | None:
    """The certificate details `token` proves, or None when its signature does not hold.

    Checked against `certificate_pem` (the file at /verify/public-key.pem) or, by default, the
    configured signing certificate.
    """
    from cryptography.exceptions import InvalidSignature

    key = _public_key(certificate_pem)
    if key is None or not isinstance(token, str) or token.count(".") != 1 or len(token) > 2000:
        return None
    encoded_payload, encoded_signature = token.split(".")
    try:
        data, signature = _b64decode(encoded_payload), _b64decode(encoded_signature)
        _verify(key, signature, data)
        fields = json.loads(data.decode("utf-8"))
        if not isinstance(fields, dict) or fields.get("v") != FORMAT_VERSION:
            return None
        return OfflineProof(
            code=str(fields["c"]),
            full_name=str(fields["n"]),
            course_title=str(fields["k"]),
            issued_on=str(fields["i"]),
            expires_on=fields.get("e"),
        )
    except (InvalidSignature, ValueError, binascii.Error, KeyError, UnicodeDecodeError):
        return None


def verify_page_proof(query_value: str | None, certificate) -> str:
    """For the verify page: "valid" when the QR's payload is signed by us and says what this
    certificate says (code, name, course, dates: the page tells the reader they match),
    "invalid" when it is present but does not hold, "" when absent or when this site has no
    key to check it with (a missing key is not a forged QR)."""
    if not query_value or not signing_configured():
        return ""
    proof = verify_token(query_value)
    if proof is None:
        return "invalid"
    signed = json.loads(payload_bytes(certificate))
    expected = OfflineProof(
        code=signed["c"],
        full_name=signed["n"],
        course_title=signed["k"],
        issued_on=signed["i"],
        expires_on=signed["e"],
    )
    return "valid" if proof == expected else "invalid"

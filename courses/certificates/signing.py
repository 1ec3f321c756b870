"""PAdES signatures on certificate PDFs with the department's key, and their verification.

Settings (environment): CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT are paths to PEM
files, or CERTIFICATE_SIGNING_KEY is a PKCS#12 (.p12/.pfx) file opened with
CERTIFICATE_SIGNING_PASSPHRASE. Without a key, PDFs are produced unsigned.
"""

import datetime
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

PKCS12_SUFFIXES = (".p12", ".pfx")
FIELD_NAME = "DepartmentSignature"


def _config() -> tuple[str, str, str]:
    return (
        str(getattr(settings, "CERTIFICATE_SIGNING_KEY", "") or ""),
        str(getattr(settings, "CERTIFICATE_SIGNING_CERT", "") or ""),
        str(getattr(settings, "CERTIFICATE_SIGNING_PASSPHRASE", "") or ""),
    )


def signing_configured() -> bool:
    return bool(_config()[0])


@lru_cache(maxsize=4)
def _load_signer(key: str, cert: str, passphrase: str):
    """Loaded once per process and configuration: reading and decrypting the key is slow."""
    from pyhanko.sign import signers

    secret = passphrase.encode() if passphrase else None
    if key.lower().endswith(PKCS12_SUFFIXES):
        signer = signers.SimpleSigner.load_pkcs12(key, passphrase=secret)
    else:
        signer = signers.SimpleSigner.load(key, cert, key_passphrase=secret)
    if signer is None:
        raise RuntimeError(f"cannot load the certificate signing key from {key}")
    return signer


def _signer():
    return _load_signer(*_config())


def signing_certificate():
    """The department's certificate (asn1crypto), or None when signing is not configured."""
    return _signer().signing_cert if signing_configured() else None


def signing_certificate_pem() -> bytes | None:
    from asn1crypto import pem

    certificate = signing_certificate()
    if certificate is None:
        return None
    return pem.armor("CERTIFICATE", certificate.dump())


def signer_names() -> dict[str, str]:
    """The signing certificate's subject common name and organisation (empty when unsigned)."""
    certificate = signing_certificate()
    if certificate is None:
        return {}
    subject = certificate.subject.native
    return {
        "common_name": subject.get("common_name", ""),
        "organisation": subject.get("organization_name", ""),
    }


def sign_pdf(data: bytes) -> bytes:
    """The PDF with the department's PAdES signature appended; unchanged when not configured."""
    if not signing_configured():
        return data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    return signers.sign_pdf(writer, metadata, signer=_signer()).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """What a signed PDF proves: signed by the department, untouched, and whose code it carries."""

    ours: bool
    code: str = ""


def check_signed_pdf(data: bytes) -> SignatureCheck:
    """Whether data is a whole, unaltered PDF signed with the configured certificate."""
    certificate = signing_certificate()
    if certificate is None:
        return SignatureCheck(ours=False)
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return SignatureCheck(ours=False)
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        status = validate_pdf_signature(signatures[0], context)
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        ours = bool(status.intact and status.valid and status.trusted and whole)
        info = reader.trailer_view.get("/Info")
        info = info.get_object() if info is not None else {}
        code = str(info.get("/Subject", ""))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, OSError):
        return SignatureCheck(ours=False)
    return SignatureCheck(ours=ours, code=code if ours else "")


def write_self_signed_pair(
    directory: Path, *, common_name: str, organisation: str, days: int = 3650
) -> tuple[Path, Path]:
    """A throwaway key and self-signed certificate (PEM) for demos and tests."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "key.pem", directory / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path

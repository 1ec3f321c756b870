import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator

from django.test import override_settings

pytestmark = pytest.mark.django_db


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app computes it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_dost_officer_enables_totp_in_vietnamese(client, officer):
    client.post("/accounts/login/", {"login": officer.email, "password": "secret-pass-123"})
    page = client.get("/accounts/2fa/totp/activate/", follow=True)
    # Enrolling an authenticator asks for the password again, in Vietnamese.
    reauthenticate = page.redirect_chain[-1][0]
    assert reauthenticate.startswith("/accounts/reauthenticate/")
    assert "Mật khẩu" in page.content.decode()
    page = client.post(reauthenticate, {"password": "secret-pass-123"}, follow=True)
    content = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="vi">' in content
    secret = re.search(r'value="([A-Z2-7]{16,})"', content) or re.search(
        r"\b([A-Z2-7]{32})\b", content
    )
    assert secret, "the activation page shows the secret for manual entry"
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret.group(1))})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


@override_settings(MFA_REQUIRED_ROLES=["dost_officer"])
def test_staff_role_must_enrol_totp_before_using_the_site(client, officer, trainee):
    client.force_login(officer)
    response = client.get("/courses/my-learning/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    client.force_login(trainee)
    assert client.get("/courses/my-learning/").status_code == 200

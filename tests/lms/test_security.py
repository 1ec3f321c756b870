"""Security settings and headers that are not covered by the deployment check."""

from tests.lms.test_settings import PRODUCTION_ENV, _manage


def test_production_hashes_new_passwords_with_argon2_and_still_accepts_pbkdf2():
    code = (
        "from django.conf import settings as s;"
        "from django.contrib.auth.hashers import make_password, check_password;"
        "old = make_password('mật-khẩu-cũ', hasher='pbkdf2_sha256');"
        "print(s.PASSWORD_HASHERS[0], make_password('mật-khẩu').split('$')[0],"
        " check_password('mật-khẩu-cũ', old))"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "argon2",
        "True",
    ]

"""Passwords are hashed with Argon2id at a memory cost a web worker can afford."""

import subprocess
import sys

from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from lms.accounts.hashers import Argon2PasswordHasher

PRODUCTION_HASHERS = ["lms.accounts.hashers.Argon2PasswordHasher"]


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_new_hashes_use_twelve_mebibytes_three_passes_one_lane():
    encoded = make_password("Mật khẩu dài 2026!")
    assert encoded.startswith("argon2$argon2id$v=19$m=12288,t=3,p=1$")
    assert check_password("Mật khẩu dài 2026!", encoded)


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_hashes_made_with_django_defaults_verify_and_are_upgraded():
    from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoDefault

    old = DjangoDefault().encode("Mật khẩu cũ 2020!", DjangoDefault().salt())
    upgraded = []
    assert check_password("Mật khẩu cũ 2020!", old, setter=upgraded.append)
    assert upgraded == ["Mật khẩu cũ 2020!"]


def test_a_sign_in_does_not_reserve_a_hundred_mebibytes():
    code = (
        "import resource; from lms.accounts.hashers import Argon2PasswordHasher as H; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "h = H(); h.verify('x' * 12, h.encode('x' * 12, h.salt())); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    grown_kib = int(result.stdout.strip())
    assert grown_kib < 32 * 1024, grown_kib
    assert Argon2PasswordHasher.memory_cost == 12 * 1024

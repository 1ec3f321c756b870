"""Demo agencies and one user per role, built from fixtures/ (used by `load_demo`)."""

from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress

from django.contrib.auth import get_user_model
from django.db import transaction

from . import roles
from .directory_import import agencies_import
from .models import Agency
from .services import user_add_role

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed to the operator on purpose


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    agency_code: str


DEMO_LOGINS = [
    DemoLogin(roles.TRAINEE, "hocvien@demo.vn", "Nguyễn Thị Hồng Nhung", "VP-STP"),
    DemoLogin(roles.TRAINER, "giangvien@demo.vn", "Trần Quang Huy", "VP-SKHCN"),
    DemoLogin(roles.SECRETARY, "thuky@demo.vn", "Lê Minh Đức", "VP-STP"),
    DemoLogin(roles.DOST_OFFICER, "canbo@demo.vn", "Phạm Thu Hà", "VP-SKHCN"),
    DemoLogin(roles.EDITOR, "bientap@demo.vn", "Đỗ Văn Khánh", "VP-SKHCN"),
]
ADMIN_LOGIN = DemoLogin("admin", "admin@demo.vn", "Quản trị hệ thống", "VP-SKHCN")


def load_agencies(path: Path) -> int:
    """Create or update the demo agencies through the directory import (same rules, same file
    format as `import_agencies`); returns how many agencies the file lists."""
    result = agencies_import(data=path.read_bytes(), filename=path.name)
    if result.errors:
        row, message = result.errors[0]
        raise ValueError(f"{path}: row {row}: {message}")
    return len(result.changes) + result.unchanged


def _agency_for(code: str):
    return (
        Agency.objects.filter(code=code).first() or Agency.objects.filter(kind="department").first()
    )


def ensure_user(*, email: str, full_name: str, agency=None, position: str = "", password=None):
    """Create the user once with a verified e-mail address; later runs leave it as it is."""
    user, created = get_user_model().objects.get_or_create(
        email=email, defaults={"full_name": full_name, "agency": agency, "position": position}
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_role_users() -> list[DemoLogin]:
    for login in DEMO_LOGINS:
        user = ensure_user(
            email=login.email,
            full_name=login.full_name,
            agency=_agency_for(login.agency_code),
            password=DEMO_PASSWORD,
        )
        user_add_role(user=user, role=login.role)
        if login.role in (roles.EDITOR, roles.DOST_OFFICER, roles.TRAINER):
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    admin = ensure_user(
        email=ADMIN_LOGIN.email,
        full_name=ADMIN_LOGIN.full_name,
        agency=_agency_for(ADMIN_LOGIN.agency_code),
        password=DEMO_PASSWORD,
    )
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    return [*DEMO_LOGINS, ADMIN_LOGIN]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và cơ quan")

    def ready(self):
        from . import signals  # noqa: F401 - connects the role-change audit

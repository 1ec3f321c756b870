from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "lms.xapi"
    label = "xapi"
    verbose_name = _("Gửi dữ liệu học tập (xAPI)")

    def ready(self):
        from . import receivers  # noqa: F401

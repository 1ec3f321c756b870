from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lms.coverage"
    label = "coverage"
    verbose_name = _("Độ bao phủ đào tạo")

    def ready(self):
        from . import cache  # noqa: F401 - connects the data-version signals

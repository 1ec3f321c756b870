from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "lms.site"
    label = "site"
    verbose_name = _("Trang chủ và điều hướng")

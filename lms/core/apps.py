from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lms.core"
    label = "core"
    verbose_name = _("Trang và cấu hình chung")

    def ready(self):
        from lms.core.deletion import make_tree_deletes_atomic
        from lms.core.exports import make_wagtail_exports_safe

        make_tree_deletes_atomic()
        make_wagtail_exports_safe()

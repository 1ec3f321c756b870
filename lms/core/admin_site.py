"""The Django admin's site: for system administrators only; staff work in the Wagtail admin.

Installed as the default admin site (SystemAdminConfig below replaces
django.contrib.admin in INSTALLED_APPS), so `admin.site` and `@admin.register` are this site.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class SystemAdminSite(AdminSite):
    def has_permission(self, request):
        """Active superusers only: staff status alone does not open the Django admin."""
        return request.user.is_active and request.user.is_superuser


class SystemAdminConfig(AdminConfig):
    """django.contrib.admin with SystemAdminSite as `admin.site`."""

    default_site = "lms.core.admin_site.SystemAdminSite"

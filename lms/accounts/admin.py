from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lms.core.admin import KeepHistoryAdmin

from .models import Agency, User


@admin.register(User)
class UserAdmin(KeepHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "agency", "position", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "agency__kind"]
    search_fields = ["email", "full_name", "phone"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Thông tin cá nhân"),
            {"fields": ["full_name", "agency", "position", "phone", "preferred_language"]},
        ),
        (_("Quyền"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Thời điểm"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(Agency)
class AgencyAdmin(KeepHistoryAdmin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "target_headcount",
        "is_active",
        "merged_into",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "merged_into"]

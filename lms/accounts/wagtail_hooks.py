import json

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from lms.accounts.permissions import can_manage_directory

from . import (
    admin_views,
    audit_log,  # noqa: F401 - registers the audit log report and delete hooks
)
from .models import Agency


class LinesWidget(forms.Textarea):
    """A list of names edited one per line (stored as a JSON list)."""

    def format_value(self, value):
        try:
            names = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return value
        return "\n".join(names or []) if isinstance(names, list) else value

    def value_from_datadict(self, data, files, name):
        text = data.get(name, "")
        return json.dumps([line.strip() for line in text.splitlines() if line.strip()])


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = gettext_lazy("Cơ quan, đơn vị")
    menu_order = 300
    add_to_admin_menu = True
    list_display = [
        "name",
        "code",
        "kind",
        "parent",
        "target_headcount",
        "is_active",
        "merged_into",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "aliases"]
    ordering = ["name"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("target_headcount"),
        FieldPanel("is_active"),
        FieldPanel("merged_into"),
        FieldPanel("merged_at"),
        FieldPanel("aliases", widget=LinesWidget(attrs={"rows": 3})),
    ]


register_snippet(AgencyViewSet)


@hooks.register("register_admin_urls")
def register_agency_directory_urls():
    return [
        path(
            "agencies/import/",
            admin_views.AgencyImportView.as_view(),
            name="accounts_agency_import",
        ),
        path("agencies/export/", admin_views.agency_export_view, name="accounts_agency_export"),
    ]


class DirectoryMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_directory(request.user)


@hooks.register("register_admin_menu_item")
def register_agency_import_menu_item():
    return DirectoryMenuItem(
        gettext_lazy("Nhập danh mục đơn vị"),
        reverse("accounts_agency_import"),
        name="agency-import",
        icon_name="upload",
        order=301,
    )

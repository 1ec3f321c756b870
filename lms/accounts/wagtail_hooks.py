from django.utils.translation import gettext_lazy

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency


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
    search_fields = ["name", "code"]
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
    ]


register_snippet(AgencyViewSet)

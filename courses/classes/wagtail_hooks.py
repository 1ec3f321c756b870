"""Classes and their sessions in the Wagtail admin (staff and trainers create and edit them)."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.classes.models import ClassSession, TrainingClass


class TrainingClassViewSet(SnippetViewSet):
    model = TrainingClass
    icon = "group"
    menu_label = _("Lớp học")
    list_display = ["title", "course", "capacity", "created_at"]
    search_fields = ["title"]
    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldPanel("trainers"),
        FieldPanel("capacity"),
        FieldPanel("allow_walk_in"),
    ]


class ClassSessionViewSet(SnippetViewSet):
    model = ClassSession
    icon = "date"
    menu_label = _("Buổi học")
    list_display = ["__str__", "training_class", "starts_at", "venue", "status"]
    list_filter = ["status"]
    panels = [
        FieldPanel("training_class"),
        FieldPanel("title"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("venue"),
        FieldPanel("status"),
        FieldPanel("checkin_opens_minutes"),
        FieldPanel("checkin_closes_minutes"),
        FieldPanel("late_after_minutes"),
    ]


class ClassesViewSetGroup(SnippetViewSetGroup):
    items = (TrainingClassViewSet, ClassSessionViewSet)
    menu_icon = "group"
    menu_label = _("Lớp tập trung")
    menu_name = "classes"


register_snippet(ClassesViewSetGroup)

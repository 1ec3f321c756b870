"""Admin for enrolments (read-only: they are written by courses.learning.enrolment, with its
rules and audit, from the site's enrolment pages, the API and rosters), and the learning block
of the home page."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.learning.models import Enrolment
from lms.core.readonly import ReadOnlyPermissionPolicy


class EnrolmentViewSet(SnippetViewSet):
    model = Enrolment
    icon = "user"
    menu_label = _("Ghi danh")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["user", "course", "cycle", "source", "status", "created_at", "completed_at"]
    list_filter = ["course", "status", "source"]
    # Plain ORM search on related fields: enrolments are not in the search index.
    search_backend_name = None
    search_fields = ["user__email", "user__full_name", "course__title"]
    ordering = ["-created_at"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Enrolment.objects.select_related("user", "course")


register_permission_policy(Enrolment, ReadOnlyPermissionPolicy(Enrolment))
register_snippet(EnrolmentViewSet)


@hooks.register("lms_home_context")
def continue_learning_context(request) -> dict:
    """The home page's "continue learning" box (the core app reads this hook, never courses)."""
    from courses.learning.selectors import continue_learning

    return {"continue_learning": continue_learning(user=request.user)}

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import audit_log  # noqa: F401 - registers the audit log report and delete hooks
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


@hooks.register("before_delete_user")
def keep_people_with_training_records(request, user):
    """People with training records are archived (made inactive), never deleted, so history,
    certificates and coverage stay intact."""
    has_records = (
        user.enrolments.exists()
        or user.attendances.exists()
        or user.certificates.exists()
        or user.quiz_attempts.exists()
    )
    if has_records:
        messages.error(
            request,
            _(
                "Không thể xóa %(name)s vì đã có hồ sơ đào tạo. Hãy bỏ chọn “Đang hoạt động” "
                "để lưu trữ tài khoản."
            )
            % {"name": user},
        )
        return redirect("wagtailusers_users:edit", user.pk)
    return None

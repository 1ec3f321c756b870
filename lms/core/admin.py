"""Django admin pieces shared by the apps (this module registers no model)."""

from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lms.core.deletion import deletion_blockers, refusal_message


def delete_selected_keeping_history(modeladmin, request, queryset):
    """Django's "delete selected", refused as a whole when any selected row has history."""
    refusals = [
        refusal_message(obj, blockers) for obj in queryset if (blockers := deletion_blockers([obj]))
    ]
    if not refusals:
        return delete_selected(modeladmin, request, queryset)
    for message in refusals:
        modeladmin.message_user(request, message, messages.ERROR)
    modeladmin.message_user(
        request, _("Chưa xóa mục nào: hãy bỏ chọn các mục trên rồi thử lại."), messages.ERROR
    )
    return None


delete_selected_keeping_history.allowed_permissions = ("delete",)
delete_selected_keeping_history.short_description = delete_selected.short_description


class KeepHistoryAdmin:
    """ModelAdmin mixin: a row with training history is archived, and the admin says so."""

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and (blockers := deletion_blockers([obj])):
            self.message_user(request, refusal_message(obj, blockers), messages.ERROR)
            opts = self.opts
            return redirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
            )
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_keeping_history, name, description)
        return actions

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page

from lms.core.deletion import deletion_blockers, page_deletion_blockers, refusal_message
from lms.core.pagecache import remember_route

hooks.register("before_serve_page", remember_route)

SHOWN_REFUSALS = 5


def _blockers(obj) -> list:
    return page_deletion_blockers(obj) if isinstance(obj, Page) else deletion_blockers([obj])


def _refuse_deletes(request, objects) -> bool:
    """Tell why each object that must be kept is not deleted; True when any must be kept."""
    refusals = [refusal_message(obj, blockers) for obj in objects if (blockers := _blockers(obj))]
    for message in refusals[:SHOWN_REFUSALS]:
        messages.error(request, message)
    if len(refusals) > SHOWN_REFUSALS:
        messages.error(
            request,
            _("… và %(count)s mục khác cũng phải lưu giữ.")
            % {"count": len(refusals) - SHOWN_REFUSALS},
        )
    if refusals and len(objects) > 1:
        messages.error(request, _("Chưa xóa mục nào: hãy bỏ chọn các mục trên rồi thử lại."))
    return bool(refusals)


@hooks.register("before_delete_page")
def keep_pages_with_history(request, page):
    """A page (or a page below it) with enrolments, attempts or progress is unpublished instead."""
    if _refuse_deletes(request, [page]):
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_delete_user")
def keep_people_with_history(request, user):
    """People with training records are archived (made inactive), never deleted."""
    if _refuse_deletes(request, [user]):
        return redirect("wagtailusers_users:edit", user.pk)
    return None


def _snippet_url(obj) -> str:
    viewset = obj.snippet_viewset
    try:
        return reverse(viewset.get_url_name("edit"), args=[quote(obj.pk)])
    except NoReverseMatch:
        return reverse(viewset.get_url_name("list"))


@hooks.register("before_delete_snippet")
def keep_snippets_with_history(request, instances):
    """Single and bulk snippet deletes: sessions are cancelled, agencies made inactive, …"""
    instances = list(instances)
    if not _refuse_deletes(request, instances):
        return None
    if len(instances) == 1:
        return redirect(_snippet_url(instances[0]))
    return redirect(reverse(instances[0].snippet_viewset.get_url_name("list")))


@hooks.register("before_bulk_action")
def keep_history_in_bulk_deletes(request, action_type, objects, action_class_instance):
    """Bulk deletes of pages and users are all or nothing: refused when any item has history."""
    objects = list(objects)
    if action_type != "delete" or not _refuse_deletes(request, objects):
        return None
    next_url = get_valid_next_url_from_request(request)
    if next_url:
        return redirect(next_url)
    if isinstance(objects[0], Page):
        return redirect("wagtailadmin_explore", objects[0].get_parent().pk)
    if isinstance(objects[0], get_user_model()):
        return redirect("wagtailusers_users:index")
    return redirect("wagtailadmin_home")


@hooks.register("insert_editor_js")
def vietnamese_slug_js():
    """Page editor: the slug typed from a Vietnamese title reads đ as d."""
    return format_html('<script src="{}"></script>', static("lms/js/vietnamese-slug.js"))

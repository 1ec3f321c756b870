"""The agency directory upload in the Wagtail admin: upload → preview → confirm.

The uploaded bytes wait in the shared cache between preview and confirm (keyed by a random id
and the uploader), so confirming imports exactly the file that was previewed.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.core.uploads import check_upload

from . import roles
from .directory_import import agencies_import, directory_file

PENDING_SECONDS = 60 * 60
MAX_DIRECTORY_BYTES = 5 * 1024 * 1024
TEMPLATE = "accounts/admin/agency_import.html"


def can_manage_directory(user) -> bool:
    """DOST officers and administrators keep the province's agency directory."""
    return user.is_authenticated and (user.is_superuser or roles.has_role(user, roles.DOST_OFFICER))


class DirectoryUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp danh mục đơn vị (.xlsx hoặc .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=(".csv", ".xlsx"), max_bytes=MAX_DIRECTORY_BYTES)
        return upload


def _pending_key(user, token: str) -> str:
    return f"accounts:agency-import:{user.pk}:{token}"


def agency_import_view(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, request.POST["token"])
    form = DirectoryUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "preview": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = agencies_import(data=data, filename=upload.name, dry_run=True)
        token = ""
        if not preview.errors and preview.changes:
            token = uuid.uuid4().hex
            cache.set(_pending_key(request.user, token), (upload.name, data), PENDING_SECONDS)
        context.update(preview=preview, token=token, filename=upload.name)
    return TemplateResponse(request, TEMPLATE, context)


def _confirm(request, token: str):
    key = _pending_key(request.user, token)
    pending = cache.get(key)
    if pending is None:
        messages.error(request, _("Tệp đã hết hạn xác nhận; hãy tải lên lại."))
        return redirect("accounts_agency_import")
    filename, data = pending
    result = agencies_import(data=data, filename=filename, actor=request.user)
    cache.delete(key)
    if result.errors:  # the directory changed since the preview
        context = {"form": DirectoryUploadForm(), "preview": result, "filename": filename}
        return TemplateResponse(request, TEMPLATE, context)
    messages.success(
        request,
        _("Đã cập nhật danh mục: %(created)s đơn vị mới, %(updated)s đơn vị thay đổi.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("wagtailsnippets_accounts_agency:list")


def agency_export_view(request):
    if not can_manage_directory(request.user):
        raise PermissionDenied
    extension = ".csv" if request.GET.get("format") == "csv" else ".xlsx"
    content_type = (
        "text/csv; charset=utf-8"
        if extension == ".csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(directory_file(extension), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"danh-muc-don-vi{extension}"
    )
    return response

"""Upload → preview → confirm for spreadsheet imports in the Wagtail admin (agency directory,
training plans). Imports nothing by itself: each use names the service that does the work.

The service is called as `service(data=..., filename=..., actor=..., dry_run=...)` and returns a
result with `errors` [(row, message)], `changes` (each with row, code, name, created, changes
{field: (before, after)}), `created`, `updated` and `unchanged`. The uploaded bytes wait in the
shared cache between preview and confirm, keyed by a random token and the uploader, so
confirming imports exactly the file that was previewed, once.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .pending import take_once
from .uploads import check_upload

PENDING_SECONDS = 60 * 60
MAX_BYTES = 5 * 1024 * 1024


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp (.xlsx hoặc .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=(".csv", ".xlsx"), max_bytes=MAX_BYTES)
        return upload


class SpreadsheetImportView(View):
    template_name = "core/admin/spreadsheet_import.html"
    title = ""
    help_text = ""
    url_name = ""  # this view's URL name
    done_url_name = ""  # where to go after confirming
    export_url_name = ""
    service = None  # staticmethod(service)

    def may_import(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, **context):
        context = {"view": self, "form": SpreadsheetUploadForm(), "preview": None, **context}
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request):
        return self.render()

    def post(self, request):
        if request.POST.get("token"):
            return self.confirm(request.POST["token"])
        form = SpreadsheetUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = self.service(data=data, filename=upload.name, actor=request.user, dry_run=True)
        token = ""
        if not preview.errors and preview.changes:
            token = uuid.uuid4().hex
            cache.set(self.pending_key(token), (upload.name, data), PENDING_SECONDS)
        return self.render(preview=preview, token=token, filename=upload.name)

    def pending_key(self, token: str) -> str:
        return f"core:spreadsheet-import:{self.url_name}:{self.request.user.pk}:{token}"

    def confirm(self, token: str):
        pending = take_once(self.pending_key(token))
        if pending is None:
            messages.error(self.request, _("Tệp đã hết hạn xác nhận; hãy tải lên lại."))
            return redirect(self.url_name)
        filename, data = pending
        result = self.service(data=data, filename=filename, actor=self.request.user)
        if result.errors:  # the data changed since the preview
            return self.render(preview=result, filename=filename)
        messages.success(
            self.request,
            _("Đã nhập: %(created)s mục mới, %(updated)s mục thay đổi.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect(self.done_url_name)

"""The Wagtail editor's form for a SCORM lesson: the package is uploaded with the page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminPageForm


class ScormLessonPageForm(WagtailAdminPageForm):
    """Checks the uploaded ZIP while the form is validated (nothing written when it is
    refused) and extracts it when the page is saved."""

    package_upload = forms.FileField(
        label=_("gói SCORM (.zip)"),
        required=False,
        help_text=_(
            "Gói SCORM 1.2 hoặc 2004 có imsmanifest.xml ở thư mục gốc. "
            "Để trống để giữ gói hiện tại."
        ),
    )

    def clean_package_upload(self):
        from .package import PackageRefused, inspect_package, scorm_limits, size_params

        upload = self.cleaned_data.get("package_upload")
        if not upload:
            if not getattr(self.instance, "package_id", None):
                raise forms.ValidationError(_("Hãy tải lên gói SCORM (.zip) cho bài học."))
            return None
        limits = scorm_limits()
        if upload.size > limits.max_uncompressed_bytes:
            refusal = PackageRefused("archive_too_large", size_params(limits))
            raise forms.ValidationError(refusal.message)
        data = upload.read()
        try:
            inspect_package(data, limits=limits)
        except PackageRefused as error:
            raise forms.ValidationError(error.message) from error
        self._package_data = data
        return upload

    def save(self, commit=True):
        from .services import scorm_package_import

        data = getattr(self, "_package_data", None)
        if data is not None:
            user = getattr(self, "for_user", None)
            self.instance.package = scorm_package_import(data=data, actor=user)
        return super().save(commit=commit)

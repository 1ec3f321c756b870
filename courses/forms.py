from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.uploads import check_upload

# A class list is a few hundred rows; anything far larger is a mistake, not a roster.
MAX_ROSTER_BYTES = 5 * 1024 * 1024


class EnrolOneForm(forms.Form):
    email = forms.EmailField(label=_("Email của học viên"))


class EnrolBulkForm(forms.Form):
    file = forms.FileField(
        label=_("Danh sách (CSV hoặc XLSX, có cột Email)"),
        help_text=_("Chỉ cần cột Email; tiêu đề tiếng Việt như “Thư điện tử” cũng được."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=(".csv", ".xlsx"), max_bytes=MAX_ROSTER_BYTES)
        return upload

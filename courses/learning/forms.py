from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.uploads import check_upload

# A class list is a few hundred rows; anything far larger is a mistake, not a roster.
MAX_ROSTER_BYTES = 5 * 1024 * 1024


class RosterFileForm(forms.Form):
    """A list of people (CSV or XLSX): every roster upload, bulk enrolment or class roster,
    passes this one check with this one size limit."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=(".csv", ".xlsx"), max_bytes=MAX_ROSTER_BYTES)
        return upload


class EnrolOneForm(forms.Form):
    email = forms.EmailField(label=_("Email của học viên"))


class EnrolBulkForm(RosterFileForm):
    file = forms.FileField(
        label=_("Danh sách (CSV hoặc XLSX, có cột Email)"),
        help_text=_("Chỉ cần cột Email; tiêu đề tiếng Việt như “Thư điện tử” cũng được."),
    )

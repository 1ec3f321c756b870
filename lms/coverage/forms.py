import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.learning.pages import CoursePage, Edition, Track
from lms.accounts.models import AgencyKind
from lms.core.dates import day_range_error

from .selectors import DEFAULT_THRESHOLD_PCT, CoverageFilter

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class CoverageFilterForm(forms.Form):
    track = forms.ChoiceField(
        label=_("Chuyên đề"), required=False, choices=[("", _("Tất cả"))] + Track.choices
    )
    course = forms.ModelChoiceField(
        label=pgettext_lazy("một khóa học", "Khóa học"),
        required=False,
        queryset=CoursePage.objects.none(),
        empty_label=_("Tất cả"),
    )
    edition = forms.ChoiceField(
        label=_("Phiên bản tiêu chuẩn"),
        required=False,
        choices=[("", _("Tất cả"))] + Edition.choices,
    )
    since = forms.DateField(label=_("Từ ngày"), required=False, input_formats=DATE_INPUTS)
    until = forms.DateField(label=_("Đến ngày"), required=False, input_formats=DATE_INPUTS)
    kind = forms.ChoiceField(
        label=_("Loại đơn vị"), required=False, choices=[("", _("Tất cả"))] + AgencyKind.choices
    )
    threshold = forms.IntegerField(
        label=_("Ngưỡng bao phủ (%)"), required=False, min_value=0, max_value=100
    )
    agency = forms.CharField(label=_("Mã đơn vị"), required=False, max_length=40)
    month = forms.TypedChoiceField(
        label=_("Số liệu đã chốt tháng"),
        required=False,
        coerce=dt.date.fromisoformat,
        empty_value=None,
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["month"].choices = [("", _("Số liệu hiện tại"))] + [
            (month.isoformat(), month.strftime("%m/%Y")) for month in months
        ]

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            error = data.get(name) and day_range_error(data[name])
            if error:
                self.add_error(name, error)  # also drops the day from cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def coverage_filter(self) -> CoverageFilter:
        data = self.cleaned_data
        return CoverageFilter(
            track=data.get("track") or "",
            course_id=data["course"].pk if data.get("course") else None,
            edition=data.get("edition") or "",
            since=data.get("since"),
            until=data.get("until"),
            kind=data.get("kind") or "",
        )

    def threshold_pct(self) -> int:
        value = self.cleaned_data.get("threshold")
        return DEFAULT_THRESHOLD_PCT if value is None else value

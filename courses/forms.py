from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class _LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TrainingClassForm(forms.Form):
    course = forms.ModelChoiceField(label=pgettext_lazy("một khóa học", "Khóa học"), queryset=None)
    title = forms.CharField(label=_("Tên lớp"), max_length=255)
    trainers = forms.ModelMultipleChoiceField(
        label=_("Giảng viên"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(label=_("Sĩ số tối đa"), min_value=1, max_value=5000, initial=60)
    allow_walk_in = forms.BooleanField(
        label=_("Cho phép học viên ngoài danh sách tự điểm danh"), required=False
    )

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from courses.models import CoursePage
        from lms.accounts import roles
        from lms.core.text import vietnamese_sort_key

        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        trainers = get_user_model().objects.filter(groups__name=roles.TRAINER, is_active=True)
        self.fields["trainers"].queryset = trainers
        self.fields["trainers"].choices = sorted(
            ((user.pk, user.full_name or user.email) for user in trainers),
            key=lambda choice: vietnamese_sort_key(choice[1]),
        )


class ClassSessionForm(forms.ModelForm):
    class Meta:
        from courses.models import ClassSession

        model = ClassSession
        fields = ["title", "starts_at", "ends_at", "venue", "checkin_opens_minutes",
                  "checkin_closes_minutes", "late_after_minutes"]  # fmt: skip
        widgets = {"starts_at": _LocalDateTimeInput(), "ends_at": _LocalDateTimeInput()}

    # The session as this form showed it (`session_version`): a stale form is refused.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        from courses.services.classes import session_version

        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        if self.instance.pk:
            self.initial["seen_version"] = session_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Giờ kết thúc phải sau giờ bắt đầu."))
        return cleaned

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.classes.models import ClassSession
from courses.learning.forms import RosterFileForm
from courses.learning.pages import CoursePage


class RosterUploadForm(RosterFileForm):
    """A class roster for a session (the same file check as every roster upload)."""

    file = forms.FileField(
        error_messages={"required": _("Hãy chọn tệp danh sách (.xlsx hoặc .csv).")}
    )


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
        model = ClassSession
        fields = ["title", "starts_at", "ends_at", "venue", "checkin_opens_minutes",
                  "checkin_closes_minutes", "late_after_minutes"]  # fmt: skip
        widgets = {"starts_at": _LocalDateTimeInput(), "ends_at": _LocalDateTimeInput()}

    # The session as this form showed it (`session_version`): a stale form is refused.
    seen_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        from courses.classes.sessions import session_version

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

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.text import nfc, vietnamese_title_key

from .models import Agency


def agency_choices(agencies, *, empty_label=None) -> list[tuple]:
    """Agencies in Vietnamese alphabetical order (the database puts Đ after Z)."""
    choices = sorted(
        ((agency.pk, agency.name) for agency in agencies),
        key=lambda choice: vietnamese_title_key(choice[1]),
    )
    return [("", empty_label), *choices] if empty_label is not None else choices


class SignupForm(forms.Form):
    """Extra fields asked at sign-up; allauth adds e-mail and password."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    agency = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Agency.objects.active().order_by("name"),
        required=False,
        empty_label=_("— Chọn cơ quan, đơn vị —"),
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    field_order = ["full_name", "email", "agency", "position", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agency_choices(
            self.fields["agency"].queryset, empty_label=self.fields["agency"].empty_label
        )

    def clean_full_name(self):
        name = nfc(self.cleaned_data["full_name"])
        if len(name.split()) < 2:
            raise forms.ValidationError(_("Vui lòng nhập đầy đủ họ và tên."))
        return name

    def signup(self, request, user):
        """allauth calls this after the user row exists."""


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    receives_digest = forms.BooleanField(
        label=_("Nhận thư tổng hợp số liệu đào tạo hằng tháng (thư ký ISO, cán bộ Sở)"),
        required=False,
    )

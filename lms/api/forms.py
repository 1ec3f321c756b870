from django import forms
from django.utils.translation import gettext_lazy as _


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên khóa"),
        max_length=100,
        required=False,
        help_text=_("Hệ thống sẽ dùng khóa này, ví dụ: phần mềm quản lý cán bộ."),
    )
    expires_days = forms.IntegerField(
        label=_("Hiệu lực (số ngày)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Để trống nếu khóa không hết hạn."),
    )

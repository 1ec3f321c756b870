from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lms.core.text import nfc, vietnamese_title_key

from .models import Agency


class AgencyInput(forms.TextInput):
    """A text box with the directory's names and aliases as suggestions (a `<datalist>`), so a
    person finds their agency however they know it ("UBND huyện Bình Xuyên" or "Huyện Bình
    Xuyên") and a province of 2 000 agencies is not one endless drop-down."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        box = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}">{}</option>', agency_suggestions(Agency.objects.active())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


def agency_suggestions(agencies) -> list[tuple[str, str]]:
    """(value, label) per name and alias, in Vietnamese order; an alias is labelled with the
    name it stands for."""
    rows = []
    for agency in agencies.only("name", "aliases"):
        rows.append((agency.name, ""))
        rows.extend((alias, agency.name) for alias in agency.aliases or [] if alias != agency.name)
    return sorted(rows, key=lambda row: vietnamese_title_key(row[0]))


def agency_from_text(text: str) -> Agency | None:
    """The agency named by its code, name or alias; one merged since is replaced by the agency
    it merged into (new people join the surviving agency). Raises ValidationError, with the
    closest names, when nothing in the directory matches."""
    from .matching import AgencyMatcher

    text = nfc(text).strip()
    if not text:
        return None
    matcher = AgencyMatcher()
    agency = matcher.find(code=text) or matcher.find(name=text)
    if agency is not None:
        agency = agency.reporting_agency()
    if agency is None and (clashing := matcher.clashing(text)):
        message = _(
            "Có nhiều cơ quan, đơn vị tên “%(name)s”: %(choices)s. Hãy gõ mã đơn vị của bạn."
        ) % {"name": text, "choices": "; ".join(clashing)}
        raise forms.ValidationError(message, code="ambiguous_agency")
    if agency is None or not agency.is_active:
        message = _("Không tìm thấy cơ quan, đơn vị “%(name)s”.") % {"name": text}
        suggestions = matcher.suggest(text)
        if suggestions:
            message += " " + _("Có phải là: %(names)s?") % {"names": "; ".join(suggestions)}
        raise forms.ValidationError(message, code="unknown_agency")
    return agency


class SignupForm(forms.Form):
    """Extra fields asked at sign-up; allauth adds e-mail and password."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    agency = forms.CharField(
        label=_("Cơ quan, đơn vị"),
        required=False,
        max_length=255,
        widget=AgencyInput(),
        help_text=_("Gõ tên, tên gọi khác hoặc mã đơn vị rồi chọn trong danh sách gợi ý."),
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    field_order = ["full_name", "email", "agency", "position", "password1", "password2"]

    def clean_agency(self):
        return agency_from_text(self.cleaned_data.get("agency") or "")

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

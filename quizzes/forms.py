from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.core.numbers import DecimalInputField
from lms.core.uploads import check_upload
from quizzes.models import QuestionType

BINARY_EXTENSIONS = {".docx": "docx", ".xlsx": "xlsx"}
IMPORT_EXTENSIONS = (".gift", ".txt", *BINARY_EXTENSIONS)


def responses_from_post(questions: list[dict], data) -> dict:
    """Read the attempt form: field "q-<id>" per question, "q-<id>-<pair id>" per matching pair."""
    responses = {}
    for question in questions:
        qid = question["id"]
        key = f"q-{qid}"
        qtype = question["qtype"]
        if qtype == QuestionType.MULTIPLE_CHOICE:
            values = data.getlist(key)
            if values:
                responses[qid] = values
        elif qtype == QuestionType.MATCHING:
            pairs = {
                pair["id"]: data.get(f"{key}-{pair['id']}")
                for pair in question["answers"]
                if data.get(f"{key}-{pair['id']}")
            }
            if pairs:
                responses[qid] = pairs
        elif qtype != QuestionType.DESCRIPTION and data.get(key, "") != "":
            responses[qid] = data.get(key)
    return responses


class EssayMarkForm(forms.Form):
    question_id = forms.CharField(widget=forms.HiddenInput)
    mark = DecimalInputField(label=_("Điểm"), min_value=0, decimal_places=2, max_digits=6)
    feedback = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionImportForm(forms.Form):
    """The uploaded file comes out as text (GIFT, Aiken) or bytes (Word, Excel); a .docx or
    .xlsx file is read in its own format whatever "Định dạng" says."""

    file = forms.FileField(label=_("Tệp câu hỏi"))
    fmt = forms.ChoiceField(
        label=_("Định dạng"),
        choices=[
            ("gift", "GIFT"),
            ("aiken", "Aiken"),
            ("docx", _("Word (.docx)")),
            ("xlsx", _("Excel (.xlsx)")),
        ],
        initial="gift",
    )
    bank = forms.CharField(label=_("Ngân hàng câu hỏi"), max_length=150)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, allowed=IMPORT_EXTENSIONS, max_bytes=5 * 1024 * 1024)
        suffix = PurePath(upload.name).suffix.lower()
        if suffix in BINARY_EXTENSIONS:
            return upload.read()
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Tệp không phải văn bản UTF-8. Hãy lưu lại với mã hóa UTF-8.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        upload = self.files.get("file")
        suffix = PurePath(upload.name).suffix.lower() if upload else ""
        if isinstance(cleaned.get("file"), bytes):
            cleaned["fmt"] = BINARY_EXTENSIONS[suffix]
        elif cleaned.get("fmt") in BINARY_EXTENSIONS.values():
            self.add_error("file", _("Định dạng Word hoặc Excel cần tệp .docx hoặc .xlsx."))
        return cleaned

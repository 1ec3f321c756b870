"""Question banks in the Wagtail admin, and the "Nhập câu hỏi" import view (GIFT, Aiken, Word,
Excel)."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.core.pending import take_once
from quizzes.admin_forms import (
    ANSWER_ROWS,
    PAIR_ROWS,
    ROW_FIELDS,
    QuestionAdminForm,
    answer_field,
    pair_field,
)
from quizzes.forms import QuestionImportForm
from quizzes.models import Question, QuestionBank, QuestionCategory
from quizzes.permissions import can_import_questions
from quizzes.services import FILE_PARSERS, QuizError, questions_import


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Ngân hàng")
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-inverse"
    menu_label = gettext_lazy("Nhóm câu hỏi")
    list_display = ["path", "bank"]
    list_filter = ["bank"]
    search_fields = ["path", "name"]


ANSWERS_HELP = gettext_lazy(
    "Một đáp án / nhiều đáp án: mỗi phương án một dòng “Đáp án”, điểm 100 cho phương án đúng "
    "(nhiều đáp án: chia 100 cho các phương án đúng, ví dụ 50 và 50; phương án sai có thể âm). "
    "Đúng/Sai: chọn ở ô “Đáp án đúng”. Trả lời ngắn: mỗi cách trả lời được chấp nhận một dòng. "
    "Câu số: đáp án là một số, kèm sai số cho phép. Ghép đôi: điền các cặp vế trái – vế phải. "
    "Tự luận và mô tả: không cần đáp án."
)


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = gettext_lazy("Câu hỏi")
    list_display = ["name", "qtype", "category", "bank", "default_mark"]
    list_filter = ["bank", "category", "qtype"]
    search_fields = ["name", "text"]
    edit_handler = ObjectList(
        [
            FieldPanel("bank"),
            FieldPanel("category"),
            FieldPanel("qtype"),
            FieldPanel("name"),
            FieldPanel("text"),
            FieldPanel("text_format"),
            HelpPanel(content=ANSWERS_HELP, heading=gettext_lazy("Đáp án")),
            FieldPanel("true_false_answer"),
            *(
                MultiFieldPanel(
                    [FieldPanel(answer_field(i, name)) for name in ROW_FIELDS],
                    heading=format_lazy("{} {}", gettext_lazy("Đáp án"), i + 1),
                )
                for i in range(ANSWER_ROWS)
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel(pair_field(i, "left")), FieldPanel(pair_field(i, "right"))]
                    )
                    for i in range(PAIR_ROWS)
                ],
                heading=gettext_lazy("Cặp ghép đôi"),
            ),
            FieldPanel("general_feedback"),
            FieldPanel("default_mark"),
            FieldPanel("shuffle_answers"),
        ],
        base_form_class=QuestionAdminForm,
    )


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionBankViewSet, QuestionCategoryViewSet, QuestionViewSet)
    menu_icon = "help"
    menu_label = gettext_lazy("Ngân hàng câu hỏi")
    menu_name = "question-banks"
    menu_order = 300


register_snippet(QuestionBankGroup)


PENDING_SECONDS = 60 * 60


def _pending_key(user, token: str) -> str:
    return f"quizzes:question-import:{user.pk}:{token}"


def question_import_view(request):
    """Upload → preview of the parsed questions with located errors → confirm (all or nothing).

    The uploaded file (text, or a Word or Excel file's bytes) waits in the shared cache between
    preview and confirm, keyed by a random token and the uploader, as the spreadsheet imports
    do: the confirm posts only the token, so a large .docx with images never travels back
    through a form field, and confirming imports exactly what was previewed, once.
    """
    if not can_import_questions(request.user):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("confirm") == "1":
        return _question_import_confirm(request)
    context = {"form": QuestionImportForm(), "preview": None}
    if request.method != "POST":
        return TemplateResponse(request, "quizzes/admin/import.html", context)
    form = context["form"] = QuestionImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(request, "quizzes/admin/import.html", context)
    content, fmt, bank = (form.cleaned_data[k] for k in ("file", "fmt", "bank"))
    bank = bank.strip()
    if not bank:
        messages.error(request, _("Hãy nhập tên ngân hàng câu hỏi."))
        return TemplateResponse(request, "quizzes/admin/import.html", context)
    result = _run_import(request, fmt=fmt, bank=bank, content=content, dry_run=True)
    if result is None:
        return TemplateResponse(request, "quizzes/admin/import.html", context)
    token = ""
    if not result.errors:
        token = secrets.token_urlsafe(24)
        pending = (fmt, bank, content)
        cache.set(_pending_key(request.user, token), pending, PENDING_SECONDS)
    context.update(preview=result, token=token, bank=bank)
    return TemplateResponse(request, "quizzes/admin/import.html", context)


def _question_import_confirm(request):
    token = request.POST.get("token", "")
    key = _pending_key(request.user, token)
    pending = take_once(key) if token else None
    if pending is None:  # expired, already imported, or another person's preview
        messages.error(
            request,
            _(
                "Phiên xem trước đã hết hạn (tệp chỉ được giữ %(minutes)s phút) hoặc đã được "
                "nhập; hãy tải tệp câu hỏi lên lại."
            )
            % {"minutes": PENDING_SECONDS // 60},
        )
        return redirect("quizzes_question_import")
    fmt, bank, content = pending
    result = _run_import(request, fmt=fmt, bank=bank, content=content, dry_run=False)
    if result is not None and result.ok:
        messages.success(
            request,
            _("Đã nhập %(n)s câu hỏi vào ngân hàng “%(bank)s”.")
            % {"n": len(result.questions), "bank": bank},
        )
        return redirect(reverse("wagtailsnippets_quizzes_question:list"))
    context = {"form": QuestionImportForm(), "preview": result, "token": "", "bank": bank}
    return TemplateResponse(request, "quizzes/admin/import.html", context)


def _run_import(request, *, fmt: str, bank: str, content, dry_run: bool):
    """questions_import on the uploaded text (GIFT, Aiken) or bytes (Word, Excel); None, with
    the reason as an error message, when the format or the bank name is refused."""
    source = {"data": content} if fmt in FILE_PARSERS else {"text": content}
    try:
        return questions_import(
            bank_name=bank, fmt=fmt, dry_run=dry_run, actor=request.user, **source
        )
    except QuizError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return None


@hooks.register("register_admin_urls")
def register_question_import_url():
    return [path("questions/import/", question_import_view, name="quizzes_question_import")]


class QuestionImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import_questions(request.user)


@hooks.register("register_admin_menu_item")
def register_question_import_menu_item():
    return QuestionImportMenuItem(
        gettext_lazy("Nhập câu hỏi"),
        reverse("quizzes_question_import"),
        name="question-import",
        icon_name="upload",
        order=301,
    )

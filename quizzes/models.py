from modelcluster.fields import ParentalKey

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import functions
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from courses.learning.pages import CourseActivity
from lms.core.deletion import KeptRecord, KeptRecordQuerySet
from lms.core.models import VietnameseSlugPage
from lms.core.text import nfc
from quizzes.question_html import clean_question


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Một lựa chọn đúng")
    MULTIPLE_CHOICE = "multiple_choice", _("Nhiều lựa chọn đúng")
    TRUE_FALSE = "true_false", _("Đúng/Sai")
    SHORT_ANSWER = "short_answer", _("Trả lời ngắn")
    NUMERICAL = "numerical", _("Số")
    MATCHING = "matching", _("Ghép đôi")
    ESSAY = "essay", _("Tự luận")
    DESCRIPTION = "description", _("Đoạn mô tả")


class TextFormat(models.TextChoices):
    MOODLE = "moodle", "Moodle"
    HTML = "html", "HTML"
    PLAIN = "plain", _("Văn bản thường")
    MARKDOWN = "markdown", "Markdown"


BANK_NAME_BLANK = _("Tên ngân hàng câu hỏi không được để trống.")
CATEGORY_PATH_MAX = 500
CATEGORY_NAME_MAX = 150


class QuestionBank(models.Model):
    name = models.CharField(_("tên ngân hàng"), max_length=150, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngân hàng câu hỏi")
        verbose_name_plural = _("ngân hàng câu hỏi")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="question_bank_has_a_name",
                violation_error_message=BANK_NAME_BLANK,
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Blanks alone are no name: stored stripped, the constraint refuses what is left empty.
        self.name = nfc(self.name or "").strip()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.name = nfc(self.name or "").strip()
        if not self.name:
            raise ValidationError({"name": BANK_NAME_BLANK})


class QuestionCategory(models.Model):
    """A nested category inside a bank; `path` is the full "a/b/c" path used by GIFT."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("tên nhóm"), max_length=CATEGORY_NAME_MAX)
    path = models.CharField(_("đường dẫn"), max_length=CATEGORY_PATH_MAX)

    class Meta:
        verbose_name = _("nhóm câu hỏi")
        verbose_name_plural = _("nhóm câu hỏi")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="question_category_unique_path"),
            # SQLite does not enforce a column's length: the constraint does.
            models.CheckConstraint(
                condition=models.lookups.LessThanOrEqual(
                    functions.Length("path"), CATEGORY_PATH_MAX
                )
                & models.lookups.LessThanOrEqual(functions.Length("name"), CATEGORY_NAME_MAX),
                name="question_category_fits_its_columns",
                violation_error_message=_("Đường dẫn nhóm câu hỏi quá dài."),
            ),
        ]

    def __str__(self):
        return f"{self.bank.name}: {self.path}"


class Question(models.Model):
    """One question. `answers` follows quizzes.formats.base (the shape GIFT/Aiken parse to)."""

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("ngân hàng"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("nhóm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    qtype = models.CharField(_("loại câu hỏi"), max_length=20, choices=QuestionType.choices)
    name = models.CharField(_("tên câu hỏi"), max_length=255)
    text = models.TextField(_("nội dung"))
    text_format = models.CharField(
        _("định dạng"), max_length=10, choices=TextFormat.choices, default=TextFormat.MOODLE
    )
    answers = models.JSONField(_("đáp án"), default=list, blank=True, encoder=DjangoJSONEncoder)
    general_feedback = models.TextField(_("phản hồi chung"), blank=True)
    default_mark = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, default=1)
    shuffle_answers = models.BooleanField(
        _("đảo thứ tự phương án"),
        default=True,
        help_text=_("Bỏ chọn khi thứ tự phương án có ý nghĩa (ví dụ “Tất cả các phương án trên”)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["bank", "category__path", "id"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Every door that saves one question (admin forms, shell, services) passes here;
        # the importer, which bulk-creates, calls clean_question itself.
        clean_question(self)
        super().save(*args, **kwargs)


class ReviewPolicy(models.TextChoices):
    IMMEDIATELY = "immediately", _("Ngay sau khi nộp bài")
    AFTER_PASS = "after_pass", _("Sau khi đạt")
    AFTER_LAST_ATTEMPT = "after_last", _("Sau lần làm cuối cùng")
    NEVER = "never", _("Không hiển thị")


class QuizPage(CourseActivity, VietnameseSlugPage):  # noqa: DJ008 - Page.__str__
    """A quiz is an activity page inside a course, next to its lessons."""

    intro = RichTextField(_("hướng dẫn"), blank=True)
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("gắn với bài học"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"), default=20, help_text=_("0 = không giới hạn.")
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("số lần làm bài"), default=3, help_text=_("0 = không giới hạn.")
    )
    pass_mark_percent = models.DecimalField(
        _("điểm đạt (%)"), max_digits=5, decimal_places=2, default=70
    )
    shuffle_answers = models.BooleanField(_("đảo thứ tự phương án"), default=True)
    review_policy = models.CharField(
        _("xem đáp án"),
        max_length=20,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.IMMEDIATELY,
    )
    show_feedback = models.BooleanField(_("hiển thị phản hồi"), default=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("lesson"),
        MultiFieldPanel(
            [
                FieldPanel("time_limit_minutes"),
                FieldPanel("attempts_allowed"),
                FieldPanel("pass_mark_percent"),
                FieldPanel("shuffle_answers"),
                FieldPanel("review_policy"),
                FieldPanel("show_feedback"),
                FieldPanel("is_required"),
            ],
            heading=_("Cài đặt"),
        ),
        InlinePanel("slots", heading=_("Câu hỏi"), label=_("Câu hỏi hoặc rút ngẫu nhiên")),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("bài kiểm tra")

    def get_context(self, request, *args, **kwargs):
        from quizzes.services import attempts_left, can_start

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        if user.is_authenticated:
            context["my_attempts"] = self.attempts.filter(user=user).order_by("number")
            context["attempts_left"] = attempts_left(user=user, quiz=self)
            context["can_start"] = can_start(user=user, quiz=self)
            context["in_progress"] = next(
                (a for a in context["my_attempts"] if a.status == AttemptStatus.IN_PROGRESS), None
            )
        return context


class QuizSlot(Orderable):
    """Either one fixed question, or N questions drawn at random from a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question,
        verbose_name=_("câu hỏi cố định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("rút ngẫu nhiên từ nhóm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("hoặc từ cả ngân hàng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    draw_count = models.PositiveSmallIntegerField(_("số câu rút"), default=1)
    include_subcategories = models.BooleanField(_("gồm cả nhóm con"), default=True)
    exclude_essays = models.BooleanField(
        _("không rút câu tự luận"),
        default=False,
        help_text=_("Chỉ rút các câu được chấm tự động, để kết quả có ngay khi nộp bài."),
    )

    panels = [
        FieldPanel("question"),
        FieldPanel("category"),
        FieldPanel("bank"),
        FieldPanel("draw_count"),
        FieldPanel("include_subcategories"),
        FieldPanel("exclude_essays"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("câu hỏi của bài kiểm tra")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Đang làm")
    NEEDS_GRADING = "needs_grading", _("Chờ chấm tự luận")
    GRADED = "graded", _("Đã chấm")


class Attempt(KeptRecord, models.Model):
    """One attempt; `questions` is the frozen snapshot drawn at start (order, shuffles).

    Attempts are results: never deleted, and they keep their quiz page and person.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
    )
    quiz = models.ForeignKey(
        QuizPage, verbose_name=_("bài kiểm tra"), on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("lần thứ"), default=1)
    questions = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    responses = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    marks = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
        db_index=True,
    )
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    deadline = models.DateTimeField(_("hạn nộp"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    score = models.DecimalField(_("điểm"), max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    percent = models.DecimalField(
        _("tỷ lệ (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("đạt"), null=True)

    objects = KeptRecordQuerySet.as_manager()
    archive_instead = _("Kết quả làm bài được lưu giữ như đã chấm.")

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="attempt_unique_number")
        ]
        indexes = [models.Index(fields=["quiz", "status"])]

    def __str__(self):
        return f"{self.user} – {self.quiz} #{self.number}"

    @property
    def submitted_late(self) -> bool:
        """Submitted after its deadline: answers sent after the deadline were not counted."""
        return bool(self.deadline and self.submitted_at and self.submitted_at > self.deadline)

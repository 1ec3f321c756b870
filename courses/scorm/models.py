"""SCORM packages, the lesson page that plays one, and each person's runtime state."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from courses.learning.pages import CourseActivity
from lms.core.models import VietnameseSlugPage

from .forms import ScormLessonPageForm


class ScormVersion(models.TextChoices):
    SCORM_12 = "1.2", "SCORM 1.2"
    SCORM_2004 = "2004", "SCORM 2004"


class ScormPackage(models.Model):
    """An extracted package: its files live in private storage under `folder`, named by the
    SHA-256 of the ZIP, so importing the same ZIP twice reuses one copy."""

    title = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    version = models.CharField(_("phiên bản SCORM"), max_length=8, choices=ScormVersion.choices)
    launch = models.CharField(_("trang mở bài"), max_length=1000)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    size_bytes = models.PositiveBigIntegerField(_("dung lượng giải nén (byte)"), default=0)
    file_count = models.PositiveIntegerField(_("số tệp"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("gói SCORM")
        verbose_name_plural = _("gói SCORM")

    def __str__(self):
        return f"{self.title or self.launch} (SCORM {self.version})"

    @property
    def folder(self) -> str:
        return f"scorm/{self.sha256}"


class ScormLessonPage(CourseActivity, VietnameseSlugPage):  # noqa: DJ008 - Page.__str__
    """A lesson played from a SCORM package in a sandboxed frame."""

    intro = models.TextField(_("giới thiệu"), blank=True)
    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("gói SCORM"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("thời gian ước tính (phút)"), default=20)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("package_upload"),
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
    ]
    base_form_class = ScormLessonPageForm
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "courses/scorm/lesson_page.html"

    class Meta:
        verbose_name = _("bài học SCORM")

    def serve(self, request, *args, **kwargs):
        from courses.learning.views import lesson_login_redirect

        from .views import allow_player_frame

        redirect = lesson_login_redirect(request, self)
        if redirect is not None:
            return redirect
        response = allow_player_frame(super().serve(request, *args, **kwargs))
        # The page carries a launch token naming this person: no shared or back-button cache.
        response["Cache-Control"] = "private, no-store"
        return response

    def get_context(self, request, *args, **kwargs):
        from courses.learning.views import lesson_context

        from .views import player_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        context.update(player_context(request, self, can_read=context["can_read"]))
        return context


class ScormAttempt(models.Model):
    """Where one person stands in one SCORM lesson: what the package last committed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người học"),
        on_delete=models.PROTECT,
        related_name="scorm_attempts",
    )
    page = models.ForeignKey(
        ScormLessonPage, verbose_name=_("bài"), on_delete=models.PROTECT, related_name="attempts"
    )
    # The package that wrote the saved state: a lesson whose package was replaced since then
    # starts its new package afresh (its suspend_data means nothing there).
    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("gói SCORM"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lesson_status = models.CharField(_("trạng thái (SCORM 1.2)"), max_length=20, blank=True)
    completion_status = models.CharField(_("hoàn thành (SCORM 2004)"), max_length=20, blank=True)
    success_status = models.CharField(_("kết quả (SCORM 2004)"), max_length=20, blank=True)
    score_raw = models.DecimalField(
        _("điểm"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    score_min = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_max = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    location = models.CharField(_("vị trí"), max_length=1000, blank=True)
    suspend_data = models.TextField(_("dữ liệu tạm dừng"), blank=True)
    exit = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt học SCORM")
        verbose_name_plural = _("lượt học SCORM")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="scorm_attempt_unique")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.page_id}"

from modelcluster.fields import ParentalManyToManyField

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from courses.learning.blocks import LessonBodyBlock
from lms.core import pagecache
from lms.core.models import VietnameseSlugPage, in_active_language, route_to_child


class Track(models.TextChoices):
    AWARENESS = "awareness", _("Nhận thức")
    BUILDING = "building", _("Xây dựng")
    MAINTAINING = "maintaining", _("Duy trì")
    IMPROVING = "improving", _("Cải tiến")


class Edition(models.TextChoices):
    ISO_9001_2008 = "9001:2008", "TCVN ISO 9001:2008"
    ISO_9001_2015 = "9001:2015", "TCVN ISO 9001:2015"
    NEXT = "next", _("Phiên bản kế tiếp")


class Language(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    EN = "en", "English"


class CourseIndexPage(VietnameseSlugPage):
    """The catalogue: lists the live courses below it with filters."""

    intro = models.TextField(_("giới thiệu"), blank=True)
    title_en = models.CharField(_("tiêu đề tiếng Anh"), max_length=255, blank=True)
    intro_en = models.TextField(_("giới thiệu tiếng Anh"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("title_en"),
        FieldPanel("intro_en"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("danh mục khóa học")

    @property
    def shown_title(self) -> str:
        return in_active_language(self.title, self.title_en)

    @property
    def shown_intro(self) -> str:
        return in_active_language(self.intro, self.intro_en)

    def route(self, request, path_components):
        return route_to_child(self, request, path_components, CoursePage)

    def get_context(self, request, *args, **kwargs):
        from courses.learning.views import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self))
        return context


class CoursePage(VietnameseSlugPage):
    summary = models.TextField(_("tóm tắt"))
    outcomes = models.TextField(
        _("kết quả học tập"), blank=True, help_text=_("Mỗi dòng một kết quả.")
    )
    track = models.CharField(_("chuyên đề"), max_length=20, choices=Track.choices, db_index=True)
    edition = models.CharField(
        _("phiên bản tiêu chuẩn"),
        max_length=12,
        choices=Edition.choices,
        default=Edition.ISO_9001_2015,
        db_index=True,
    )
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=Language.choices, default=Language.VI, db_index=True
    )
    duration_hours = models.DecimalField(
        _("thời lượng (giờ)"), max_digits=5, decimal_places=1, default=4
    )
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("khóa học tiên quyết"), blank=True, symmetrical=False
    )
    is_open = models.BooleanField(
        _("mở cho mọi người"),
        default=False,
        help_text=_("Cho phép người chưa ghi danh đọc nội dung bài học."),
    )
    requires_attendance = models.BooleanField(
        _("bắt buộc tham dự lớp tập trung"),
        default=False,
        help_text=_("Chỉ hoàn thành khi học viên có mặt ở một buổi học của khóa."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("hiệu lực chứng nhận (tháng)"), default=36, help_text=_("0 = không hết hạn.")
    )
    certificate_template = models.ForeignKey(
        "courses.CertificateTemplate",
        verbose_name=_("mẫu chứng nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("track"),
                FieldPanel("edition"),
                FieldPanel("language"),
                FieldPanel("duration_hours"),
            ],
            heading=_("Phân loại"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("prerequisites"),
                FieldPanel("is_open"),
                FieldPanel("requires_attendance"),
                FieldPanel("certificate_validity_months"),
                FieldPanel("certificate_template"),
            ],
            heading=_("Quy tắc hoàn thành và chứng nhận"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "courses.ScormLessonPage", "quizzes.QuizPage"]

    class Meta:
        verbose_name = _("khóa học")

    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def route(self, request, path_components):
        # Lessons are most of the traffic; quizzes fall back to Wagtail's generic routing.
        result = route_to_child(self, request, path_components, LessonPage)
        if path_components and isinstance(result.page, LessonPage):
            result.page._learning_course = self
        return result

    def get_context(self, request, *args, **kwargs):
        from courses.learning.views import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, self))
        return context


class CourseActivity(models.Model):
    """A page inside a course that a trainee completes (a lesson or a quiz)."""

    is_required = models.BooleanField(_("bắt buộc để hoàn thành khóa"), default=True)

    class Meta:
        abstract = True

    @property
    def course(self):
        # parent_page_types puts every activity directly below its one course.
        return CoursePage.objects.ancestor_of(self).first()


class LessonPage(CourseActivity, VietnameseSlugPage):  # noqa: DJ008 - Page.__str__
    body = StreamField(LessonBodyBlock(), verbose_name=_("nội dung"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("thời gian ước tính (phút)"), default=20)

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        FieldPanel("estimated_minutes"),
        FieldPanel("is_required"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("bài học")

    def get_view_restrictions(self):
        """Restrictions on this lesson or any ancestor, in one query.

        Ancestor paths are prefixes of our path, so no ancestor query is needed; an ancestor
        that is an alias brings its source page's restrictions, as in Wagtail's version.
        """
        # Most lessons have none: whether any applies is kept per page tree version, which
        # every restriction change bumps, so serving an open lesson costs no query here.
        key = pagecache.versioned_key("restricted", self.pk)
        restricted = pagecache.get_immutable(key)
        if restricted == "no":
            return PageViewRestriction.objects.none()
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of")
        restrictions = PageViewRestriction.objects.filter(
            models.Q(page__path__in=paths) | models.Q(page_id__in=sources)
        )
        if restricted is None:
            pagecache.set_immutable(key, "yes" if restrictions.exists() else "no")
        return restrictions

    def serve(self, request, *args, **kwargs):
        from courses.learning.views import serve_lesson

        return serve_lesson(request, self, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from courses.learning.views import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        return context

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.core.audit import AuditKind
from lms.core.deletion import KeptRecord, KeptRecordQuerySet
from lms.core.pagecache import pages_changed


def route_to_child(page: Page, request, path_components, child_model) -> object:
    """Route to a child of a known page type in one query instead of Page + specific.

    Falls back to Wagtail's routing when no child of that type has the slug.
    """
    if not path_components:
        return Page.route(page, request, path_components)
    child = child_model.objects.child_of(page).filter(slug=path_components[0]).first()
    if child is None:
        return Page.route(page, request, path_components)
    # Treebeard reads the cached parent, saving a query for breadcrumbs and outlines.
    child._cached_parent_obj = page
    return child.route(request, path_components[1:])


def in_active_language(vietnamese, english):
    """The English text when the page is shown in English and one was written, else Vietnamese."""
    return english if english and get_language() == "en" else vietnamese


class HomePage(Page):
    intro = RichTextField(_("giới thiệu"), blank=True)
    title_en = models.CharField(_("tiêu đề tiếng Anh"), max_length=255, blank=True)
    intro_en = RichTextField(_("giới thiệu tiếng Anh"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("title_en"),
        FieldPanel("intro_en"),
    ]
    max_count = 1
    subpage_types = ["courses.CourseIndexPage"]

    def route(self, request, path_components):
        # The catalogue is the only child type: route to it without a second lookup.
        return route_to_child(self, request, path_components, self.allowed_subpage_models()[0])

    class Meta:
        verbose_name = _("trang chủ")

    @property
    def shown_title(self) -> str:
        return in_active_language(self.title, self.title_en)

    @property
    def shown_intro(self) -> str:
        return in_active_language(self.intro, self.intro_en)

    def get_context(self, request, *args, **kwargs):
        from wagtail import hooks

        from .selectors import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(request))
        # Apps add their home-page blocks through this hook, so core imports none of them.
        for provide in hooks.get_hooks("lms_home_context"):
            context.update(provide(request))
        return context


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """The issuing body shown on pages, certificates and exports."""

    province_name = models.CharField(_("tỉnh"), max_length=120, default="Vĩnh Phúc")
    organisation_name = models.CharField(
        _("cơ quan tổ chức đào tạo"),
        max_length=200,
        default="Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc",
    )
    contact_email = models.EmailField(_("email liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("thông tin đơn vị")

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if not created:  # the first read creates the row with the defaults pages already show
            pages_changed()  # pages show the organisation's name (lms.core.context_processors)


class AuditEvent(KeptRecord, models.Model):
    """Never deleted nor rewritten: its actor and content type are protected."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField(_("hành động"), max_length=60, choices=AuditKind.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    objects = KeptRecordQuerySet.as_manager()
    archive_instead = _("Nhật ký thay đổi không bao giờ bị xóa.")

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.verb} {self.object_repr}"


class NoticeKind(models.TextChoices):
    MONTHLY_DIGEST = "monthly_digest", _("Thư tổng hợp hằng tháng")
    MISSED_SESSION = "missed_session", _("Báo vắng buổi học")
    SESSION_CANCELLED = "session_cancelled", _("Báo hủy buổi học")
    TRANSITION = "transition", _("Mời học chuyển đổi phiên bản")


class Notice(models.Model):
    """One message sent to one person for one reason (a month, a session): a retried job skips
    the people already written to, and nobody gets the same message twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    key = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thư đã gửi")
        verbose_name_plural = _("thư đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="notice_sent_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.user_id}"

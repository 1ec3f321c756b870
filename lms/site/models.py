"""The site's home page: the root of the page tree, above the course catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.core.models import VietnameseSlugPage, in_active_language, route_to_child


class HomePage(VietnameseSlugPage):
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
        # Kept in the `core` app: its table, content type and template (core/home_page.html)
        # are those of the existing site.
        app_label = "core"
        verbose_name = _("trang chủ")

    @property
    def shown_title(self) -> str:
        return in_active_language(self.title, self.title_en)

    @property
    def shown_intro(self) -> str:
        return in_active_language(self.intro, self.intro_en)

    def get_context(self, request, *args, **kwargs):
        from wagtail import hooks

        from lms.site.selectors import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(request))
        # Apps add their home-page blocks through this hook, so core imports none of them.
        for provide in hooks.get_hooks("lms_home_context"):
            context.update(provide(request))
        return context

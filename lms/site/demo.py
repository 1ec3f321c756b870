"""Demo site structure: the home page as the root of the default site."""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from lms.site.models import HomePage


def _page_content_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Page)


@transaction.atomic
def load_home_page() -> HomePage:
    """Make a HomePage the site root, replacing Wagtail's placeholder page on first run."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant("vi"))
    home = HomePage.objects.first()
    if home is None:
        # A flushed database (transactional tests) has lost the root that migrations create.
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", content_type=_page_content_type())
        )
        placeholder = Page.objects.filter(depth=2, slug="home").exclude(
            content_type__model="homepage"
        )
        for page in placeholder:
            page.slug = f"old-{page.pk}"
            page.save_revision().publish()
        home = HomePage(
            title=_("Đào tạo hệ thống quản lý chất lượng theo TCVN ISO 9001"),
            slug="home",
            intro=(
                "<p>Chương trình của Sở Khoa học và Công nghệ dành cho cán bộ, công chức các "
                "cơ quan hành chính nhà nước trong tỉnh: học trực tuyến, lớp tập trung, "
                "bài kiểm tra và chứng nhận hoàn thành.</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        for page in placeholder:
            page.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    if not home.title_en:
        home.title_en = "ISO 9001 quality management training"
        home.intro_en = (
            "<p>The Department of Science and Technology's programme for the civil servants of "
            "the province's state agencies: online lessons, classes, quizzes and certificates "
            "of completion.</p>"
        )
        home.save_revision().publish()
    return home


def site_address_set(address: str) -> None:
    """Point the default Site at HOST:PORT (e.g. "127.0.0.1:8000"): where the site is served."""
    host, _sep, port = address.rpartition(":") if ":" in address else (address, "", "80")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("expected HOST:PORT, e.g. 127.0.0.1:8000")
    site = Site.objects.get(is_default_site=True)
    if (site.hostname, site.port) != (host, int(port)):
        site.hostname, site.port = host, int(port)
        site.save(update_fields=["hostname", "port"])

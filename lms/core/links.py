"""The site's public address, for links that leave the browser: e-mails, PDFs, QR codes, iCal."""

from django.conf import settings


def site_url() -> str:
    """`SITE_URL` when it is set (production requires it), else the default Wagtail Site's
    address, which `load_demo --address` sets to where `make run` serves the site."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    return site.root_url if site else "http://127.0.0.1:8000"


def site_host() -> str:
    """The host name of `site_url()`, e.g. for iCalendar UIDs."""
    return site_url().split("//")[-1].split("/")[0].split(":")[0] or "localhost"

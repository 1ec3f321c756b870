"""Response headers for the site's own pages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# The Wagtail and Django admins ship inline scripts of their own; they keep the browser's
# defaults and stay behind staff login.
EXEMPT_PREFIXES = ("/admin/", "/django-admin/")


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def media_origins() -> list[str]:
    """Origins other than our own that serve uploaded images, videos and documents."""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    candidates = [settings.MEDIA_URL]
    if options.get("custom_domain"):
        candidates.append(f"https://{options['custom_domain']}")
    elif options.get("endpoint_url"):
        candidates.append(options["endpoint_url"])
    elif options.get("bucket_name"):
        region = options.get("region_name")
        host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
        candidates.append(f"https://{options['bucket_name']}.{host}")
    origins = [_origin(url) for url in candidates]
    return list(dict.fromkeys(origin for origin in origins if origin))


def content_security_policy(*, frame_sources: list[str] = ()) -> str:
    """The policy for our pages: scripts only from us; media from us and the media host.
    `frame_sources` adds frame origins for one page (a SCORM lesson frames our own package)."""
    media = " ".join(["'self'", *media_origins()])
    origins = [*frame_sources, *getattr(settings, "CSP_EMBED_ORIGINS", ())]
    embeds = " ".join(filter(None, origins)) or "'none'"
    return (
        f"default-src 'self'; img-src {media} data:; media-src {media}; frame-src {embeds}; "
        "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'"
    )


class ContentSecurityPolicyMiddleware:
    """Forbid inline and third-party scripts on our pages: an injected <script> cannot run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response


class HealthCheckMiddleware:
    """Answer /healthz before any middleware that needs the session store or the cache.

    Placed first, so a Redis outage is reported as 503 naming the cache instead of ending
    in a 500 from the session or page-cache middleware, and a probe over plain HTTP to the
    node's own address is answered rather than redirected or refused by ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            from lms.core.views import healthz

            return healthz(request)
        return self.get_response(request)


class SiteLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose English with the language switcher.

    Office computers and phones are often set to English; with Django's LocaleMiddleware their
    Accept-Language header turned the whole site English for people who never asked for it.
    Only the cookie the switcher sets (`LANGUAGE_COOKIE_NAME`) changes the language; the
    Wagtail admin still follows each editor's own preference.
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # No "Vary: Accept-Language": that header no longer changes the page.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def chosen_language(request) -> str:
    """The language from the switcher's cookie, else the site's default (LANGUAGE_CODE)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE

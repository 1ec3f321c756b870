"""Whole-page cache of the catalogue for anonymous visitors."""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import get_language

from lms.core.pagecache import (
    get_immutable,
    page_for_storage,
    page_from_storage,
    pages_version,
    set_immutable,
)

# Query parameters the catalogue reads; any other parameter bypasses the cache so that
# random query strings cannot fill it.
CATALOGUE_PARAMETERS = {"track", "edition", "language"}


def _anonymous_without_state(request) -> bool:
    # No session and no pending messages: the visitor is anonymous and the page holds nothing
    # personal, which we know without reading the session from the database.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _cache_key(request, version) -> str | None:
    if set(request.GET) - CATALOGUE_PARAMETERS or any(
        len(values) > 1 for values in request.GET.lists()
    ):
        return None
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
    return f"courses:catalogue-page:{version}:{get_language()}:{request.path}:{query}"


class CataloguePageCacheMiddleware:
    """Serve the catalogue to anonymous visitors from one rendered copy per filter set and
    language, without routing the Wagtail page tree or touching the database.

    Invariants: only anonymous GETs of the live catalogue URL are served from the cache; any
    change to the page tree bumps the pages version (lms.core.pagecache), so a visitor never
    sees a course list older than the last publish; every response carries a CSRF token of the
    visitor's own (the language switcher posts a form), substituted into the stored HTML.
    Placed after CsrfViewMiddleware and LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _anonymous_without_state(request):
            return self.get_response(request)
        key = _cache_key(request, pages_version())
        if key is None:
            return self.get_response(request)
        stored = get_immutable(key)
        if stored is not None:
            return page_from_storage(request, stored)
        response = self.get_response(request)
        if _is_storable_catalogue(request, response):
            set_immutable(key, page_for_storage(response))
        return response


def _is_storable_catalogue(request, response) -> bool:
    """A fresh rendering of the live catalogue that holds nothing personal."""
    from courses.learning.selectors import catalogue_url

    url = catalogue_url()
    return (
        bool(url)
        and request.path == urlsplit(url).path
        and response.status_code == 200
        and not response.streaming
        and response["Content-Type"].startswith("text/html")
        and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
    )

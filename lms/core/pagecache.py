"""What every visitor of a live page shares, kept in the shared cache between requests.

Serving a lesson used to walk the page tree on every request: the site, the home page, the
catalogue, the course and the lesson, then the view restrictions and the course outline. None
of that depends on who is asking, only on the page tree, so it is cached under a version
number that any change to the tree (publish, unpublish, save, move, delete, a view restriction,
a site, the organisation settings) increments. Entries of older versions are never read again
and expire on their own.

Invariants: only facts about live pages are cached, never anything about a user; permission
checks (view restrictions, enrolment) still run on every request against the cached facts; with
more than one web process the cache must be shared (Redis in production) for a change made in
one process to reach the others, which re-read the version at most a second later.
"""

import pickle
import re
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from lms.core import versions

PAGES_VERSION_KEY = "core:pages-version"


def _cache_is_shared() -> bool:
    """True when every process reads the same cache (Redis, memcached, database)."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


# A process-local cache cannot carry another process's version bump: its entries then live a
# minute, which bounds how long another gunicorn worker can serve what was just changed.
SHARED = _cache_is_shared()
CACHE_SECONDS = 60 * 60 if SHARED else 60


# Read once per request by PageRouteCacheMiddleware: one request sees one version of the tree.
_request_version: ContextVar[int | None] = ContextVar("pages_version", default=None)


# Each process reads the shared version at most once a second: a change made in another
# process is seen within that second, a change made in this process at once.
LOCAL_VERSION_SECONDS = 1.0
_local_version: tuple[float, int] | None = None  # (monotonic time read, version)
# Values stored under a versioned key never change, so immutable ones (strings, tuples of
# strings) are also kept in the process: the common case then needs no round trip at all.
_LOCAL_VALUES_MAX = 256
_local_values: dict[str, object] = {}


def pages_version() -> int:
    version = _request_version.get()
    return version if version is not None else _process_version()


def _process_version() -> int:
    global _local_version
    now = time.monotonic()
    if _local_version is not None and now - _local_version[0] < LOCAL_VERSION_SECONDS:
        return _local_version[1]
    version = versions.current(PAGES_VERSION_KEY)
    _local_version = (now, version)
    return version


def versioned_key(*parts) -> str:
    """A cache key that stops being read as soon as the page tree changes."""
    return ":".join(["core:pages", str(pages_version()), *map(str, parts)])


def cached(key: str, compute):
    """The cached value of `key`, computing and storing it on a miss."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def cached_in_process(key: str, compute):
    """Like `cached`, but also kept in this process (as pickled bytes, so every caller gets its
    own objects): after the first request a worker pays an unpickle, not a Redis round trip.
    For what a lesson reads on every request under a versioned key (outline, catalogue URL)."""
    data = get_immutable(key)
    if data is None:
        data = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
        set_immutable(key, data)
    return pickle.loads(data)  # noqa: S301 - bytes this process or its siblings pickled


def get_immutable(key: str):
    """The value stored by `set_immutable` under a versioned key, or None."""
    value = _local_values.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _remember_locally(key, value)
    return value


def set_immutable(key: str, value, timeout: int = CACHE_SECONDS) -> None:
    """Store an immutable value (str, bytes, tuples of them) under a versioned key."""
    cache.set(key, value, timeout)
    _remember_locally(key, value)


def _remember_locally(key: str, value) -> None:
    if not SHARED:
        return  # the cache is already in this process, and only its timeout ends an entry
    if len(_local_values) >= _LOCAL_VALUES_MAX:
        _local_values.clear()  # old versions' entries go with the rest
    _local_values[key] = value


def pages_changed(**kwargs) -> None:
    """Start a new version: everything cached under the old one is read no more. Started
    again after commit: a request between the write and its commit still reads the tree
    before it (publishing is one transaction) and would store that under the new version."""
    _start_new_version()
    transaction.on_commit(_start_new_version)


def _start_new_version() -> None:
    global _local_version
    _request_version.set(None)  # the rest of this request reads the new version
    _local_version = None
    versions.move([PAGES_VERSION_KEY])


@receiver(page_published, dispatch_uid="core.pages_published")
@receiver(page_unpublished, dispatch_uid="core.pages_unpublished")
@receiver(post_page_move, dispatch_uid="core.pages_moved")
def _page_tree_changed(sender, **kwargs):
    pages_changed()


@receiver(post_save, dispatch_uid="core.pages_saved")
@receiver(post_delete, dispatch_uid="core.pages_deleted")
def _page_or_site_saved(sender, **kwargs):
    # post_save of a page is sent with its specific class: test the instance, not the sender.
    if isinstance(kwargs.get("instance"), Page | PageViewRestriction | Site):
        pages_changed()


# --- whole rendered pages --------------------------------------------------------------------

# A stored page holds this instead of the CSRF token it was rendered with; every response
# carries the token of its own visitor. The whole hidden input ({% csrf_token %}) is replaced:
# page text cannot spell it (rich text keeps no <input>, and escapes "<"), so the placeholder
# written into a lesson or a course summary stays text and never becomes the visitor's token.
CSRF_PLACEHOLDER = "__page_csrf_token__"
_CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_CSRF_INPUTS = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
_STORED_CSRF_INPUT = _CSRF_INPUT.format(CSRF_PLACEHOLDER)


def page_for_storage(response) -> tuple[str, str]:
    """(content type, HTML) of a rendered response, its CSRF tokens replaced by a placeholder."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    html = _CSRF_INPUTS.sub(_STORED_CSRF_INPUT, response.content.decode(response.charset))
    return response["Content-Type"], html


def page_from_storage(request, stored: tuple[str, str]) -> HttpResponse:
    """The response for a page kept by `page_for_storage`, with this visitor's CSRF token."""
    content_type, html = stored
    token = _CSRF_INPUT.format(get_token(request))
    return HttpResponse(html.replace(_STORED_CSRF_INPUT, token), content_type=content_type)


# --- routing ---------------------------------------------------------------------------------


def _route_key(request) -> str:
    return versioned_key("route-pickled", request.get_host(), request.path)


class PageRouteCacheMiddleware:
    """Give Wagtail's serve view the site and route of a live page from the shared cache.

    Wagtail keeps both on the request (`_wagtail_site`, `_wagtail_route_for_request`) and only
    computes them when they are missing; `remember_route` stores them before the page is served,
    so what is stored is the routed page as it came from the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_version.set(_process_version())
        try:
            if request.method in ("GET", "HEAD"):
                stored = get_immutable(_route_key(request))
                if stored is not None:
                    route = pickle.loads(stored)  # noqa: S301 - bytes remember_route pickled
                    request._wagtail_site, request._wagtail_route_for_request = route
                    request._lms_route_from_cache = True
            return self.get_response(request)
        finally:
            _request_version.reset(token)


def remember_route(page, request, serve_args, serve_kwargs) -> None:
    """before_serve_page hook: store a freshly computed route of a plain page GET."""
    if (
        request.method != "GET"
        or getattr(request, "_lms_route_from_cache", False)
        or serve_args
        or serve_kwargs
        or not hasattr(request, "_wagtail_site")
    ):
        return
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is not None and route[0] is page:
        stored = pickle.dumps((request._wagtail_site, route), protocol=pickle.HIGHEST_PROTOCOL)
        set_immutable(_route_key(request), stored)

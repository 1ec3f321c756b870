"""Whole-page cache of lessons for signed-in trainees.

A lesson page is the same for everybody who stands at the same place: the page tree version
(lesson body, outline, titles, whether the course is open, the footer's organisation), the
language, and what the header and the outline show of the person — their name, their roles,
their enrolment and which activities they have done. Rendering it is most of what serving a
lesson costs, so the rendered page is stored under a key that holds all of these, and a
request whose key is stored is answered without rendering.

Invariants:
- the key is computed from what is read on every request (the person's enrolment and
  completions come from the database as before), and the roles the page was rendered with
  are stored with it and compared with the person's roles (read from their cache in the same
  round trip), never from a version that a write path must remember to bump: a page cannot
  outlive what it shows;
- permission checks still run first (the sign-in redirect, Wagtail's view restrictions);
- staff, requests with a query string and requests with pending messages are never stored or
  served from it (the userbar, filters and one-off messages are not part of the key);
- every response carries the CSRF token of its own session (lms.core.pagecache).
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

from courses.learning import selectors
from lms.accounts.roles import user_roles_with
from lms.core import pagecache
from lms.core.pagecache import page_for_storage, page_from_storage, pages_version

# Entries hold one person's page: they expire soon after the person stops reading. A
# process-local cache cannot see another process's page tree version: there they live as long
# as the page cache's own entries.
CACHE_SECONDS = 10 * 60 if pagecache.SHARED else pagecache.CACHE_SECONDS


def serve_lesson(request, lesson, course, render):
    """The lesson's response: from the cache when this person's page is stored, else
    `render()` (stored for next time when it is a plain 200 page)."""
    if not _cacheable(request):
        return render()
    user = request.user
    standing = selectors.course_standing(course_id=course.pk, user_id=user.pk)
    key = _key(request, lesson, standing)
    # The roles shown in the menu travel with the page: one round trip reads both.
    roles, found = user_roles_with(user, [key])
    stored = found.get(key)
    if stored is not None and stored[0] == sorted(roles):
        return page_from_storage(request, stored[1:])
    response = render()
    if response.status_code == 200 and hasattr(response, "add_post_render_callback"):

        def store(rendered) -> None:  # a callback's return value would replace the response
            cache.set(key, (sorted(roles), *page_for_storage(rendered)), CACHE_SECONDS)

        response.add_post_render_callback(store)
    return response


def _cacheable(request) -> bool:
    user = request.user
    return (
        request.method == "GET"
        and not request.GET
        and user.is_authenticated
        and not (user.is_staff or user.is_superuser)
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


def _key(request, lesson, standing: tuple) -> str:
    user = request.user
    shown = (request.path, user.get_full_name(), standing)
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()[:32]
    version = pages_version()
    return f"courses:lesson-page:{version}:{lesson.pk}:{get_language()}:{user.pk}:{digest}"

"""Whole-page cache of lessons for signed-in trainees.

A lesson page is the same for everybody who stands at the same place: the page tree version
(lesson body, outline, titles, whether the course is open, the footer's organisation), the
language, and what the header and the outline show of the person — their name, their roles,
their enrolment and which activities they have done. Rendering it is most of what serving a
lesson costs, so the rendered page is stored with what it was rendered from, and a request
that finds the same is answered without rendering or reading the person's progress.

Invariants:
- only with a shared cache (Redis): a process-local one cannot carry a write made in another
  worker or in a celery task, which would leave that worker's stored page behind the person's
  progress (as the roles, lms.accounts.roles, are not cached there either);
- the key holds the page tree version, the lesson, the language, the host (the footer names
  the site's organisation), the person and their name;
  the stored page carries the roles it was rendered with and the person's standing version,
  and is served only while both are still current (read in one round trip with the page);
- the standing version changes whenever the person's enrolments or completions do: model
  signals bump it for every save and delete, `bulk_written` (the apps' bulk paths) bumps the
  people it names, or when it names nobody the epoch every standing version is read with, and
  each bump is repeated after commit so a page rendered from the rows before the write is
  never stored under the version after it;
- permission checks still run first (the sign-in redirect, Wagtail's view restrictions);
- staff, requests with a query string and requests with pending messages are never stored or
  served from it (the userbar, filters and one-off messages are not part of the key);
- every response carries the CSRF token of its own session (lms.core.pagecache).
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language

from courses.learning.models import ActivityCompletion, Enrolment
from lms.accounts.roles import user_roles_with
from lms.core import pagecache, versions
from lms.core.pagecache import page_for_storage, page_from_storage, pages_version
from lms.core.signals import bulk_written

# Entries hold one person's page: they expire soon after the person stops reading.
CACHE_SECONDS = 10 * 60
EPOCH_KEY = "courses:standing-epoch"
FEW_PEOPLE = 50
VERSION_SECONDS = 24 * 60 * 60


def serve_lesson(request, lesson, render):
    """The lesson's response: from the cache when this person's page is stored and current,
    else `render()` (stored for next time when it is a plain 200 page)."""
    if not _cacheable(request):
        return render()
    user = request.user
    key = _key(request, lesson)
    standing_keys = _standing_versions(user.pk)
    roles, found = user_roles_with(user, [*standing_keys, key])
    shown = (sorted(roles), [found.get(name) for name in standing_keys])
    if None in shown[1]:  # first visit since the versions expired: start them
        versions.start(standing_keys, VERSION_SECONDS)
        shown = (shown[0], [cache.get(name) for name in standing_keys])
    stored = found.get(key)
    if stored is not None and list(stored[:2]) == list(shown):
        return page_from_storage(request, stored[2:])
    response = render()
    if response.status_code == 200 and hasattr(response, "add_post_render_callback"):

        def store(rendered) -> None:  # a callback's return value would replace the response
            cache.set(key, (*shown, *page_for_storage(rendered)), CACHE_SECONDS)

        response.add_post_render_callback(store)
    return response


def _cacheable(request) -> bool:
    user = request.user
    return (
        pagecache.SHARED
        and request.method == "GET"
        and not request.GET
        and user.is_authenticated
        and not (user.is_staff or user.is_superuser)
        and "messages" not in request.COOKIES
        and "_messages" not in request.session
    )


def _key(request, lesson) -> str:
    user = request.user
    shown = (request.get_host(), request.path, user.get_full_name())
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    version = pages_version()
    return f"courses:lesson-page:{version}:{lesson.pk}:{get_language()}:{user.pk}:{digest[:32]}"


# -- the person's standing version ---------------------------------------------------------


def _standing_versions(user_id) -> list[str]:
    return [EPOCH_KEY, f"courses:standing:{user_id}"]


def standing_changed(keys) -> None:
    """A write changed what these versions stand for (lms.core.versions)."""
    versions.written(keys, VERSION_SECONDS)


@receiver(post_save, sender=Enrolment, dispatch_uid="learning.standing_enrolment_saved")
@receiver(post_delete, sender=Enrolment, dispatch_uid="learning.standing_enrolment_deleted")
def _enrolment_written(sender, instance, **kwargs):
    standing_changed(_standing_versions(instance.user_id)[1:])


@receiver(post_save, sender=ActivityCompletion, dispatch_uid="learning.standing_done_saved")
@receiver(post_delete, sender=ActivityCompletion, dispatch_uid="learning.standing_done_deleted")
def _completion_written(sender, instance, **kwargs):
    standing_changed(_standing_versions(instance.enrolment.user_id)[1:])


@receiver(bulk_written, dispatch_uid="learning.standing_bulk_written")
def _bulk_written(sender, user_ids=None, **kwargs):
    if sender in (Enrolment, ActivityCompletion):
        # A few named people: their pages only; many or unknown (a roster): everybody's, in one
        # write rather than one per person.
        few = user_ids and len(user_ids) <= FEW_PEOPLE
        standing_changed([_standing_versions(pk)[1] for pk in user_ids] if few else [EPOCH_KEY])

"""The coverage dashboard's numbers, cached under a data version bumped by every write.

Building the dashboard aggregates every enrolment and certificate of the province (200 000
rows at moderate volumes, 1 000 000 at full ones): about 200 ms of PostgreSQL and Python per
request. The numbers change only when enrolments, completions, certificates, agencies, people,
roles, training plans or monthly snapshots change, so the page's report (rows, totals, gaps,
charts) is kept in the shared cache under a key holding:

- the coverage data version, incremented on every save or delete of those models (signals
  below) and by the bulk paths that skip them: the apps send lms.core.signals.bulk_written
  (roster people, bulk enrolment, completion) and the snapshot service calls
  `coverage_changed()`;
- the page tree version (course titles, live courses), the language, the viewer's scope (the
  whole province or one agency's subtree) and the query string.

The version is bumped at once (the writing request reads its own write) and again after commit,
so a report another worker built between the two from the old rows is never read. Entries also
live at most CACHE_SECONDS: "expiring within 90 days" and "valid now" move with the clock.

Only plain Python is stored, with the page's body (filters, numbers, charts, gap lists, agency
table) already rendered (views._page_body), so a cache hit renders no row loop and no form.
While one request builds a report, others asking for the same key wait for it
(BUILD_WAIT_SECONDS) rather than aggregating the province at the same time. The cache is used
where it is shared by every worker (Redis); with a process-local cache (tests, a
single-process dev server) every request computes, as before.
"""

import hashlib
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from lms.core import pagecache, versions
from lms.core.signals import bulk_written

VERSION_KEY = "coverage:data-version"
CACHE_SECONDS = 5 * 60
# While one request builds a report, others asking for the same one wait for it this long
# (polling every WAIT_STEP_SECONDS) instead of each aggregating the province at the same time:
# eight concurrent misses on two workers of four threads each held eight working sets at once,
# and one worker peaked at 423 MiB.
BUILD_WAIT_SECONDS = 10
WAIT_STEP_SECONDS = 0.1
ENABLED = pagecache.SHARED


def data_version() -> int:
    return versions.current(VERSION_KEY)


def coverage_changed() -> None:
    """Call after writing rows the coverage numbers count, by a path that sends no signals."""
    versions.written([VERSION_KEY])


def report_key(scope_key: str, query: dict) -> str:
    # repr keeps each name and value whole: joined as "k=v&…" the single value "1&track=x" of
    # ?all= would spell ?all=1&track=x, and its page would be stored under the other's key.
    params = repr(sorted(query.lists()))
    digest = hashlib.sha256(params.encode()).hexdigest()[:24]
    language = translation.get_language() or ""
    parts = ("coverage:report", data_version(), pagecache.pages_version(), language, scope_key)
    return ":".join(map(str, (*parts, digest)))


def stored_report(key: str) -> dict | None:
    """The report stored under `key`; None when there is none (or no shared cache)."""
    return cache.get(key) if ENABLED else None


def cached_report(key: str, build) -> dict:
    """The report stored under `key`, or `build()` stored."""
    if not ENABLED:
        return build()
    report = cache.get(key)
    if report is not None:
        return report
    building = f"{key}:building"
    if not cache.add(building, 1, BUILD_WAIT_SECONDS):  # someone else is building it
        report = _wait_for(key)
        if report is not None:
            return report
    try:
        report = build()
        cache.set(key, report, CACHE_SECONDS)
    finally:
        cache.delete(building)
    return report


def _wait_for(key: str):
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        report = cache.get(key)
        if report is not None:
            return report
    return None  # the builder failed or is slow: build it here


# -- what the numbers count ---------------------------------------------------------------------

COUNTED = {
    ("courses", "enrolment"),
    ("courses", "certificate"),
    ("accounts", "agency"),
    ("coverage", "trainingplan"),
    ("coverage", "coveragesnapshot"),
}


@receiver(post_save, dispatch_uid="coverage.data_saved")
@receiver(post_delete, dispatch_uid="coverage.data_deleted")
def _data_written(sender, **kwargs):
    meta = sender._meta
    # A sign-in only stamps a person's last_login: that changes no number.
    signing_in = set(kwargs.get("update_fields") or ()) == {"last_login"}
    if (meta.app_label, meta.model_name) in COUNTED or (
        meta.label_lower == "accounts.user" and not signing_in
    ):
        coverage_changed()


@receiver(bulk_written, dispatch_uid="coverage.bulk_written")
def _bulk_written(sender, **kwargs):
    """Rows written in bulk by the apps (roster people, enrolments, completions)."""
    meta = sender._meta
    if (meta.app_label, meta.model_name) in COUNTED or meta.label_lower == "accounts.user":
        coverage_changed()


@receiver(m2m_changed, dispatch_uid="coverage.roles_changed")
def _roles_changed(sender, **kwargs):
    if kwargs.get("action", "").startswith("post_") and sender._meta.label_lower in (
        "accounts.user_groups",
    ):
        coverage_changed()

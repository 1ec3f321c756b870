"""Writes of the coverage area: monthly snapshots and background exports."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from courses.learning.pages import Track
from lms.core.queue import QUEUE_DOWN_MESSAGE, enqueue

from .cache import coverage_changed
from .models import CoverageExport, CoverageSnapshot, ExportStatus
from .selectors import CoverageFilter, coverage_by_agency, load_agency_tree

SNAPSHOT_TRACKS = ["", *Track.values]  # "" = all tracks together


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@transaction.atomic
def snapshot_take(*, month: dt.date) -> int:
    """Store the coverage table of `month` (cumulative to its last day) for every track.

    Invariant: one row per (month, agency, track); taking the same month again overwrites the
    numbers instead of adding rows, so the beat job and the demo may run any number of times.
    Returns the number of rows written.
    """
    month = month_start(month)
    tree = load_agency_tree()
    rows = []
    for track in SNAPSHOT_TRACKS:
        table = coverage_by_agency(CoverageFilter(track=track, until=month_end(month)), tree=tree)
        rows.extend(
            CoverageSnapshot(
                month=month,
                agency_id=row.id,
                track=track,
                target=row.target,
                enrolled=row.enrolled,
                completed=row.completed,
                certified=row.certified,
            )
            for row in table
        )
    CoverageSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["month", "agency", "track"],
        update_fields=["target", "enrolled", "completed", "certified", "created_at"],
        batch_size=500,
    )
    coverage_changed()  # the month list and the trend chart moved
    return len(rows)


@transaction.atomic
def export_request(*, user, filters: CoverageFilter, scope_code: str, file_format: str):
    """Record an export job and hand it to the worker once the row is committed."""
    from .tasks import build_coverage_export

    export = CoverageExport.objects.create(
        requested_by=user,
        params={**filters.to_params(), "scope_code": scope_code},
        file_format=file_format,
    )

    def send():
        if not enqueue(build_coverage_export, export.pk):
            CoverageExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.FAILED, error=str(QUEUE_DOWN_MESSAGE)
            )

    transaction.on_commit(send)
    return export


def export_progress(*, export: CoverageExport, progress: int, status: str = ExportStatus.RUNNING):
    CoverageExport.objects.filter(pk=export.pk).update(progress=progress, status=status)


@transaction.atomic
def export_finish(*, export: CoverageExport, filename: str, content: bytes) -> None:
    """Attach the built file; a finished export is never built again."""
    export.file.save(filename, ContentFile(content), save=False)
    export.status = ExportStatus.DONE
    export.progress = 100
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "progress", "finished_at"])

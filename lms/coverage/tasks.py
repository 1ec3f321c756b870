import datetime as dt

from celery import shared_task

from django.utils import timezone

from lms.core.queue import MAIL_TASK_OPTIONS


@shared_task(name="lms.coverage.tasks.take_monthly_snapshot", acks_late=True)
def take_monthly_snapshot(month: str | None = None) -> int:
    """Beat job: store this month's coverage table (safe to run many times a month)."""
    from .services import snapshot_take

    day = dt.date.fromisoformat(month) if month else timezone.localdate()
    return snapshot_take(month=day)


@shared_task(name="lms.coverage.tasks.build_coverage_export", acks_late=True)
def build_coverage_export(export_id: int) -> str:
    """Build one requested spreadsheet; a job already done or gone is left alone."""
    from .models import CoverageExport, ExportStatus
    from .reports import build_export_file
    from .services import export_finish, export_progress

    export = CoverageExport.objects.filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.DONE:
        return "skipped"
    export_progress(export=export, progress=10)
    try:
        filename, content = build_export_file(
            params=export.params,
            file_format=export.file_format,
            on_progress=lambda pct: export_progress(export=export, progress=pct),
        )
    except Exception as error:
        CoverageExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:2000]
        )
        raise
    export_finish(export=export, filename=filename, content=content)
    return "done"


@shared_task(name="lms.coverage.tasks.send_monthly_digests", **MAIL_TASK_OPTIONS)
def send_monthly_digests(month: str | None = None) -> int:
    """Beat job (1st of the month, 07:00): the digest to every secretary and officer not yet
    written to this month; a retry after a mail-server error sends only the rest."""
    from .digests import digests_send

    return digests_send(month=dt.date.fromisoformat(month) if month else timezone.localdate())


@shared_task(name="lms.coverage.tasks.send_missed_session_notices", **MAIL_TASK_OPTIONS)
def send_missed_session_notices(day: str | None = None) -> int:
    """Beat job (daily, 07:00): secretaries learn who of their people missed yesterday's
    sessions."""
    from .digests import missed_sessions_notify

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return missed_sessions_notify(day=dt.date.fromisoformat(day) if day else yesterday)

"""The coverage report as the page, the command and the background export all produce it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from . import exports
from .selectors import (
    AgencyTree,
    CoverageFilter,
    CoverageRow,
    coverage_by_agency,
    load_agency_tree,
    sort_by_coverage,
)


class UnknownAgency(ValueError):
    pass


def province_name() -> str:
    from lms.core.models import OrganisationSettings

    settings_row = OrganisationSettings.objects.first()
    if settings_row is not None:
        return settings_row.province_name
    return OrganisationSettings._meta.get_field("province_name").default


def scope_for_code(tree: AgencyTree, code: str) -> set[int] | None:
    """All agencies under `code` (None for the whole province when no code is given)."""
    if not code:
        return None
    agency_id = tree.by_code(code)
    if agency_id is None:
        raise UnknownAgency(code)
    return tree.subtree(agency_id)


def period_text(filters: CoverageFilter, *, month: dt.date | None = None) -> str:
    """The period the numbers cover: a stored month is that month, not "all time"."""
    if month:
        return _("Số liệu chốt tháng %(month)s") % {"month": month.strftime("%m/%Y")}
    since = filters.since.strftime("%d/%m/%Y") if filters.since else ""
    until = filters.until.strftime("%d/%m/%Y") if filters.until else ""
    if since and until:
        return _("Từ %(since)s đến %(until)s") % {"since": since, "until": until}
    if since:
        return _("Từ %(since)s") % {"since": since}
    if until:
        return _("Đến %(until)s") % {"until": until}
    return _("Toàn bộ thời gian")


def filters_text(filters: CoverageFilter) -> str:
    """The filters in words, so a filtered file is never mistaken for the whole province."""
    from courses.learning.pages import CoursePage, Edition, Track

    parts = []
    if filters.track:
        parts.append(_("Chuyên đề: %(track)s") % {"track": Track(filters.track).label})
    if filters.course_id:
        title = CoursePage.objects.filter(pk=filters.course_id).values_list("title", flat=True)
        parts.append(_("Khóa học: %(course)s") % {"course": title.first() or filters.course_id})
    if filters.edition:
        parts.append(_("Phiên bản: %(edition)s") % {"edition": Edition(filters.edition).label})
    return " · ".join(str(part) for part in parts)


def coverage_report(
    filters: CoverageFilter, *, scope_code: str = "", tree: AgencyTree | None = None
) -> list[CoverageRow]:
    tree = tree or load_agency_tree()
    scope = scope_for_code(tree, scope_code)
    return sort_by_coverage(coverage_by_agency(filters, tree=tree, scope=scope))


def render_file(
    rows: list[CoverageRow],
    filters: CoverageFilter,
    file_format: str,
    *,
    month: dt.date | None = None,
) -> bytes:
    if file_format == "csv":
        return exports.coverage_csv(rows)
    header = exports.ExportHeader(
        province=province_name(),
        period=" · ".join(
            filter(None, [str(period_text(filters, month=month)), filters_text(filters)])
        ),
        generated_at=timezone.now(),
    )
    return exports.coverage_xlsx(rows, header)


def export_filename(file_format: str) -> str:
    return f"do-bao-phu-{timezone.localtime():%Y%m%d-%H%M}.{file_format}"


def build_export_file(
    *, params: dict, file_format: str, on_progress: Callable[[int], None] | None = None
) -> tuple[str, bytes]:
    filters = CoverageFilter.from_params(params)
    frame = coverage_report(filters, scope_code=params.get("scope_code", ""))
    if on_progress:
        on_progress(60)
    return export_filename(file_format), render_file(frame, filters, file_format)

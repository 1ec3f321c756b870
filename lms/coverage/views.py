"""Coverage pages for DOST officers (whole province) and agency secretaries (own agency)."""

import dataclasses
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from courses.learning.pages import Track
from lms.accounts.models import Agency, AgencyKind
from lms.core.storage import private_file_response
from lms.coverage.permissions import coverage_scope, coverage_scope_root, narrow_to_agency

from . import cache as coverage_cache
from . import charts, exports, reports, selectors, services
from .forms import CoverageFilterForm
from .models import CoverageExport, ExportStatus

TRACK_LABELS = dict(Track.choices)
KIND_LABELS = dict(AgencyKind.choices)
# Lazy: the labels are built at import time but shown in the request's language.
# Rows of the agency table and of each gap list shown before "show all".
TABLE_ROWS = 100
GAP_ROWS = 30
STATUS_LABELS = {
    "": gettext_lazy("Chưa tham gia"),
    "enrolled": gettext_lazy("Đã ghi danh"),
    "completed": gettext_lazy("Đã hoàn thành"),
    "certified": gettext_lazy("Có chứng nhận"),
}


def _top_ids(tree, scope):
    if scope is None:
        return tree.roots()
    return [
        i
        for i in scope
        if tree.reporting.get(i) == i and tree.agencies[i]["parent_id"] not in scope
    ]


def coverage_rows(table: list[selectors.CoverageRow]) -> list[dict]:
    """Table rows for templates and the admin report: kinds as labels."""
    rows = []
    for row in table:
        rows.append(
            {
                "id": row.id,
                "code": row.code,
                "name": row.name,
                "merged_into": row.merged_into,
                "kind": KIND_LABELS.get(row.kind, row.kind),
                "parent": row.parent,
                "target": row.target,
                "enrolled": row.enrolled,
                "completed": row.completed,
                "certified": row.certified,
                "expiring": row.expiring,
                "coverage_pct": row.coverage_pct,
            }
        )
    return rows


def _linked(rows: list[dict], track: str, threshold) -> list[dict]:
    """Add each row's drill-down URL and badge, built once here instead of per row in the
    template ({% url %} and nested {% if %} cost more than the rest of the row)."""
    before, after = reverse("coverage:agency", args=["__code__"]).split("__code__")
    after += f"?{urlencode({'track': track})}" if track else ""
    for row in rows:
        row["url"] = f"{before}{quote(row['code'], safe='')}{after}"
        pct = row["coverage_pct"]
        row["badge"] = (
            None
            if pct is None
            else "badge-ok"
            if pct >= threshold
            else "badge-warn"
            if pct > 0
            else "badge-bad"
        )
    return rows


def _with_all(query) -> str:
    params = query.copy()
    params["all"] = "1"
    return params.urlencode()


def _of_kind(rows: list[selectors.CoverageRow], kind: str) -> list[selectors.CoverageRow]:
    """The rows of one agency kind; every row without a kind filter. The totals are taken
    before this: they are the scope's, whatever kind the table lists."""
    return [row for row in rows if row.kind == kind] if kind else rows


def _filtered_report(request, form, tree, scope):
    """The table the page shows and exports: live numbers or a stored month."""
    filters = form.coverage_filter()
    scope, agency_id = narrow_to_agency(tree, scope, form.cleaned_data.get("agency", ""))
    month = form.cleaned_data.get("month")
    if month:
        table = selectors.coverage_from_snapshots(
            month, track=filters.track, tree=tree, scope=scope
        )
    else:
        table = selectors.coverage_by_agency(
            dataclasses.replace(filters, kind=""), tree=tree, scope=scope
        )
    return filters, scope, agency_id, table


# Stands for the viewer's CSRF token in a stored page body. The whole hidden input is replaced:
# nothing from the query string can spell it, since its quotes are escaped in the body.
CSRF_PLACEHOLDER = "stored-page-csrf-token"
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


@login_required
@require_GET
def dashboard(request):
    """The page below the menu comes from the shared cache, already rendered: a hit reads the
    scope from the viewer's roles, fetches the entry, puts in the viewer's CSRF token and
    renders the site's layout around it (no filter form, no query beyond the session's)."""
    root = coverage_scope_root(request.user)
    key = coverage_cache.report_key("province" if root is None else f"agency-{root}", request.GET)
    report = {}  # the numbers, when this request computes them (the context shows them)
    page = coverage_cache.stored_report(key)
    if page is None:
        # Always bound: with no parameters every filter is optional and the form is valid.
        form = CoverageFilterForm(request.GET, months=selectors.snapshot_months())
        if not form.is_valid():
            context = {"form": form, "threshold": selectors.DEFAULT_THRESHOLD_PCT}
            body = render_to_string("coverage/_dashboard_body.html", context, request)
            return render(
                request, "coverage/dashboard.html", {"form": form, "body": body}, status=400
            )

        def build():
            report.update(_dashboard_report(request, form), form=form)
            return {"totals": report["totals"], "body": _page_body(report)}

        page = coverage_cache.cached_report(key, build)
    token = CSRF_INPUT.format(get_token(request))
    # Safe: the body was rendered by our template, with every value escaped.
    body = mark_safe(page["body"].replace(CSRF_INPUT.format(CSRF_PLACEHOLDER), token, 1))  # noqa: S308
    return render(request, "coverage/dashboard.html", {**report, **page, "body": body})


def _page_body(report: dict) -> str:
    """Everything below the menu (filters, numbers, charts, gaps, table), rendered once per
    cached report with a placeholder for the CSRF token: on a hit none of its loops or form
    widgets render again, and only this string is read back from the cache."""
    return render_to_string(
        "coverage/_dashboard_body.html", {**report, "csrf_token": CSRF_PLACEHOLDER}
    )


def _dashboard_report(request, form) -> dict:
    """Everything the dashboard shows below the filters; the same for everyone in a scope."""
    tree = selectors.load_agency_tree()
    scope = coverage_scope(request.user, tree)
    filters, scope, agency_id, table = _filtered_report(request, form, tree, scope)
    totals = selectors.coverage_totals(table, tree, scope)
    table = selectors.sort_by_coverage(_of_kind(table, filters.kind))
    threshold = form.threshold_pct()
    gaps = selectors.coverage_gaps(table, threshold)
    # A province has ~2 000 agencies: rendering every row made a 1 MB page costing seconds.
    # The table shows the lowest coverage first, so the first rows are the ones to act on;
    # "?all=1" shows everything (the XLSX/CSV export always holds every row).
    show_all = request.GET.get("all") == "1"
    table_limit = None if show_all else TABLE_ROWS
    gap_limit = None if show_all else GAP_ROWS
    top = [agency_id] if agency_id else _top_ids(tree, scope)
    trend = selectors.coverage_trend(track=filters.track, agency_ids=top)
    return {
        "threshold": threshold,
        "totals": totals,
        "rows": _linked(coverage_rows(table[:table_limit]), filters.track, threshold),
        "rows_total": len(table),
        "gaps": {
            name: _linked(coverage_rows(rows[:gap_limit]), filters.track, threshold)
            for name, rows in gaps.items()
        },
        "gap_counts": {name: len(rows) for name, rows in gaps.items()},
        "role_gaps": [
            (gap, [TRACK_LABELS.get(track, track) for track in gap.missing])
            for gap in selectors.role_gaps(filters, tree, scope)
        ],
        "show_all": show_all,
        "show_all_query": _with_all(request.GET),
        "expiry_days": selectors.EXPIRY_WARNING_DAYS,
        "kind_chart": charts.bar_chart(
            selectors.coverage_by_kind(table),
            title=_("Độ bao phủ theo loại đơn vị"),
            chart_id="kind-chart",
            label_heading=_("Loại đơn vị"),
        ),
        "trend_chart": charts.line_chart(
            [(m.strftime("%m/%y"), pct) for m, pct in trend],
            title=_("Độ bao phủ theo tháng"),
            chart_id="trend-chart",
            label_heading=_("Tháng"),
        )
        if trend
        else None,
        "track_label": TRACK_LABELS.get(filters.track, ""),
        "period": reports.period_text(filters, month=form.cleaned_data.get("month")),
    }


@login_required
@require_POST
def export(request):
    """Download the table as on the page; big tables are built by the worker."""
    tree = selectors.load_agency_tree()
    scope = coverage_scope(request.user, tree)
    form = CoverageFilterForm(request.POST, months=selectors.snapshot_months())
    file_format = request.POST.get("format")
    if file_format not in ("csv", "xlsx") or not form.is_valid():
        return HttpResponse(_("Yêu cầu xuất số liệu không hợp lệ."), status=400)
    filters, scope, agency_id, table = _filtered_report(request, form, tree, scope)
    table = _of_kind(table, filters.kind)
    if len(table) > exports.SYNC_EXPORT_MAX_ROWS and not form.cleaned_data.get("month"):
        scope_code = form.cleaned_data.get("agency") or (
            "" if scope is None else tree.agencies[request.user.agency_id]["code"]
        )
        job = services.export_request(
            user=request.user, filters=filters, scope_code=scope_code, file_format=file_format
        )
        return redirect("coverage:export_status", pk=job.pk)
    table = selectors.sort_by_coverage(table)
    content = reports.render_file(table, filters, file_format, month=form.cleaned_data.get("month"))
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, reports.export_filename(file_format)
    )
    return response


@login_required
@require_GET
def export_status(request, pk):
    job = get_object_or_404(CoverageExport, pk=pk, requested_by=request.user)
    return render(
        request,
        "coverage/export_status.html",
        {"job": job, "working": job.status in (ExportStatus.PENDING, ExportStatus.RUNNING)},
    )


@login_required
@require_GET
def export_download(request, pk):
    job = get_object_or_404(
        CoverageExport, pk=pk, requested_by=request.user, status=ExportStatus.DONE
    )
    return private_file_response(job.file.name, filename=job.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def agency_detail(request, code):
    tree = selectors.load_agency_tree()
    scope = coverage_scope(request.user, tree)
    agency_scope, agency_id = narrow_to_agency(tree, scope, code)
    track = request.GET.get("track", "")
    if track not in TRACK_LABELS:
        track = ""
    filters = selectors.CoverageFilter(track=track)
    trainees = selectors.agency_trainees(agency_scope, filters)
    tracks = [track] if track else list(Track.values)
    rows = [
        {
            "user": entry.user,
            "statuses": [
                {
                    "status": entry.tracks[t].status,
                    "label": STATUS_LABELS[entry.tracks[t].status],
                    "expires_at": entry.tracks[t].expires_at,
                }
                for t in tracks
            ],
        }
        for entry in trainees
    ]
    agency = Agency.objects.select_related("merged_into").get(pk=agency_id)
    return render(
        request,
        "coverage/agency_detail.html",
        {
            "agency": agency,
            "track_headings": [TRACK_LABELS[t] for t in tracks],
            "track": track,
            "track_choices": Track.choices,
            "rows": rows,
        },
    )

"""Charts drawn by the site as inline SVG: no script, no CDN, readable on a phone.

Each chart is an image with a title and a description a screen reader announces, followed by
a table in a disclosure holding the same numbers. Numbers follow the page's language (3,3% in
Vietnamese, 3.3% in English), in the chart as in the table.
"""

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 320
BAR_ROW = 34  # label line above its bar, so a long agency kind is never cut
BAR_HEIGHT = 12
RIGHT_MARGIN = 22  # room for half of the last month label and the % after the longest bar


def pct_text(pct: float | None) -> str:
    """A percentage as the active language writes it; a dash when there is none."""
    return "–" if pct is None else f"{number_format(pct, 1)}%"


def _summary(items: list[tuple[str, float | None]]) -> str:
    return "; ".join(f"{label}: {pct_text(pct)}" for label, pct in items)


def _figure(
    body: SafeString,
    *,
    chart_id: str,
    title: str,
    height: int,
    items: list[tuple[str, float | None]],
    label_heading: str,
) -> SafeString:
    """The SVG with its text alternative, then the data table in a <details>."""
    svg = format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=_summary(items),
        body=body,
    )
    rows = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td></tr>',
        ((label, pct_text(pct)) for label, pct in items),
    )
    table = format_html(
        '<details class="chart-data"><summary>{summary}</summary><div class="table-wrap">'
        '<table><caption>{title}</caption><thead><tr><th scope="col">{heading}</th>'
        '<th scope="col">{pct}</th></tr></thead><tbody>{rows}</tbody></table></div></details>',
        summary=_("Xem số liệu dạng bảng"),
        title=title,
        heading=label_heading,
        pct=_("Tỷ lệ bao phủ"),
        rows=rows,
    )
    return svg + table


def bar_chart(
    items: list[tuple[str, float | None]], *, title: str, chart_id: str, label_heading: str
) -> SafeString:
    """Horizontal bars, one per label (written in full above its bar), scaled to 100%."""
    height = BAR_ROW * len(items) + 4
    span = WIDTH - RIGHT_MARGIN - 40
    parts = []
    for index, (label, pct) in enumerate(items):
        y = 4 + index * BAR_ROW
        length = 0 if pct is None else max(0.0, min(pct, 100.0)) / 100 * span
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="11">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" fill="#1d6fa5" rx="2"></rect>'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                y + 11,
                label,
                y + 16,
                f"{length:.1f}",
                BAR_HEIGHT,
                f"{length + 4:.1f}",
                y + 26,
                pct_text(pct),
            )
        )
    body = mark_safe("".join(parts))  # noqa: S308 - each part built with format_html
    return _figure(
        body,
        chart_id=chart_id,
        title=title,
        height=height,
        items=items,
        label_heading=label_heading,
    )


def line_chart(
    points: list[tuple[str, float | None]], *, title: str, chart_id: str, label_heading: str
) -> SafeString:
    """Coverage % by month; months without a target are left out of the line."""
    height, left, bottom, top = 160, 40, 130, 10
    span_x = WIDTH - left - RIGHT_MARGIN
    known = [p for p in points if p[1] is not None]
    scale_max = max([100.0 if not known else max(p[1] for p in known), 1.0])
    step = span_x / max(len(points) - 1, 1)

    def xy(index, pct):
        return left + index * step, bottom - (pct / scale_max) * (bottom - top)

    coords = [xy(i, pct) for i, (_label, pct) in enumerate(points) if pct is not None]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"></line>'
            '<text x="0" y="{}" font-size="10">{}</text>'
            '<text x="0" y="{}" font-size="10">{}</text>',
            left,
            bottom,
            WIDTH - RIGHT_MARGIN,
            bottom,
            top + 8,
            pct_text(scale_max),
            bottom,
            pct_text(0),
        )
    ]
    if path:
        parts.append(
            format_html(
                '<polyline fill="none" stroke="#1d6fa5" stroke-width="2" points="{}"></polyline>',
                path,
            )
        )
    for x, y in coords:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3" fill="#1d6fa5"></circle>', f"{x:.1f}", f"{y:.1f}"
            )
        )
    for index, (label, _pct) in enumerate(points):
        x, _y = xy(index, 0)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text>',
                f"{x:.1f}",
                bottom + 14,
                label,
            )
        )
    body = mark_safe("".join(parts))  # noqa: S308 - each part built with format_html
    return _figure(
        body,
        chart_id=chart_id,
        title=title,
        height=height,
        items=points,
        label_heading=label_heading,
    )

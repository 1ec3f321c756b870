"""Charts drawn by the site as inline SVG: no script, no CDN, readable on a phone."""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
BAR_HEIGHT = 22
LABEL_WIDTH = 120


def _pct_text(pct: float | None) -> str:
    return "–" if pct is None else f"{pct:.1f}%"


def bar_chart(items: list[tuple[str, float | None]], *, title: str) -> SafeString:
    """Horizontal bars, one per label, scaled to 100%."""
    height = BAR_HEIGHT * len(items) + 8
    span = WIDTH - LABEL_WIDTH - 48
    parts = []
    for index, (label, pct) in enumerate(items):
        y = 4 + index * BAR_HEIGHT
        length = 0 if pct is None else max(0.0, min(pct, 100.0)) / 100 * span
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="11">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d6fa5" rx="2"></rect>'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                y + 14,
                label[:20],
                LABEL_WIDTH,
                y + 3,
                f"{length:.1f}",
                BAR_HEIGHT - 8,
                f"{LABEL_WIDTH + length + 4:.1f}",
                y + 14,
                _pct_text(pct),
            )
        )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - each part built with format_html
    )


def line_chart(points: list[tuple[str, float | None]], *, title: str) -> SafeString:
    """Coverage % by month; months without a target are left out of the line."""
    height, left, bottom, top = 160, 34, 130, 10
    span_x = WIDTH - left - 10
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
            '<text x="0" y="{}" font-size="10">0%</text>',
            left,
            bottom,
            WIDTH - 10,
            bottom,
            top + 8,
            _pct_text(scale_max),
            bottom,
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
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - each part built with format_html
    )

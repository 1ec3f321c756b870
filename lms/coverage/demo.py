"""Demo step: monthly coverage snapshots, so the trend chart has a line on first visit."""

import datetime as dt

from django.utils import timezone

from .services import month_start, snapshot_take

DEMO_MONTHS = 6


def load_coverage_snapshots(*, fixtures=None, stdout=None) -> str:
    month = month_start(timezone.localdate())
    months = []
    for _ in range(DEMO_MONTHS):
        months.append(month)
        month = month_start(month - dt.timedelta(days=1))
    rows = sum(snapshot_take(month=m) for m in reversed(months))
    return f"Coverage snapshots: {rows} rows over {DEMO_MONTHS} months"


STEPS = [load_coverage_snapshots]

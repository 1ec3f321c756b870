import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.core.dates import day_range_error
from lms.xapi import client
from lms.xapi.receivers import queue_statements
from lms.xapi.selectors import records_between

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_day(option: str, value: str) -> dt.date:
    for date_format in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(value.strip(), date_format).date()
        except ValueError:
            continue
        error = day_range_error(day)
        if error:
            raise CommandError(f"--{option} {value}: {error}")
        return day
    raise CommandError(f"--{option} {value!r}: not a date (use dd/mm/yyyy or YYYY-MM-DD)")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = (
        "Send again the xAPI statements of the learning records of a period (enrolments, "
        "lessons and courses completed, quizzes graded, attendance, certificates). Statement ids "
        "are fixed, so the LRS keeps one copy of a statement it already has."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="first day, dd/mm/yyyy")
        parser.add_argument("--until", help="last day included, dd/mm/yyyy (default: today)")

    def handle(self, *args, since, until, **options):
        if not client.configured():
            raise CommandError("XAPI_ENDPOINT is not set: there is no LRS to send to.")
        first = parse_day("since", since)
        last = parse_day("until", until) if until else timezone.localdate()
        if first > last:
            raise CommandError("--since is after --until")
        records = records_between(_start_of(first), _start_of(last + dt.timedelta(days=1)))
        total = 0
        for kind, keys in records.items():
            if not keys:
                continue
            queue_statements(kind, keys)
            total += len(keys)
            self.stdout.write(f"{kind}: {len(keys)}")
        self.stdout.write(
            f"Queued the statements of {total} records from {first:%d/%m/%Y} to {last:%d/%m/%Y}."
        )

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.core.dates import command_date
from lms.xapi import client
from lms.xapi.receivers import queue_statements
from lms.xapi.selectors import records_between


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
        first = command_date("since", since)
        last = command_date("until", until) or timezone.localdate()
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

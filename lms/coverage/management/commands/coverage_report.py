from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.learning.pages import Track
from lms.core.dates import command_date as parse_date
from lms.coverage.reports import UnknownAgency, coverage_report, render_file
from lms.coverage.selectors import CoverageFilter


class Command(BaseCommand):
    help = (
        "Write the coverage table (one row per agency: target, enrolled, completed, "
        "certified, coverage %) as CSV (UTF-8 with BOM) or XLSX."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument("--agency", default="", help="agency code: that agency and below")
        parser.add_argument("--track", default="", help=f"one of {', '.join(Track.values)}")
        parser.add_argument("--since", help="YYYY-MM-DD or dd/mm/yyyy")
        parser.add_argument("--until", help="YYYY-MM-DD or dd/mm/yyyy")

    def handle(self, *args, file_format, output, agency, track, since, until, **options):
        if track and track not in Track.values:
            raise CommandError(f"--track {track!r}: unknown track ({', '.join(Track.values)})")
        filters = CoverageFilter(
            track=track, since=parse_date("since", since), until=parse_date("until", until)
        )
        if filters.since and filters.until and filters.since > filters.until:
            raise CommandError("--since is after --until")
        output_path = Path(output)
        if not output_path.parent.is_dir():
            raise CommandError(f"--output {output}: directory {output_path.parent} not found")
        if output_path.is_dir():
            raise CommandError(f"--output {output}: is a directory; give a file name")
        try:
            table = coverage_report(filters, scope_code=agency.strip())
        except UnknownAgency as error:
            raise CommandError(f"--agency {error}: no agency has this code") from error
        try:
            output_path.write_bytes(render_file(table, filters, file_format))
        except OSError as error:  # read-only folder or file, full disk, ...
            raise CommandError(f"--output {output}: cannot write ({error.strerror})") from error
        self.stdout.write(f"{output_path}: {len(table)} agencies")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.core.errorlists import first_errors
from lms.core.uploads import read_import_file
from lms.coverage.plans import plans_import


class Command(BaseCommand):
    help = (
        "Create or update yearly training plan lines (agency code, track, year, target, "
        "optional required role) from CSV (UTF-8) or XLSX; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        data = read_import_file(file)  # the upload form's size cap, checked before reading
        result = plans_import(data=data, filename=path.name, dry_run=dry_run)
        excerpt = first_errors(result.errors)
        for row, message in excerpt:
            self.stderr.write(f"row {row}: {message}" if row else f"{path}: {message}")
        if excerpt.more:
            self.stderr.write(excerpt.more_text)
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing written")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"plan lines created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged} ({verb} written)"
        )

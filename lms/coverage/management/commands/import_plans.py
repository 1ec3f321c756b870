from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        result = plans_import(data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        for row, message in result.errors:
            self.stderr.write(f"row {row}: {message}" if row else f"{path}: {message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing written")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"plan lines created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged} ({verb} written)"
        )

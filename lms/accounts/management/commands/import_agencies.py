from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.accounts.directory_import import agencies_import


class Command(BaseCommand):
    help = (
        "Create or update the province's agency directory from CSV (UTF-8) or XLSX: codes, "
        "names, kinds, parents, targets, aliases, mergers. Upsert by code; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        result = agencies_import(data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        for row, message in result.errors:
            self.stderr.write(f"row {row}: {message}" if row else f"{path}: {message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing written")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"agencies created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged} ({verb} written)"
        )
        if not result.changes:
            self.stdout.write("Nothing to change: the directory is already up to date.")
        if dry_run:
            self.stdout.write("Dry run: nothing written.")

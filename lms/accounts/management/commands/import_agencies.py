from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.accounts.directory_import import agencies_import
from lms.core.errorlists import first_errors
from lms.core.uploads import read_import_file


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
        data = read_import_file(file)  # the upload form's size cap, checked before reading
        result = agencies_import(data=data, filename=path.name, dry_run=dry_run)
        excerpt = first_errors(result.errors)
        for row, message in excerpt:
            self.stderr.write(f"row {row}: {message}" if row else f"{path}: {message}")
        if excerpt.more:
            self.stderr.write(excerpt.more_text)
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

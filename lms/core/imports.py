"""What a spreadsheet import reports: located errors, or the changes it made (or would make)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .errorlists import first_errors
from .uploads import read_import_file


@dataclass
class RowChange:
    row: int  # the sheet row the change comes from
    code: str
    name: str
    created: bool
    changes: dict[str, tuple[object, object]]  # field -> (before, after)


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, message); 0 = the file
    changes: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def created(self) -> int:
        return sum(change.created for change in self.changes)

    @property
    def updated(self) -> int:
        return sum(not change.created for change in self.changes)


class ImportCommand(BaseCommand):
    """`manage.py import_… FILE [--dry-run]` for one spreadsheet import service: errors as
    `row N: message` (the first ones, then how many more), nothing written on error."""

    noun = "rows"  # what the summary counts, e.g. "agencies"
    up_to_date = "Nothing to change."

    def run_import(self, *, data: bytes, filename: str, dry_run: bool) -> ImportResult:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        data = read_import_file(file)  # the upload form's size cap, checked before reading
        result = self.run_import(data=data, filename=path.name, dry_run=dry_run)
        excerpt = first_errors(result.errors)
        for row, message in excerpt:
            self.stderr.write(f"row {row}: {message}" if row else f"{path}: {message}")
        if excerpt.more:
            self.stderr.write(excerpt.more_text)
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing written")
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{self.noun} created: {result.created}, updated: {result.updated}, "
            f"unchanged: {result.unchanged} ({verb} written)"
        )
        if not result.changes:
            self.stdout.write(self.up_to_date)
        if dry_run:
            self.stdout.write("Dry run: nothing written.")

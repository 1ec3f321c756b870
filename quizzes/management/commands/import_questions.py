from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lms.core.errorlists import first_errors
from lms.core.uploads import read_import_file
from quizzes.services import FILE_PARSERS, IMPORT_FORMATS, questions_import


class Command(BaseCommand):
    help = (
        "Import GIFT, Aiken, Word (.docx) or Excel (.xlsx) questions into a bank, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", dest="fmt", choices=IMPORT_FORMATS, required=True)
        parser.add_argument("--bank", required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file, fmt, bank, dry_run, **options):
        if fmt in FILE_PARSERS:
            content = {"data": read_import_file(file)}
        else:
            content = {"text": self._read_text(file)}
        try:
            result = questions_import(bank_name=bank, fmt=fmt, dry_run=dry_run, **content)
        except ValidationError as exc:
            raise CommandError(f"--bank: {' '.join(exc.message_dict['name'])}") from None
        self._report(file, bank, result, dry_run)

    def _read_text(self, file: str) -> str:
        path = Path(file)
        try:
            # utf-8-sig drops a BOM when there is one and reads plain UTF-8 otherwise.
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{file}: file not found") from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
        except OSError as exc:
            raise CommandError(f"{file}: cannot read ({exc.strerror})") from None
        return text

    def _report(self, file: str, bank: str, result, dry_run: bool) -> None:
        if result.errors:
            excerpt = first_errors(result.errors)
            for error in excerpt:
                self.stderr.write(f"{file}:{error.location}: {error.message}")
            if excerpt.more:
                self.stderr.write(excerpt.more_text)
            raise CommandError(f"{len(result.errors)} error(s); nothing imported")
        for qtype, count in sorted(result.counts.items()):
            self.stdout.write(f"{qtype}: {count}")
        total = sum(result.counts.values())
        if dry_run:
            self.stdout.write(f"Dry run: {total} question(s) would be imported into '{bank}'")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {total} question(s) into '{bank}'"))

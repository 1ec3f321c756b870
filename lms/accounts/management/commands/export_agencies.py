from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.accounts.directory_import import directory_file


class Command(BaseCommand):
    help = "Write the agency directory as CSV or XLSX (by the output's extension), in the "
    help += "format import_agencies reads back."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="a .csv or .xlsx file")

    def handle(self, *args, output, **options):
        path = Path(output)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"--output {output}: name a .csv or .xlsx file")
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"--output {output}: not a file in an existing directory")
        try:
            path.write_bytes(directory_file(path.suffix.lower()))
        except OSError as error:
            raise CommandError(f"--output {output}: {error.strerror}") from error
        self.stdout.write(f"{path}: written")

from lms.accounts.directory_import import agencies_import
from lms.core.imports import ImportCommand


class Command(ImportCommand):
    help = (
        "Create or update the province's agency directory from CSV (UTF-8) or XLSX: codes, "
        "names, kinds, parents, targets, aliases, mergers. Upsert by code; all or nothing."
    )
    noun = "agencies"
    up_to_date = "Nothing to change: the directory is already up to date."

    def run_import(self, *, data, filename, dry_run):
        return agencies_import(data=data, filename=filename, dry_run=dry_run)

from lms.core.imports import ImportCommand
from lms.coverage.plans import plans_import


class Command(ImportCommand):
    help = (
        "Create or update yearly training plan lines (agency code, track, year, target, "
        "optional required role) from CSV (UTF-8) or XLSX; all or nothing."
    )
    noun = "plan lines"
    up_to_date = "Nothing to change: the plan is already up to date."

    def run_import(self, *, data, filename, dry_run):
        return plans_import(data=data, filename=filename, dry_run=dry_run)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.classes.models import ClassSession
from courses.classes.roster import roster_import
from lms.core.errorlists import first_errors
from lms.core.uploads import read_import_file


class Command(BaseCommand):
    help = "Import a class roster (CSV UTF-8 or XLSX): create/link users, enrol, add to the class."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--session", type=int, required=True, help="ClassSession id")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, report the others"
        )

    def handle(self, *args, file, session, dry_run, skip_invalid, **options):
        path = Path(file)
        data = read_import_file(file)  # the upload form's size cap, checked before reading
        class_session = (
            ClassSession.objects.select_related("training_class__course").filter(pk=session).first()
        )
        if class_session is None:
            raise CommandError(f"--session {session}: no class session with this id")
        # The roster is the trainer's act: enrol as the class's trainer, so the enrolment rules
        # of a trainer apply (no prerequisites check, any agency).
        actor = class_session.training_class.trainers.order_by("pk").first()
        result = roster_import(
            session=class_session,
            data=data,
            filename=path.name,
            actor=actor,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
        excerpt = first_errors(result.errors)
        for error in excerpt:
            where = f"row {error.row}" if error.row else str(path)
            self.stderr.write(f"{where}: {error.message}")
        if excerpt.more:
            self.stderr.write(excerpt.more_text)
        verb = "would be" if dry_run or not result.written else "were"
        self.stdout.write(
            f"{len(result.rows)} valid rows; users created: {result.created}, linked: "
            f"{result.linked}; enrolled: {result.enrolled}; added to class: {result.added} "
            f"({verb} written)"
        )
        if result.errors and not (skip_invalid and result.written):
            raise CommandError(f"{len(result.errors)} error(s); nothing written")
        if dry_run:
            self.stdout.write("Dry run: nothing written.")

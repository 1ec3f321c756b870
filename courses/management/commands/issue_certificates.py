from tqdm import tqdm

from django.core.management.base import BaseCommand, CommandError

from courses.certificates.services import certificates_issue_due
from courses.classes.models import ClassSession
from courses.learning.pages import CoursePage


class Command(BaseCommand):
    help = (
        "Issue the certificates that are due (completed courses, attended sessions); never twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--course", metavar="SLUG", help="only this course (page slug)")
        parser.add_argument("--session", metavar="ID", type=int, help="only attendees of a session")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, course=None, session=None, no_progress=False, **options):
        course_page = None
        if course:
            course_page = CoursePage.objects.filter(slug=course).first()
            if course_page is None:
                raise CommandError(f"--course {course}: no course with this slug")
        class_session = None
        if session is not None:
            class_session = (
                ClassSession.objects.select_related("training_class__course")
                .filter(pk=session)
                .first()
            )
            if class_session is None:
                raise CommandError(f"--session {session}: no class session with this id")
            if course_page and class_session.training_class.course_id != course_page.pk:
                raise CommandError(f"--session {session}: belongs to another course than {course}")

        def progress(items):
            return tqdm(
                items, desc="certificates", unit="cert", file=self.stderr._out, disable=no_progress
            )

        summary = certificates_issue_due(
            course=course_page, session=class_session, progress=progress
        )
        self.stdout.write(f"issued: {summary.issued}")
        self.stdout.write(f"already had: {summary.already_had}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.learning.pages import CoursePage
from courses.scorm.package import PackageRefused, scorm_limits, size_params
from courses.scorm.services import scorm_lesson_import


class Command(BaseCommand):
    help = "Import a SCORM 1.2 or 2004 package (ZIP) as a lesson at the end of a course."

    def add_arguments(self, parser):
        parser.add_argument("zip")
        parser.add_argument("--parent", type=int, required=True, help="CoursePage id")
        parser.add_argument("--title", default="", help="lesson title (default: the manifest's)")

    def handle(self, *args, zip, parent, title, **options):
        path = Path(zip)
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        course = CoursePage.objects.filter(pk=parent).first()
        if course is None:
            raise CommandError(f"--parent {parent}: no course page with this id")
        limits = scorm_limits()
        if path.stat().st_size > limits.max_uncompressed_bytes:
            raise CommandError(PackageRefused("archive_too_large", size_params(limits)).message)
        try:
            lesson = scorm_lesson_import(data=path.read_bytes(), parent=course, title=title)
        except PackageRefused as error:
            raise CommandError(f"{path.name}: {error.message}") from error
        package = lesson.package
        self.stdout.write(
            f"SCORM {package.version} lesson “{lesson.title}” (page {lesson.pk}) "
            f"in “{course.title}”: {package.file_count} files, launch {package.launch}"
        )

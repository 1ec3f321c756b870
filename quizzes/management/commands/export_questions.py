from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.formats.office import lost_in_round_trip
from quizzes.models import QuestionBank
from quizzes.selectors import WRITERS, bank_export, bank_questions
from quizzes.services import parse_questions


class Command(BaseCommand):
    help = (
        "Write a question bank as GIFT (to stdout or --output FILE), or as a Word or Excel "
        "file (--output FILE) that import_questions reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", dest="fmt", choices=sorted(WRITERS), default="gift")
        parser.add_argument("--output")

    def handle(self, *args, bank, fmt, output, **options):
        found = QuestionBank.objects.filter(name=bank).first()
        if found is None:
            raise CommandError(f"unknown bank: {bank}")
        if fmt != "gift" and not output:
            raise CommandError(f"--output FILE is required for --format {fmt}")
        content = bank_export(found, fmt)
        if not output:
            self.stdout.write(content, ending="")
            return
        try:
            if isinstance(content, bytes):
                Path(output).write_bytes(content)
            else:
                Path(output).write_text(content, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot write ({exc.strerror})") from None
        self.stderr.write(f"Wrote {found.questions.count()} question(s) to {output}")
        if isinstance(content, bytes):
            self._warn_losses(found, content, fmt)

    def _warn_losses(self, bank, content: bytes, fmt: str) -> None:
        """Read the file back: say how many questions the Word/Excel copy does not keep whole."""
        reread = parse_questions(data=content, fmt=fmt).questions
        lost = lost_in_round_trip(bank_questions(bank), reread)
        if lost:
            self.stderr.write(
                self.style.WARNING(
                    f"{lost} question(s) are not kept whole in {fmt} (question names, per-answer "
                    "feedback, partial marks or markup); export GIFT for a full copy"
                )
            )

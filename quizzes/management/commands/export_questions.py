from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.models import QuestionBank
from quizzes.selectors import bank_as_gift


class Command(BaseCommand):
    help = "Write a question bank as GIFT (to stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", dest="fmt", choices=["gift"], default="gift")
        parser.add_argument("--output")

    def handle(self, *args, bank, fmt, output, **options):
        found = QuestionBank.objects.filter(name=bank).first()
        if found is None:
            raise CommandError(f"unknown bank: {bank}")
        text = bank_as_gift(found)
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"{output}: cannot write ({exc.strerror})") from None
            self.stderr.write(f"Wrote {found.questions.count()} question(s) to {output}")
        else:
            self.stdout.write(text, ending="")

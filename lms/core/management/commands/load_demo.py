from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from courses.demo import certificates as certificates_demo
from courses.demo import classes as classes_demo
from courses.demo import learning as learning_demo
from lms.accounts import demo as accounts_demo
from lms.core import demo as core_demo
from lms.coverage import demo as coverage_demo
from quizzes import demo as quizzes_demo

# Each step takes (fixtures=Path, stdout=OutputWrapper) and returns a line to print.
STEP_GROUPS = [
    learning_demo.STEPS,
    quizzes_demo.STEPS,
    classes_demo.STEPS,
    certificates_demo.STEPS,
    coverage_demo.STEPS,
]


class Command(BaseCommand):
    help = "Build the demo site from fixtures/ (safe to run again) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", default=str(settings.BASE_DIR / "fixtures"))
        parser.add_argument(
            "--address",
            help="HOST:PORT where the site is served (make run passes it), so links in "
            "certificates, QR codes and e-mails point there when SITE_URL is not set",
        )

    def handle(self, *args, fixtures, address=None, **options):
        fixtures = Path(fixtures)
        agencies_csv = fixtures / "agencies.csv"
        if not agencies_csv.exists():
            raise CommandError(f"{agencies_csv}: file not found")
        with translation.override(settings.LANGUAGE_CODE):
            count = accounts_demo.load_agencies(agencies_csv)
            self.stdout.write(f"Agencies: {count}")
            core_demo.load_home_page()
            if address:
                try:
                    core_demo.site_address_set(address)
                except ValueError as error:
                    raise CommandError(f"--address {address!r}: {error}") from error
            logins = accounts_demo.load_role_users()
            for steps in STEP_GROUPS:
                for step in steps:
                    message = step(fixtures=fixtures, stdout=self.stdout)
                    if message:
                        self.stdout.write(message)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {accounts_demo.DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.role:<18} {login.email}")

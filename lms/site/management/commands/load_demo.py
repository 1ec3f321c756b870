from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from courses.certificates import demo as certificates_demo
from courses.certificates import transitions_demo as transitions_demo
from courses.certificates.signing import write_self_signed_pair
from courses.classes import demo as classes_demo
from courses.learning import demo as learning_demo
from courses.scorm import demo as scorm_demo
from lms.accounts import demo as accounts_demo
from lms.coverage import demo as coverage_demo
from lms.site import demo as core_demo
from quizzes import demo as quizzes_demo

# Each step takes (fixtures=Path, stdout=OutputWrapper) and returns a line to print.
STEP_GROUPS = [
    learning_demo.STEPS,
    quizzes_demo.STEPS,
    classes_demo.STEPS,
    certificates_demo.STEPS,
    transitions_demo.STEPS,
    coverage_demo.STEPS,
    scorm_demo.STEPS,  # last: the earlier steps' learners were made without this lesson
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
            self._demo_signing_pair()
            for steps in STEP_GROUPS:
                for step in steps:
                    message = step(fixtures=fixtures, stdout=self.stdout)
                    if message:
                        self.stdout.write(message)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all):"))
        self.stdout.write(f"  password: {accounts_demo.DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.role:<18} {login.email}")

    def _demo_signing_pair(self):
        """A self-signed key and certificate so the demo's certificate PDFs are signed too
        (development settings only; a configured key is left alone)."""
        directory = getattr(settings, "DEMO_SIGNING_DIR", None)
        if directory is None or settings.CERTIFICATE_SIGNING_KEY:
            return
        key, cert = Path(directory) / "key.pem", Path(directory) / "cert.pem"
        if not (key.exists() and cert.exists()):
            write_self_signed_pair(
                Path(directory),
                common_name="Sở Khoa học và Công nghệ (demo)",
                organisation="Sở Khoa học và Công nghệ",
            )
        settings.CERTIFICATE_SIGNING_KEY, settings.CERTIFICATE_SIGNING_CERT = str(key), str(cert)
        self.stdout.write(f"Certificate signing key (self-signed demo): {cert}")

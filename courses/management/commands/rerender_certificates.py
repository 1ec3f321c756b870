import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses.certificates.selectors import certificates_with_stale_links
from courses.certificates.services import certificate_rerender_pdf
from lms.core.dates import day_range_error
from lms.core.links import site_url


class Command(BaseCommand):
    help = (
        "Rebuild the PDFs of certificates whose link and QR code point to another address than "
        "the site's (SITE_URL), keeping their codes and dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="only certificates issued on or after (dd/mm/yyyy)")

    def handle(self, *args, since, **options):
        start = None
        if since:
            try:
                day = dt.datetime.strptime(since.strip(), "%d/%m/%Y").date()
            except ValueError:
                try:
                    day = dt.date.fromisoformat(since.strip())
                except ValueError:
                    raise CommandError(f"--since {since!r}: not a date (dd/mm/yyyy)") from None
            if error := day_range_error(day):
                raise CommandError(f"--since {since}: {error}")
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        ids = list(certificates_with_stale_links(since=start).values_list("pk", flat=True))
        for certificate_id in ids:
            certificate_rerender_pdf(certificate_id=certificate_id)
        self.stdout.write(f"{len(ids)} certificate PDF(s) rebuilt with links to {site_url()}")

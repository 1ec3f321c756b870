"""Demo certificates: one for every completed demo enrolment, plus a revoked and an expired one."""

from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from courses.certificates.models import Certificate
from courses.certificates.services import certificate_revoke, certificates_issue_due
from courses.learning.models import Enrolment

DEMO_TRAINEE_EMAIL = "hocvien@demo.vn"
EXAMPLE_REASON = "Cấp nhầm người học (ví dụ minh họa)"


def _examples():
    # The demo trainee's own certificate stays valid: the walkthrough verifies and revokes it.
    return Certificate.objects.exclude(user__email=DEMO_TRAINEE_EMAIL).order_by("pk")


def issue_demo_certificates(*, fixtures: Path, stdout) -> str:
    summary = certificates_issue_due()
    examples = _examples()
    if not examples.filter(revoked_at__isnull=False).exists():
        first = examples.filter(revoked_at__isnull=True).first()
        if first is not None:
            certificate_revoke(certificate=first, reason=EXAMPLE_REASON, actor=None)
    now = timezone.now()
    if not examples.filter(revoked_at__isnull=True, expires_at__lte=now).exists():
        candidate = examples.filter(revoked_at__isnull=True).first()
        if candidate is not None:
            # Demo history only: the course was completed and certified three years ago, so
            # the certificate shows as expired (and no retraining has happened since).
            issued_at = now - timedelta(days=3 * 366)
            with transaction.atomic():
                Certificate.objects.filter(pk=candidate.pk).update(
                    issued_at=issued_at, expires_at=now - timedelta(days=2)
                )
                Enrolment.objects.filter(user=candidate.user, course=candidate.course).update(
                    completed_at=issued_at - timedelta(hours=1)
                )
    return (
        f"Certificates: {summary.issued} issued, {summary.already_had} already had, "
        f"{Certificate.objects.count()} in total"
    )


STEPS = [issue_demo_certificates]

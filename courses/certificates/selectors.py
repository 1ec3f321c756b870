"""Reads of certificates: status, expiry and renewal rules, who sees which, learning history."""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from courses.certificates.models import (
    Certificate,
    EditionTransition,
)
from courses.certificates.permissions import can_administer_certificates
from courses.learning.models import Enrolment
from courses.learning.pages import CoursePage
from lms.accounts import roles
from lms.core.links import site_url

# Verification by code, on the site and through the API (per client address).
VERIFY_LIMIT_PER_MINUTE = getattr(settings, "CERTIFICATE_VERIFY_RATE_PER_MINUTE", 30)


@dataclass
class PastCycle:
    """One earlier cycle of a person in a course, with the certificate it earned (if any)."""

    enrolment: Enrolment
    certificate: object | None
    status: str


def learning_history(*, user) -> list[PastCycle]:
    """Earlier cycles of the person ("Lịch sử học tập"), by course then newest cycle first.

    A cycle's certificate is the latest one of the course issued before the next cycle began.
    Three queries whatever the number of cycles.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user).select_related("course").order_by("course_id", "cycle")
    )
    if not any(not enrolment.is_current for enrolment in enrolments):
        return []
    certificates = list(Certificate.objects.filter(user=user).order_by("issued_at"))
    passed = supersessions()
    history = []
    for index, enrolment in enumerate(enrolments):
        if enrolment.is_current:
            continue
        following = enrolments[index + 1] if index + 1 < len(enrolments) else None
        until = following.created_at if following else None
        earned = [
            certificate
            for certificate in certificates
            if certificate.course_id == enrolment.course_id
            and certificate.issued_at >= enrolment.created_at
            and (until is None or certificate.issued_at < until)
        ]
        certificate = earned[-1] if earned else None
        status = certificate_status(certificate, passed=passed) if certificate else ""
        history.append(PastCycle(enrolment=enrolment, certificate=certificate, status=status))
    history.sort(key=lambda row: (row.enrolment.course.title, -row.enrolment.cycle))
    return history


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Officers and editors see all; a secretary sees their agency tree; anyone else their own."""
    queryset = Certificate.objects.select_related("user", "course", "replaces")
    if not user.is_authenticated:
        return queryset.none()
    if can_administer_certificates(user):
        return queryset
    if roles.has_role(user, roles.SECRETARY) and user.agency_id:
        return queryset.filter(user__agency_id__in=user.agency.descendant_ids())
    return queryset.filter(user=user)


STATUS_VALID = "valid"


STATUS_EXPIRED = "expired"


STATUS_REVOKED = "revoked"


STATUS_SUPERSEDED = "superseded"


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months in local time; the day is clamped (31 Jan + 1 month = 28/29 Feb)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    years, month_index = divmod(local.month - 1 + months, 12)
    year, month = local.year + years, month_index + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def expiry_for(course: CoursePage, issued_at: datetime) -> datetime | None:
    months = course.certificate_validity_months or 0
    return add_months(issued_at, months) if months else None


def supersessions(moment: datetime | None = None) -> dict[tuple[str, str], str]:
    """(old edition, track or "") -> new edition, for transitions past their deadline."""
    day = timezone.localtime(moment or timezone.now()).date()
    rows = EditionTransition.objects.filter(deadline__lt=day).order_by("deadline")
    return {(t.from_edition, t.track): t.to_edition for t in rows}


def superseded_by(certificate: Certificate, passed: dict[tuple[str, str], str]) -> str:
    """The edition that superseded the certificate's, or ""."""
    return passed.get((certificate.edition, certificate.track)) or passed.get(
        (certificate.edition, ""), ""
    )


def certificate_status(
    certificate: Certificate, moment: datetime | None = None, passed: dict | None = None
) -> str:
    """valid, expired, revoked, or superseded (its edition's transition deadline has passed).
    `passed` (from `supersessions`) saves a query per certificate on lists."""
    moment = moment or timezone.now()
    if certificate.revoked_at:
        return STATUS_REVOKED
    if certificate.expires_at and certificate.expires_at <= moment:
        return STATUS_EXPIRED
    if superseded_by(certificate, supersessions(moment) if passed is None else passed):
        return STATUS_SUPERSEDED
    return STATUS_VALID


def certificate_renewal_due(
    certificate: Certificate | None, moment: datetime | None = None
) -> bool:
    """Whether the holder may renew it: revoked, expired, superseded, or expiring within
    settings.RENEWAL_WINDOW_DAYS."""
    if certificate is None:
        return False
    moment = moment or timezone.now()
    if certificate_status(certificate, moment) != STATUS_VALID:
        return True
    window = timedelta(days=settings.RENEWAL_WINDOW_DAYS)
    return certificate.expires_at is not None and certificate.expires_at <= moment + window


def renewal_due(*, user, course, moment: datetime | None = None, enrolment=None) -> bool:
    """The person's latest cycle of the course is completed and its certificate is due.
    `enrolment`: the current one when the caller has it already."""
    if enrolment is None:
        enrolment = Enrolment.objects.current().filter(user=user, course=course).first()
    if enrolment is None or enrolment.completed_at is None:
        return False
    return certificate_renewal_due(latest_certificate(user, course), moment)


def certificates_filter(
    queryset: QuerySet[Certificate],
    *,
    status: str = "",
    expiring_within_days: int | None = None,
    moment: datetime | None = None,
) -> QuerySet[Certificate]:
    moment = moment or timezone.now()
    if status == STATUS_VALID:
        queryset = queryset.valid_at(moment)
    elif status == STATUS_EXPIRED:
        queryset = queryset.filter(revoked_at__isnull=True, expires_at__lte=moment)
    elif status == STATUS_REVOKED:
        queryset = queryset.filter(revoked_at__isnull=False)
    if expiring_within_days is not None:
        queryset = queryset.valid_at(moment).filter(
            expires_at__lte=moment + timedelta(days=expiring_within_days)
        )
    return queryset


def latest_certificate(user, course) -> Certificate | None:
    """The certificate of the person's latest cycle of the course."""
    return Certificate.objects.filter(user=user, course=course).order_by("-cycle").first()


def certificates_due_reminder(*, days: int, moment: datetime | None = None) -> QuerySet:
    moment = moment or timezone.now()
    return (
        Certificate.objects.valid_at(moment)
        .filter(expires_at__lte=moment + timedelta(days=days), expiry_reminder_sent_at__isnull=True)
        .exclude(Q(user__email="") | Q(user__is_active=False))
        .select_related("user")
    )


def certificates_with_stale_links(*, since: datetime | None = None) -> QuerySet:
    """Certificates whose stored PDF links to another address than the site's (or to an
    unrecorded one: PDFs made before the address was recorded)."""
    stale = Certificate.objects.exclude(pdf="").exclude(rendered_site_url=site_url())
    return stale.filter(issued_at__gte=since) if since else stale

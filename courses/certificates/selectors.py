"""Reads of certificates that several pages need."""

from dataclasses import dataclass

from django.db.models import QuerySet

from courses.certificates.models import Certificate
from courses.certificates.permissions import can_administer_certificates
from courses.certificates.services import certificate_status, supersessions
from courses.learning.models import Enrolment
from lms.accounts import roles


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

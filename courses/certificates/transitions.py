"""Edition transitions: who still holds only the old edition, enrolling them in the new course,
and telling them. Certificates of the old edition stop being valid after the deadline
(`CertificateQuerySet.valid_at`); nothing here deletes or changes a certificate."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.certificates.models import Certificate, EditionTransition
from courses.learning.enrolment import enrolments_bulk_ensure
from courses.learning.models import EnrolmentSource
from courses.learning.pages import CoursePage
from lms.core.audit import audit_record
from lms.core.queue import enqueue


@transaction.atomic
def transition_open(*, actor, track: str, from_edition: str, to_edition: str,
                    course: CoursePage, deadline: dt.date) -> EditionTransition:  # fmt: skip
    """Open a transition; the course must teach the new edition (and the track, if given)."""
    if course.edition != to_edition:
        raise ValidationError({"course": _("Khóa học phải theo phiên bản mới của tiêu chuẩn.")})
    if track and course.track != track:
        raise ValidationError({"course": _("Khóa học phải thuộc chuyên đề đã chọn.")})
    transition = EditionTransition(
        track=track, from_edition=from_edition, to_edition=to_edition, course=course,
        deadline=deadline, opened_by=actor,
    )  # fmt: skip
    transition.full_clean()
    transition.save()
    audit_record(
        actor=actor,
        verb="transition.open",
        obj=transition,
        after={
            "from": from_edition,
            "to": to_edition,
            "track": track,
            "course": course.pk,
            "deadline": deadline.isoformat(),
        },  # fmt: skip
    )
    return transition


def _unexpired(queryset):
    now = timezone.now()
    return queryset.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def transition_people(transition: EditionTransition, scope: set[int] | None = None) -> list:
    """People holding an unexpired certificate of the old edition (of the track) and none of
    the new one, sorted by agency then given name. Two queries."""
    from lms.core.text import vietnamese_sort_key

    track = Q(track=transition.track) if transition.track else Q()
    new = _unexpired(Certificate.objects.filter(track, user=OuterRef("pk"),
                                                edition=transition.to_edition))  # fmt: skip
    old = _unexpired(Certificate.objects.filter(track, user=OuterRef("pk"),
                                                edition=transition.from_edition))  # fmt: skip
    people = (
        get_user_model()
        .objects.filter(Exists(old), ~Exists(new), is_active=True)
        .select_related("agency")
    )
    if scope is not None:
        people = people.filter(agency_id__in=scope)
    return sorted(
        people,
        key=lambda u: (u.agency.name if u.agency else "", vietnamese_sort_key(u.full_name)),
    )


def transition_enrol(*, actor, transition: EditionTransition, scope: set[int] | None = None):
    """Enrol everyone still on the old edition in the transition course (the rules and audit of
    bulk enrolment) and e-mail them after commit, each person once."""
    people = transition_people(transition, scope)
    with transaction.atomic():
        enrolments = enrolments_bulk_ensure(
            users=people, course=transition.course, source=EnrolmentSource.BULK, actor=actor
        )
        from courses.certificates.tasks import send_transition_invitations

        transition_id = transition.pk
        transaction.on_commit(lambda: enqueue(send_transition_invitations, transition_id))
    return enrolments

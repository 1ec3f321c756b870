"""Role changes, certificate issue and enrolment by staff each leave an audit event."""

import pytest

from django.contrib.auth.models import Group

from courses.certificates.services import certificate_issue
from courses.learning.enrolment import enrolment_create
from courses.models import EnrolmentSource
from lms.accounts import roles
from lms.accounts.services import user_add_role
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(verb, obj, *, after=0):
    return list(AuditEvent.objects.filter(verb=verb, object_id=str(obj.pk), pk__gt=after))


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_role_add_is_audited_once_with_the_actor(trainee, officer):
    before = _last_event_id()
    user_add_role(user=trainee, role=roles.TRAINER, actor=officer)
    user_add_role(user=trainee, role=roles.TRAINER, actor=officer)

    [event] = _events("user.role_add", trainee, after=before)
    assert event.actor == officer
    assert event.after == {"role": roles.TRAINER}
    assert roles.has_role(trainee, roles.TRAINER)


def test_role_changes_outside_the_service_are_audited_too(trainee):
    before = _last_event_id()
    group, _ = Group.objects.get_or_create(name=roles.EDITOR)
    group.user_set.add(trainee)
    trainee.groups.remove(group)
    trainee.groups.clear()

    assert [e.after["role"] for e in _events("user.role_add", trainee, after=before)] == [
        roles.EDITOR
    ]
    removed = sorted(e.after["role"] for e in _events("user.role_remove", trainee, after=before))
    assert removed == sorted([roles.EDITOR, roles.TRAINEE])


def test_certificate_issue_is_audited_with_the_actor(trainee, officer, course):
    certificate = certificate_issue(user=trainee, course=course, actor=officer)

    [event] = _events("certificate.issue", certificate)
    assert event.actor == officer and event.after["code"] == certificate.code


def test_enrolment_by_staff_is_audited_with_the_staff_member(trainee, trainer, course):
    enrolment = enrolment_create(
        user=trainee, course=course, source=EnrolmentSource.TRAINER, actor=trainer
    )

    [event] = _events("enrolment.created", enrolment)
    assert event.actor == trainer and event.after == {"source": EnrolmentSource.TRAINER}

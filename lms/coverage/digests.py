"""E-mails that bring coverage to the people who act on it, without anyone asking for them.

- A monthly digest: each agency secretary gets their agency's coverage, who has not started and
  whose certificates expire within 90 days, with the coverage XLSX attached; each DOST officer
  gets the province summary XLSX. Anyone can turn it off in their profile.
- A missed-session notice: the day after a class session, the secretaries of the agencies whose
  rostered people did not attend get their names.

Each message is recorded (`Notice`) only after the mail server accepted it, so a job that fails
half-way is retried for the rest and nobody gets the same message twice.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.certificates.models import Certificate
from courses.classes.models import Attendance, ClassSession
from lms.accounts import roles
from lms.core.models import NoticeKind
from lms.core.notices import notice_send, notified
from lms.core.text import vietnamese_sort_key

from . import selectors
from .reports import export_filename, render_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES_IN_MAIL = 50


def _recipients(role: str):
    return (
        get_user_model()
        .objects.filter(is_active=True, receives_digest=True, groups__name=role)
        .select_related("agency")
        .distinct()
    )


def _send(user, *, kind: str, key: str, template: str, context: dict, attachment=None) -> None:
    notice_send(
        user=user,
        kind=kind,
        key=key,
        subject_template=f"coverage/email/{template}_subject.txt",
        body_template=f"coverage/email/{template}.txt",
        context=context,
        attachment=attachment,
    )


def digests_send(*, month: dt.date) -> int:
    """Send this month's digests to everyone who has not had theirs; returns how many."""
    key = month.strftime("%Y-%m")
    done = notified(NoticeKind.MONTHLY_DIGEST, key)
    tree = selectors.load_agency_tree()
    filters = selectors.CoverageFilter()
    sent = 0
    for user in _recipients(roles.SECRETARY):
        if user.pk in done or not user.agency_id:
            continue
        context, table = _secretary_context(user, tree, filters)
        attachment = (export_filename("xlsx"), render_file(table, filters, "xlsx"), XLSX)
        _send(
            user,
            kind=NoticeKind.MONTHLY_DIGEST,
            key=key,
            template="digest_secretary",
            context={"month": month, **context},
            attachment=attachment,
        )
        done.add(user.pk)
        sent += 1
    province = None
    for user in _recipients(roles.DOST_OFFICER):
        if user.pk in done:
            continue
        if province is None:
            table = selectors.sort_by_coverage(selectors.coverage_by_agency(filters, tree=tree))
            totals = selectors.coverage_totals(table, tree, None)
            province = (totals, render_file(table, filters, "xlsx"))
        _send(
            user,
            kind=NoticeKind.MONTHLY_DIGEST,
            key=key,
            template="digest_officer",
            context={"month": month, "totals": province[0]},
            attachment=(export_filename("xlsx"), province[1], XLSX),
        )
        done.add(user.pk)
        sent += 1
    return sent


def _secretary_context(user, tree, filters) -> tuple[dict, object]:
    scope = tree.subtree(user.agency_id)
    table = selectors.sort_by_coverage(
        selectors.coverage_by_agency(filters, tree=tree, scope=scope)
    )
    people = selectors.agency_trainees(scope, filters)
    not_started = [
        entry.user for entry in people if not any(t.status for t in entry.tracks.values())
    ]
    horizon = timezone.now() + dt.timedelta(days=selectors.EXPIRY_WARNING_DAYS)
    expiring = list(
        Certificate.objects.valid_at(timezone.now())
        .filter(user__agency_id__in=scope, expires_at__lte=horizon)
        .order_by("expires_at")
        .select_related("user")
    )
    totals = selectors.coverage_totals(table, tree, scope)
    context = {
        "agency": user.agency,
        "totals": totals,
        "not_started": not_started[:NAMES_IN_MAIL],
        "not_started_count": len(not_started),
        "expiring": expiring[:NAMES_IN_MAIL],
        "expiring_count": len(expiring),
    }
    return context, table


def missed_sessions_notify(*, day: dt.date) -> int:
    """Tell secretaries who of their people missed a session that ended on `day`."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    sessions = (
        ClassSession.objects.filter(ends_at__gte=start, ends_at__lt=start + dt.timedelta(days=1))
        .exclude(status="cancelled")
        .select_related("training_class__course")
    )
    tree = selectors.load_agency_tree()
    secretaries = [
        (user, tree.subtree(user.agency_id))
        for user in _recipients(roles.SECRETARY)
        if user.agency_id
    ]
    sent = 0
    for session in sessions:
        key = f"session-{session.pk}"
        absent = _absent_members(session)
        done = notified(NoticeKind.MISSED_SESSION, key)
        for user, scope in secretaries:
            theirs = [person for person in absent if person.agency_id in scope]
            if theirs and user.pk not in done:
                context = {"session": session, "absent": theirs}
                _send(
                    user,
                    kind=NoticeKind.MISSED_SESSION,
                    key=key,
                    template="missed_session",
                    context=context,
                )
                sent += 1
    return sent


def _absent_members(session: ClassSession) -> list:
    attended = Attendance.objects.filter(session=session, status__in=("present", "late")).values(
        "user_id"
    )
    absent = (
        get_user_model()
        .objects.filter(class_memberships__training_class_id=session.training_class_id)
        .exclude(pk__in=attended)
        .select_related("agency")
    )
    return sorted(absent, key=lambda user: vietnamese_sort_key(user.full_name))

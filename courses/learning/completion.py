"""Course completion: one rule over the course's child activities plus class attendance."""

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from wagtail.models import Page

from courses.learning import rules
from courses.learning.models import ActivityCompletion, Enrolment, EnrolmentStatus
from courses.learning.pages import CourseActivity, CoursePage
from courses.learning.signals import course_completed


def activity_models() -> list[type[Page]]:
    """Concrete page models that are course activities (lessons, quizzes, future kinds).

    Found through the app registry so that courses never imports the apps that add activities.
    """
    return [
        model
        for model in apps.get_models()
        if issubclass(model, CourseActivity) and issubclass(model, Page)
    ]


def required_activity_ids(course: CoursePage) -> set[int]:
    """Ids of the live, required activity pages directly below the course."""
    ids: set[int] = set()
    for model in activity_models():
        ids.update(
            model.objects.child_of(course)
            .live()
            .filter(is_required=True)
            .values_list("pk", flat=True)
        )
    return ids


def completion_evaluate(*, enrolment: Enrolment) -> bool:
    """Record completion when the course rule holds; return whether the enrolment is complete.

    Invariant: `completed_at` is set at most once per enrolment (a conditional UPDATE on
    `completed_at IS NULL`), and `course_completed` is sent once, after the commit that set it,
    however many callers evaluate the same enrolment at the same time.
    A course with nothing required (no required activity, no attendance) is never completed
    automatically: an empty course is unfinished content, not a free certificate.
    """
    if enrolment.completed_at is not None:
        return True
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return False
    course = enrolment.course
    required = required_activity_ids(course)
    if not required and not course.requires_attendance:
        return False
    done = set(
        ActivityCompletion.objects.filter(enrolment=enrolment, page_id__in=required).values_list(
            "page_id", flat=True
        )
    )
    if required - done:
        return False
    if course.requires_attendance and not rules.attended(enrolment):
        return False
    now = timezone.now()
    with transaction.atomic():
        updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now, status=EnrolmentStatus.COMPLETED
        )
        if updated:
            from lms.core.audit import audit_record
            from lms.core.signals import send_bulk_written

            # update() sends no model signal: completions moved, for this person only.
            send_bulk_written(Enrolment, user_ids=[enrolment.user_id])

            enrolment.completed_at = now
            enrolment.status = EnrolmentStatus.COMPLETED
            audit_record(
                actor=None,
                verb="enrolment.completed",
                obj=enrolment,
                after={"completed_at": now},
            )
            transaction.on_commit(
                lambda: course_completed.send(sender=Enrolment, enrolment=enrolment)
            )
        else:
            enrolment.refresh_from_db(fields=["completed_at", "status"])
    return True


def completion_recompute(*, course: CoursePage | None = None) -> int:
    """Evaluate every unfinished enrolment (of one course or all); return how many completed.

    Safe to run twice: enrolments already completed are skipped, and evaluation is idempotent.
    """
    enrolments = (
        Enrolment.objects.current()
        .filter(completed_at__isnull=True)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("course")
        .order_by("pk")
    )
    if course is not None:
        enrolments = enrolments.filter(course=course)
    completed = 0
    for enrolment in enrolments.iterator(chunk_size=500):
        if completion_evaluate(enrolment=enrolment):
            completed += 1
    return completed

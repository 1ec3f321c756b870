"""Progress through a course: lessons read and quizzes passed."""

from django.db import IntegrityError, transaction

from wagtail.models import Page

from courses.learning.completion import completion_evaluate
from courses.learning.models import ActivityCompletion, Enrolment, EnrolmentStatus
from courses.learning.pages import CoursePage
from courses.learning.signals import send_learning_recorded


def activity_mark_done(*, user, page: Page) -> ActivityCompletion | None:
    """Record that `user` finished the activity `page` (a lesson or a quiz) of its course.

    Returns None when the user has no active enrolment in the page's course: reading an open
    course without enrolling leaves no trace. Idempotent: one ActivityCompletion per
    (enrolment, page), whoever calls first; completion of the course is evaluated afterwards.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    course = CoursePage.objects.ancestor_of(page).order_by("-depth").first()
    if course is None:
        return None
    enrolment = (
        Enrolment.objects.current()
        .filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("course")
        .first()
    )
    if enrolment is None:
        return None
    try:
        with transaction.atomic():
            completion, created = ActivityCompletion.objects.get_or_create(
                enrolment=enrolment, page_id=page.pk
            )
        if created:
            send_learning_recorded("activity", [completion.pk])
    except IntegrityError:
        # A concurrent request recorded the same activity between our read and insert.
        completion = ActivityCompletion.objects.get(enrolment=enrolment, page_id=page.pk)
    completion_evaluate(enrolment=enrolment)
    return completion

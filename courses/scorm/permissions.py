"""Who may play a SCORM lesson: the same rule as reading any lesson of the course."""

from courses.learning.models import Enrolment, EnrolmentStatus
from courses.learning.pages import CoursePage


def may_play(user, page) -> bool:
    """Enrolled (current, not withdrawn) people, anyone when the course is open, and staff —
    `can_read` of the lesson page (courses.learning.views.lesson_context)."""
    if not page.live or page.package_id is None:
        return False
    course = CoursePage.objects.filter(path=page.path[: -page.steplen]).first()
    if course is None or not course.live:
        return False
    if course.is_open or getattr(user, "is_staff", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Enrolment.objects.current()
        .filter(user=user, course=course)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .exists()
    )

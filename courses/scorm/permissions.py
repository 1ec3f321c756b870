"""Who may play a SCORM lesson: the same rule as reading any lesson of the course."""

from courses.models import CoursePage, Enrolment, EnrolmentStatus


def may_play(user, page) -> bool:
    """Enrolled (current, not withdrawn) people, anyone when the course is open, and staff —
    `can_read` of the lesson page (courses.views.learning.lesson_context)."""
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

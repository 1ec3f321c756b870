"""What classes add to the course-completion rule of courses.learning: attendance."""

from courses.classes.models import ATTENDED_STATUSES, Attendance
from courses.learning import rules


@rules.attendance_check
def attended(enrolment) -> bool:
    """The person was present (or late) at a session of the course's classes in this cycle."""
    attended = Attendance.objects.filter(
        user_id=enrolment.user_id,
        session__training_class__course_id=enrolment.course_id,
        status__in=ATTENDED_STATUSES,
    )
    if enrolment.cycle > 1:
        # A renewal needs attendance of its own cycle, not the sessions of an earlier one.
        attended = attended.filter(session__ends_at__gte=enrolment.created_at)
    return attended.exists()

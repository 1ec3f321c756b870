"""Which records of a period have statements, for `xapi_resend`."""

from datetime import datetime


def records_between(start: datetime, end: datetime) -> dict[str, list]:
    """Keys of every record whose statement is timestamped in [start, end), by kind."""
    from courses.certificates.models import Certificate
    from courses.classes.models import ATTENDED_STATUSES, Attendance
    from courses.learning.models import ActivityCompletion, Enrolment
    from quizzes.models import Attempt, AttemptStatus

    def ids(queryset, field):
        return list(
            queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    attendance = (
        Attendance.objects.filter(
            status__in=ATTENDED_STATUSES, recorded_at__gte=start, recorded_at__lt=end
        )
        .order_by("pk")
        .values_list("session_id", "user_id")
    )
    return {
        "enrolment": ids(Enrolment.objects.all(), "created_at"),
        "activity": ids(ActivityCompletion.objects.all(), "completed_at"),
        "course": ids(Enrolment.objects.all(), "completed_at"),
        "attempt": ids(Attempt.objects.filter(status=AttemptStatus.GRADED), "submitted_at"),
        "attendance": [list(pair) for pair in attendance],
        "certificate": ids(Certificate.objects.all(), "issued_at"),
    }

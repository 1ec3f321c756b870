"""Parts of the learning rules that the domains built on learning decide.

Course completion needs attendance when the course requires it, and a new learning cycle is
allowed when the certificate of the last one is due for renewal. Attendance belongs to
courses.classes and certificates to courses.certificates, which learning never imports: each
registers its answer here when the app starts (CoursesConfig.ready), and learning asks.
"""

from collections.abc import Callable

_attendance_checks: list[Callable] = []
_renewal_checks: list[Callable] = []
_history_readers: list[Callable] = []


def attendance_check(check: Callable) -> Callable:
    """Register `check(enrolment) -> bool`: the person attended enough for the course."""
    if check not in _attendance_checks:
        _attendance_checks.append(check)
    return check


def renewal_check(check: Callable) -> Callable:
    """Register `check(*, user, course, enrolment=None) -> bool`: a new cycle may start."""
    if check not in _renewal_checks:
        _renewal_checks.append(check)
    return check


def history_reader(reader: Callable) -> Callable:
    """Register `reader(*, user) -> list`: the person's earlier cycles as "Lịch sử học tập"."""
    if reader not in _history_readers:
        _history_readers.append(reader)
    return reader


def attended(enrolment) -> bool:
    """Whether attendance is satisfied; never without a registered check (no classes, no
    attendance)."""
    return bool(_attendance_checks) and all(check(enrolment) for check in _attendance_checks)


def renewal_due(*, user, course, enrolment=None) -> bool:
    """Whether `user` may start a new cycle of `course` (no registered check: never)."""
    return any(check(user=user, course=course, enrolment=enrolment) for check in _renewal_checks)


def learning_history(*, user) -> list:
    """The person's earlier cycles, as the registered reader shows them (none: empty)."""
    return [row for reader in _history_readers for row in reader(user=user)]

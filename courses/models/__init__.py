from .certificates import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateTemplate,
    EditionTransition,
)
from .classes import (
    ATTENDED_STATUSES,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    ClassMember,
    ClassSession,
    SessionReminder,
    SessionStatus,
    TrainingClass,
)
from .learning import ActivityCompletion, Enrolment, EnrolmentSource, EnrolmentStatus
from .pages import CourseActivity, CourseIndexPage, CoursePage, Edition, Language, LessonPage, Track
from .scorm import ScormAttempt, ScormLessonPage, ScormPackage

__all__ = [
    "ATTENDED_STATUSES",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "ActivityCompletion",
    "Attendance",
    "AttendanceMethod",
    "AttendanceStatus",
    "Certificate",
    "CertificateTemplate",
    "EditionTransition",
    "ClassMember",
    "ClassSession",
    "CourseActivity",
    "CourseIndexPage",
    "CoursePage",
    "Edition",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "Language",
    "LessonPage",
    "ScormAttempt",
    "ScormLessonPage",
    "ScormPackage",
    "SessionReminder",
    "SessionStatus",
    "Track",
    "TrainingClass",
]

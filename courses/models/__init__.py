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

# SCORM lessons keep their code in courses/scorm/; imported here so the app registers them.
from courses.scorm.models import ScormAttempt, ScormLessonPage, ScormPackage  # noqa: E402, I001

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

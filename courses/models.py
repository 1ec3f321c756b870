"""Every model of the courses app, so Django and its migrations find them (app label `courses`).

Each domain keeps its own models: courses.learning (pages, enrolments, progress),
courses.classes (classes, sessions, attendance), courses.certificates (certificates, templates,
edition transitions). Import from the domain module; this index is for Django and outside apps.
"""

from courses.certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateTemplate,
    EditionTransition,
)
from courses.classes.models import (
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
from courses.learning.models import ActivityCompletion, Enrolment, EnrolmentSource, EnrolmentStatus
from courses.learning.pages import (
    CourseActivity,
    CourseIndexPage,
    CoursePage,
    Edition,
    Language,
    LessonPage,
    Track,
)

# SCORM lessons build on the learning pages (their own package, courses/scorm/).
from courses.scorm.models import ScormAttempt, ScormLessonPage, ScormPackage

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
    "ClassMember",
    "ClassSession",
    "CourseActivity",
    "CourseIndexPage",
    "CoursePage",
    "Edition",
    "EditionTransition",
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

"""Who may read quiz results and read or grade a person's attempt: every door asks here.

DOST officers and editors see every attempt. A trainer sees the results of quizzes of courses
they teach, and of those only the attempts of people on the rosters of their own classes of
that course: a trainee of another trainer's class, or in no class, is not theirs to read or
grade. Everyone else sees no one's attempts but their own (the owner's door is the attempt page).
"""

from django.db.models import Q

from courses.classes.models import ClassMember
from courses.learning.pages import CoursePage
from lms.accounts import roles
from quizzes.models import Attempt, QuizPage

ALL_RESULTS_ROLES = (roles.DOST_OFFICER, roles.EDITOR)


def sees_all_results(user) -> bool:
    return any(roles.has_role(user, role) for role in ALL_RESULTS_ROLES)


def can_see_results(user, quiz: QuizPage) -> bool:
    """Officers and editors see every quiz; a trainer only quizzes of courses they teach."""
    if sees_all_results(user):
        return True
    if not roles.has_role(user, roles.TRAINER):
        return False
    course = quiz.course
    return course is not None and user.taught_classes.filter(course=course).exists()


def attempts_gradable_by(user, *, quiz: QuizPage | None = None):
    """The attempts `user` may read and grade (optionally of one quiz), as a queryset.

    For a trainer: attempts at a quiz of course C by people on the roster of a class of C that
    the trainer teaches. One query for the courses taught; the rest is part of the queryset.
    """
    attempts = Attempt.objects.all() if quiz is None else Attempt.objects.filter(quiz=quiz)
    if sees_all_results(user):
        return attempts
    if not roles.has_role(user, roles.TRAINER):
        return attempts.none()
    courses = _taught_courses(user)
    if quiz is not None:
        courses = [course for course in courses if quiz.path.startswith(course.path)]
    condition = Q()
    for course in courses:
        members = ClassMember.objects.filter(
            training_class__course_id=course.pk, training_class__trainers=user
        ).values("user_id")
        condition |= Q(quiz__path__startswith=course.path, user_id__in=members)
    return attempts.filter(condition) if condition else attempts.none()


def _taught_courses(user) -> list[CoursePage]:
    """The courses of the classes `user` teaches, read once per request (kept on the user)."""
    cached = getattr(user, "_taught_courses", None)
    if cached is None:
        cached = list(
            CoursePage.objects.filter(classes__trainers=user).distinct().only("pk", "path")
        )
        user._taught_courses = cached
    return cached


def can_grade_attempt(user, attempt: Attempt) -> bool:
    """May `user` read this attempt as staff and grade its essays? (Not the owner's own door.)"""
    return attempts_gradable_by(user, quiz=attempt.quiz).filter(pk=attempt.pk).exists()


IMPORT_ROLES = (roles.EDITOR, roles.DOST_OFFICER)


def can_import_questions(user) -> bool:
    """Editors and DOST officers import question banks."""
    return user.is_authenticated and any(roles.has_role(user, role) for role in IMPORT_ROLES)

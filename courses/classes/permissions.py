"""Who may do what with classes and sessions: one function per question, used by views,
admin hooks, services, the API and templates alike."""

from courses.classes.models import ClassSession, TrainingClass
from lms.accounts import roles

# Staff roles that see and run every class, not only the ones they teach.
CLASS_ADMIN_ROLES = (roles.DOST_OFFICER, roles.EDITOR)


def can_manage_classes(user) -> bool:
    """DOST officers, editors and superusers run every class and session."""
    return user.is_authenticated and (
        user.is_superuser or any(roles.has_role(user, role) for role in CLASS_ADMIN_ROLES)
    )


def can_run_classes(user) -> bool:
    """Trainers and class admins have the class list ("Lớp học")."""
    return roles.has_role(user, roles.TRAINER) or can_manage_classes(user)


def can_create_class(user) -> bool:
    """DOST officers, editors and administrators open classes for any course."""
    return can_manage_classes(user)


def can_schedule_session(user, training_class: TrainingClass) -> bool:
    """Class admins, and the trainers of the class, add and edit its sessions."""
    if can_manage_classes(user):
        return True
    return training_class.trainers.filter(pk=user.pk).exists()


def can_schedule_sessions(user) -> bool:
    """Whether the person schedules sessions at all: class admins, and trainers (of their own
    classes only, see `can_schedule_session`)."""
    return can_manage_classes(user) or roles.has_role(user, roles.TRAINER)


def can_mark_session(user, session: ClassSession) -> bool:
    """The trainers of the session's class and class admins mark its attendance.

    A session read by `selectors.session_for_trainer` carries `taught_by_user` already, so the
    check costs no query for a trainer of the class."""
    teaches = getattr(session, "taught_by_user", None)
    if teaches is None:
        teaches = session.training_class.trainers.filter(pk=user.pk).exists()
    return teaches or can_manage_classes(user)

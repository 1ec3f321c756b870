"""Which classes and sessions a person may run or sees."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from courses.classes.models import ClassSession, SessionStatus, TrainingClass
from courses.classes.permissions import can_manage_classes, can_mark_session


def sessions_visible_to(user) -> QuerySet[ClassSession]:
    """Sessions a trainer teaches; every session for DOST officers, editors and superusers."""
    sessions = ClassSession.objects.select_related("training_class__course")
    if can_manage_classes(user):
        return sessions
    return sessions.filter(training_class__trainers=user).distinct()


def session_for_trainer(*, user, session_id: int) -> ClassSession | None:
    """The session when `user` may run it (its class's trainer or a class admin), else None.

    One query: the trainer check is an EXISTS on the class's trainers; only someone who does
    not teach the class costs a second query for their roles.
    """
    teaches = TrainingClass.trainers.through.objects.filter(
        trainingclass_id=OuterRef("training_class_id"), user_id=user.pk
    )
    session = (
        ClassSession.objects.select_related("training_class__course")
        .annotate(taught_by_user=Exists(teaches))
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        return None
    return session if can_mark_session(user, session) else None


def class_for_trainer(*, user, class_id: int) -> TrainingClass | None:
    classes = TrainingClass.objects.select_related("course").filter(pk=class_id)
    if not can_manage_classes(user):
        classes = classes.filter(trainers=user)
    return classes.first()


def sessions_of_person(user) -> QuerySet[ClassSession]:
    """Sessions a person attends (on the roster) or teaches: what their calendar shows."""
    return (
        ClassSession.objects.select_related("training_class__course")
        .filter(Q(training_class__members__user=user) | Q(training_class__trainers=user))
        .exclude(status=SessionStatus.CANCELLED)
        .distinct()
    )


def classes_scheduled_by(user) -> QuerySet[TrainingClass]:
    """Classes whose sessions `user` adds and edits: the rule of `can_schedule_session` as a
    queryset, for choosing a session's class."""
    classes = TrainingClass.objects.select_related("course").order_by("-created_at")
    if can_manage_classes(user):
        return classes
    return classes.filter(trainers=user).distinct()

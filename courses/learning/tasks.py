"""Learning tasks: bulk recomputation of course completion (after a rule or content change)."""

from celery import shared_task

__all__ = ["recompute_completions"]


@shared_task(name="courses.tasks.recompute_completions", acks_late=True)
def recompute_completions(course_id: int | None = None) -> int:
    """Re-evaluate unfinished enrolments of one course (or all); safe to run twice."""
    from courses.learning.completion import completion_recompute
    from courses.learning.pages import CoursePage

    course = None
    if course_id is not None:
        course = CoursePage.objects.filter(pk=course_id).first()
        if course is None:
            return 0
    return completion_recompute(course=course)

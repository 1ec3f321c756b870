"""Quiz tasks: feeding a passed attempt into course progress, outside the submit request."""

from celery import shared_task

__all__ = ["attempt_record_pass"]


@shared_task(name="quizzes.tasks.attempt_record_pass", acks_late=True)
def attempt_record_pass(attempt_id: int) -> bool:
    """Mark the quiz done in the course for a passed attempt; safe to run twice."""
    from courses.learning.progress import activity_mark_done
    from quizzes.models import Attempt

    attempt = Attempt.objects.select_related("user", "quiz").filter(pk=attempt_id).first()
    if attempt is None or not attempt.passed:
        return False
    return activity_mark_done(user=attempt.user, page=attempt.quiz) is not None

"""Reactions of the courses app to its own signals."""

from django.dispatch import receiver

from courses.learning.signals import course_completed


@receiver(course_completed, dispatch_uid="courses.certificate_on_completion")
def issue_certificate_on_completion(sender, enrolment, **kwargs):
    # Sent on commit of the completion, so the enrolment row is final; issuing is idempotent.
    from courses.certificates.services import certificate_issue

    certificate_issue(user=enrolment.user, course=enrolment.course)

"""How certificates take part in learning: issued on completion, renewal when due, and the
certificates shown in a person's learning history (courses.learning.rules)."""

from django.dispatch import receiver

from courses.certificates.selectors import learning_history, renewal_due
from courses.learning import rules
from courses.learning.signals import course_completed

rules.renewal_check(renewal_due)
rules.history_reader(learning_history)


@receiver(course_completed, dispatch_uid="courses.certificate_on_completion")
def issue_certificate_on_completion(sender, enrolment, **kwargs):
    # Sent on commit of the completion, so the enrolment row is final; issuing is idempotent.
    from courses.certificates.services import certificate_issue

    certificate_issue(user=enrolment.user, course=enrolment.course)

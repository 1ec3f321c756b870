import pytest

from django.core import mail

from lms.accounts.tasks import send_welcome_email


@pytest.mark.celery_worker
def test_welcome_email_task_runs_through_a_real_worker(live_celery, make_user):
    user = make_user()
    result = send_welcome_email.delay(user.pk)
    assert result.get(timeout=60) is True
    assert mail.outbox == []  # sent by the worker process, not this one


def test_welcome_email_task_is_safe_for_a_missing_user(db):
    assert send_welcome_email.delay(999_999).get() is False

"""E-mail tasks lose nobody and mail nobody twice; beat runs them at fixed local times.

The SMTP backend below accepts messages until the one it is told to refuse, as a mail server
that drops the connection halfway through a class roster.
"""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from celery.utils.imports import symbol_by_name

from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from courses.certificates.tasks import send_expiry_reminders
from courses.classes.tasks import send_session_reminders
from courses.models import ClassSession, SessionReminder

pytestmark = pytest.mark.django_db


class RefusingSMTPBackend(EmailBackend):
    """locmem, except that the n-th message of the test (counted from 1) is refused."""

    count = 0
    refuse = frozenset()

    def send_messages(self, messages):
        for message in messages:
            type(self).count += 1
            if type(self).count in type(self).refuse:
                raise SMTPServerDisconnected("Connection unexpectedly closed")
            super().send_messages([message])
        return len(messages)


@pytest.fixture
def refusing_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingSMTPBackend"
    RefusingSMTPBackend.count = 0

    def refuse(*numbers):
        RefusingSMTPBackend.refuse = frozenset(numbers)

    yield refuse
    RefusingSMTPBackend.refuse = frozenset()


@pytest.fixture
def session_tomorrow(class_session, make_user, add_member):
    """Tomorrow 08:00 local, with five people on the roster."""
    starts = (timezone.localtime() + timedelta(days=1)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    ClassSession.objects.filter(pk=class_session.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=8)
    )
    people = [make_user() for _ in range(5)]
    add_member(class_session.training_class, *people)
    return class_session, people


def _recipients():
    return [address for message in mail.outbox for address in message.to]


def test_session_reminders_after_an_smtp_error_mail_only_the_rest(refusing_smtp, session_tomorrow):
    session, people = session_tomorrow
    refusing_smtp(3)

    with pytest.raises(SMTPServerDisconnected):
        send_session_reminders()

    first_two = _recipients()
    assert len(first_two) == 2
    reminded = set(SessionReminder.objects.values_list("user__email", flat=True))
    assert reminded == set(first_two)
    session.refresh_from_db()
    assert session.reminder_sent_at is None and session.reminder_lease_until is None

    refusing_smtp()
    assert send_session_reminders() == 3
    assert sorted(_recipients()) == sorted(person.email for person in people)
    assert send_session_reminders() == 0
    assert len(mail.outbox) == 5
    session.refresh_from_db()
    assert session.reminder_sent_at is not None
    assert SessionReminder.objects.filter(session=session).count() == 5


def test_session_reminder_task_retries_by_itself(refusing_smtp, session_tomorrow):
    _session, people = session_tomorrow
    refusing_smtp(3)

    # Run in-process as a worker would (errors not raised to the caller): the retry runs at once.
    result = send_session_reminders.apply(throw=False)

    assert result.get() == 3  # the retry's own count
    assert result.successful()
    assert sorted(_recipients()) == sorted(person.email for person in people)


def test_another_run_leaves_a_leased_session_alone(session_tomorrow):
    session, _people = session_tomorrow
    ClassSession.objects.filter(pk=session.pk).update(
        reminder_lease_until=timezone.now() + timedelta(minutes=5)
    )
    assert send_session_reminders() == 0
    ClassSession.objects.filter(pk=session.pk).update(
        reminder_lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert send_session_reminders() == 5


def test_session_reminder_query_budget(session_tomorrow, django_assert_max_num_queries):
    # The due sessions, then 3 to start, 2 per person (record, lease) and 1 at the end.
    with django_assert_max_num_queries(1 + 3 + 2 * 5 + 1):
        assert send_session_reminders() == 5


def test_a_session_added_after_the_morning_run_is_reminded_at_the_next(
    class_session, make_user, add_member
):
    person = make_user()
    add_member(class_session.training_class, person)
    assert send_session_reminders() == 0  # started five minutes ago: too late to remind

    soon = timezone.now() + timedelta(hours=2)
    ClassSession.objects.filter(pk=class_session.pk).update(
        starts_at=soon, ends_at=soon + timedelta(hours=4)
    )
    assert send_session_reminders() == 1
    assert _recipients() == [person.email]


def test_expiry_reminders_after_an_smtp_error_mail_only_the_rest(
    refusing_smtp, make_user, course, make_certificate
):
    from courses.models import Certificate

    holders = [make_user() for _ in range(4)]
    for holder in holders:
        make_certificate(holder, course, expires_in_days=10)
    refusing_smtp(3)

    with pytest.raises(SMTPServerDisconnected):
        send_expiry_reminders(days=30)

    assert len(mail.outbox) == 2
    marked = Certificate.objects.filter(expiry_reminder_sent_at__isnull=False)
    assert set(marked.values_list("user__email", flat=True)) == set(_recipients())

    refusing_smtp()
    assert send_expiry_reminders(days=30) == 2
    assert sorted(_recipients()) == sorted(holder.email for holder in holders)
    assert send_expiry_reminders(days=30) == 0


def test_without_a_broker_an_smtp_error_does_not_break_the_request(refusing_smtp, make_user):
    """Eager mode: the mail task asks for a retry nobody can schedule; enqueue reports it."""
    from lms.accounts.tasks import send_welcome_email
    from lms.core.queue import enqueue

    person = make_user()
    refusing_smtp(1)
    assert enqueue(send_welcome_email, person.pk) is False
    refusing_smtp()
    assert enqueue(send_welcome_email, person.pk) is True
    assert _recipients() == [person.email]


@pytest.mark.parametrize(
    "task_path",
    [
        "courses.classes.tasks.send_session_reminders",
        "courses.certificates.tasks.send_expiry_reminders",
        "lms.accounts.tasks.send_welcome_email",
        "lms.coverage.tasks.send_monthly_digests",
        "lms.coverage.tasks.send_missed_session_notices",
    ],
)
def test_mail_tasks_retry_smtp_errors_with_backoff(task_path):
    task = symbol_by_name(task_path)
    assert SMTPServerDisconnected in task.autoretry_for or any(
        issubclass(SMTPServerDisconnected, kind) for kind in task.autoretry_for
    )
    assert task.retry_backoff and task.max_retries >= 3


# --- beat schedule ----------------------------------------------------------------------------


@pytest.fixture
def start_beat(monkeypatch):
    """What `celery beat` does at start with the configured scheduler. The scheduler closes
    connections it thinks stale, which inside a test's transaction is the test's own."""
    from lms.celery import app

    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    scheduler_class = symbol_by_name(settings.CELERY_BEAT_SCHEDULER)

    def start():
        scheduler = scheduler_class(app=app, lazy=True)
        scheduler.setup_schedule()
        return scheduler

    return start


@pytest.mark.parametrize("name", ["class-session-reminders", "certificate-expiry-reminders"])
def test_reminders_run_at_seven_in_the_morning_local_time(start_beat, name):
    from django_celery_beat.models import PeriodicTask

    start_beat()
    entry = PeriodicTask.objects.select_related("crontab").get(name=name)
    assert entry.interval is None
    assert (entry.crontab.minute, entry.crontab.hour) == ("0", "7")
    assert (entry.crontab.day_of_week, entry.crontab.day_of_month) == ("*", "*")
    assert str(entry.crontab.timezone) == "Asia/Ho_Chi_Minh"


def test_beat_start_keeps_an_administrators_edits(start_beat):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    start_beat()
    six_thirty = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Asia/Ho_Chi_Minh")
    PeriodicTask.objects.filter(name="class-session-reminders").update(crontab=six_thirty)
    PeriodicTask.objects.filter(name="certificate-expiry-reminders").update(kwargs='{"days": 45}')
    PeriodicTask.objects.filter(name="coverage-monthly-snapshot").update(enabled=False)

    start_beat()

    reminders = PeriodicTask.objects.select_related("crontab").get(name="class-session-reminders")
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("6", "30")
    assert PeriodicTask.objects.get(name="certificate-expiry-reminders").kwargs == '{"days": 45}'
    assert PeriodicTask.objects.get(name="coverage-monthly-snapshot").enabled is False


def test_beat_start_recreates_a_missing_default(start_beat):
    from django_celery_beat.models import PeriodicTask

    start_beat()
    PeriodicTask.objects.filter(name="class-session-reminders").delete()
    start_beat()
    assert PeriodicTask.objects.filter(name="class-session-reminders").count() == 1


def test_stored_old_defaults_move_to_fixed_times_and_edited_entries_stay():
    """The migration for databases where the old beat stored its intervals."""
    import importlib

    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from django.apps import apps

    migration = importlib.import_module(
        "lms.core.migrations.0003_beat_entries_at_fixed_local_times"
    )
    hourly = IntervalSchedule.objects.create(every=3600, period="seconds")
    every_two_days = IntervalSchedule.objects.create(every=2 * 86400, period="seconds")
    PeriodicTask.objects.create(
        name="class-session-reminders",
        task="courses.tasks.classes.send_session_reminders",
        interval=hourly,
    )
    PeriodicTask.objects.create(  # an administrator chose this one
        name="certificate-expiry-reminders",
        task="courses.tasks.send_expiry_reminders",
        interval=every_two_days,
    )

    migration.forwards(apps, None)

    moved = PeriodicTask.objects.select_related("crontab").get(name="class-session-reminders")
    assert moved.interval is None
    assert (moved.crontab.hour, moved.crontab.minute) == ("7", "0")
    assert str(moved.crontab.timezone) == "Asia/Ho_Chi_Minh"
    kept = PeriodicTask.objects.get(name="certificate-expiry-reminders")
    assert (kept.interval_id, kept.crontab_id) == (every_two_days.pk, None)

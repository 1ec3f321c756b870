"""Beat entries that still have their old default interval move to fixed local times.

Before, beat stored `CELERY_BEAT_SCHEDULE` as intervals (every 3 600 or 86 400 s from whenever
beat started). `DefaultsOnlyScheduler` never rewrites a stored entry, so the stored defaults are
moved here, once; an entry an administrator changed (another interval, a crontab, …) is kept.
"""

from django.db import migrations
from django.utils import timezone

# name: (old default interval in seconds, new minute, new hour) — as in lms.settings.base.
DEFAULTS = {
    "class-session-reminders": (60 * 60, "0", "7"),
    "certificate-expiry-reminders": (24 * 60 * 60, "0", "7"),
    "coverage-monthly-snapshot": (24 * 60 * 60, "30", "1"),
}
TIME_ZONE = "Asia/Ho_Chi_Minh"


def forwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    moved = 0
    for name, (seconds, minute, hour) in DEFAULTS.items():
        entry = PeriodicTask.objects.select_related("interval").filter(name=name).first()
        interval = entry.interval if entry is not None else None
        if interval is None or (interval.every, interval.period) != (seconds, "seconds"):
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=TIME_ZONE,
        )
        PeriodicTask.objects.filter(pk=entry.pk).update(interval=None, crontab=crontab)
        moved += 1
    if moved:
        # A running beat re-reads its schedule when this changes.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_history_is_protected"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

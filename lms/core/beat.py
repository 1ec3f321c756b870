"""The beat scheduler: `CELERY_BEAT_SCHEDULE` gives defaults, the admin's entries win.

django-celery-beat's DatabaseScheduler writes every entry of the settings over the stored
periodic task of the same name each time beat starts (`setup_schedule` → `update_or_create`),
so a time or an interval an administrator changed in the admin came back at the next deploy.
Here an entry of the settings is only created when no periodic task has its name yet.
"""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

__all__ = ["DefaultsOnlyScheduler"]


class DefaultsOnlyScheduler(DatabaseScheduler):
    def update_from_dict(self, mapping):
        stored = set(
            PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
        )
        missing = {name: entry for name, entry in mapping.items() if name not in stored}
        super().update_from_dict(missing)

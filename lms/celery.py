import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _connect_test_worker_hooks(sender, **kwargs):
    """A worker serving the test database sees it flushed between tests, which gives content
    types new ids; it must not keep the old ones cached (set only in lms.settings.worker)."""
    from django.conf import settings

    if getattr(settings, "WORKER_CLEARS_CONTENT_TYPE_CACHE", False):
        from celery.signals import task_prerun

        task_prerun.connect(_clear_content_type_cache, weak=False)


def _clear_content_type_cache(**kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()

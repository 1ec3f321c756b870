"""Signals of the kernel, so apps learn of each other's writes without importing each other."""

from django.dispatch import Signal

# Sent after rows were written by a path that sends no model signals (bulk_create, bulk_update,
# QuerySet.update): kwargs sender (the model) and user_ids (the people whose rows they are, or
# None when the writer does not know). Caches of those rows (lms.coverage.cache, the lesson
# cache) listen; the apps that write never import them.
bulk_written = Signal()


def send_bulk_written(model, *, user_ids=None) -> None:
    bulk_written.send(sender=model, user_ids=user_ids)

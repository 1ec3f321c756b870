"""The audit log: who changed what, when, with the values before and after."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType


def _event(*, actor, verb, obj, before, after):
    from .models import AuditEvent

    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
    )


def audit_record(*, actor, verb: str, obj, before=None, after=None):
    """Store one audit event in the caller's transaction."""
    event = _event(actor=actor, verb=verb, obj=obj, before=before, after=after)
    event.save()
    return event


def audit_record_many(*, actor, verb: str, changes: Iterable[tuple[object, dict, dict]]) -> int:
    """Store one event per (obj, before, after) in a single INSERT."""
    from .models import AuditEvent

    events = [
        _event(actor=actor, verb=verb, obj=obj, before=before, after=after)
        for obj, before, after in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)

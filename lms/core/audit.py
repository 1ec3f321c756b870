"""The audit log: who changed what, when, with the values before and after.

Every event has a kind from `AuditKind`, a closed list: a new kind of event is added there (with
its label) before any code records it, so the log viewer can name and filter every row.
"""

from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from .bulk import bulk_insert


class AuditKind(models.TextChoices):
    # The stored values are the dotted verbs the log has always used; rows stay valid.
    ATTENDANCE_MARK = "attendance.mark", _("Điểm danh")
    CERTIFICATE_ISSUE = "certificate.issue", _("Cấp chứng nhận")
    CERTIFICATE_REVOKE = "certificate.revoke", _("Thu hồi chứng nhận")
    CERTIFICATE_REISSUE = "certificate.reissue", _("Cấp lại chứng nhận")
    ENROLMENT_CREATED = "enrolment.created", _("Ghi danh")
    ENROLMENT_REACTIVATED = "enrolment.reactivated", _("Ghi danh lại")
    ENROLMENT_COMPLETED = "enrolment.completed", _("Hoàn thành khóa học")
    ENROLMENT_RENEWED = "enrolment.renewed", _("Học lại để gia hạn")
    CLASS_CREATE = "class.create", _("Tạo lớp học")
    CLASS_UPDATE = "class.update", _("Sửa lớp học")
    CLASS_ROSTER_IMPORT = "class.roster_import", _("Nhập danh sách lớp")
    SESSION_CREATE = "session.create", _("Tạo buổi học")
    SESSION_UPDATE = "session.update", _("Sửa buổi học")
    QUESTION_BANK_CREATE = "question_bank.create", _("Tạo ngân hàng câu hỏi")
    QUESTION_BANK_UPDATE = "question_bank.update", _("Sửa ngân hàng câu hỏi")
    QUESTION_IMPORT = "question_bank.import", _("Nhập câu hỏi")
    ATTEMPT_GRADE = "attempt.grade", _("Chấm điểm bài tự luận")
    CERTIFICATE_RERENDER = "certificate.rerender", _("Tạo lại tệp chứng nhận")
    SESSION_CANCEL = "session.cancel", _("Hủy buổi học")
    AGENCY_CREATE = "agency.create", _("Tạo đơn vị")
    AGENCY_UPDATE = "agency.update", _("Sửa đơn vị")
    AGENCY_MERGE = "agency.merge", _("Sáp nhập đơn vị")
    AGENCY_IMPORT = "agency.import", _("Nhập danh mục đơn vị")
    TRAINING_PLAN_IMPORT = "training_plan.import", _("Nhập kế hoạch đào tạo")
    USER_CREATE = "user.create", _("Tạo tài khoản")
    USER_UPDATE = "user.update", _("Sửa tài khoản")
    USER_ROLE_ADD = "user.role_add", _("Thêm vai trò")
    USER_ROLE_REMOVE = "user.role_remove", _("Bỏ vai trò")
    TRANSITION_OPEN = "transition.open", _("Mở đợt chuyển đổi phiên bản")
    API_TOKEN_CREATED = "api_token.created", _("Tạo khóa API")
    API_TOKEN_REVOKED = "api_token.revoked", _("Thu hồi khóa API")
    OBJECT_DELETE = "object.delete", _("Xóa")


# The person whose request is being served, for changes made below code that does not pass an
# actor (the Wagtail user form saving User.groups, say). Set by AuditActorMiddleware only.
_request_actor: ContextVar = ContextVar("audit_request_actor", default=None)


def request_actor():
    """The signed-in person of the current request, or None outside a request."""
    actor = _request_actor.get()
    return actor if getattr(actor, "is_authenticated", False) else None


class AuditActorMiddleware:
    """Make the signed-in person known to audit receivers for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _request_actor.reset(token)


def snapshot(obj, fields: Iterable[str] | None = None) -> dict:
    """The object's own column values (foreign keys as ids), for before/after; no password."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name == "password" or (fields is not None and field.name not in fields):
            continue
        value = field.value_from_object(obj)
        values[field.name] = value.name if isinstance(value, FieldFile) else value
    return values


def editable_snapshot(obj) -> dict:
    """What people edit of a row (not bookkeeping columns with editable=False)."""
    fields = [f.name for f in obj._meta.concrete_fields if f.editable and not f.primary_key]
    return snapshot(obj, fields)


def changed_values(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose value changed, as (before, after)."""
    changed = [key for key, value in after.items() if before.get(key) != value]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _event(*, actor, verb, obj, before, after):
    from .models import AuditEvent

    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=AuditKind(verb),  # an unknown kind is a programming error: ValueError
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before or {},
        after=after or {},
    )


def audit_record(*, actor, verb: AuditKind | str, obj, before=None, after=None):
    """Store one audit event in the caller's transaction."""
    event = _event(actor=actor, verb=verb, obj=obj, before=before, after=after)
    event.save()
    return event


def audit_record_many(
    *, actor, verb: AuditKind | str, changes: Iterable[tuple[object, dict, dict]]
) -> int:
    """Store one event per (obj, before, after) in a single INSERT."""
    from .models import AuditEvent

    actor = actor if getattr(actor, "is_authenticated", False) else None
    verb = AuditKind(verb)  # an unknown kind is a programming error: ValueError
    content_types = {}  # looked up once per model, not once per row
    events = []
    for obj, before, after in changes:
        model = type(obj)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(obj).pk
        events.append(
            AuditEvent(
                actor=actor,
                verb=verb,
                content_type_id=content_types[model],
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                before=before or {},
                after=after or {},
            )
        )
    bulk_insert(AuditEvent, events)
    return len(events)


def deletion_events(*, actor, objects: Iterable) -> list:
    """Unsaved events for objects about to be deleted (their ids and values are read now)."""
    return [
        _event(actor=actor, verb=AuditKind.OBJECT_DELETE, obj=obj, before=snapshot(obj), after={})
        for obj in objects
    ]


def audit_model_changes(model, *, create: AuditKind, update: AuditKind, fields=None) -> None:
    """Record every create and change of `model`, from any screen, with the changed values.

    For models edited directly in the Wagtail admin (no service of their own); the actor is the
    person whose request saved the row.
    """
    from django.db.models.signals import post_save, pre_save

    if fields is None:  # what people edit, not bookkeeping columns (editable=False)
        fields = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]

    def untouched(update_fields) -> bool:
        # A save of other columns only (the login stamping last_login, say) is not a change.
        return update_fields is not None and not set(update_fields) & set(fields)

    def remember_before(sender, instance, raw, update_fields=None, **kwargs):
        if raw or instance.pk is None or untouched(update_fields):
            instance._audit_before = None
            return
        old = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old, fields) if old is not None else None

    def record(sender, instance, created, raw, update_fields=None, **kwargs):
        if raw or (not created and untouched(update_fields)):
            return
        after = snapshot(instance, fields)
        before = getattr(instance, "_audit_before", None) or {}
        instance._audit_before = None
        changed = {k: v for k, v in after.items() if created or before.get(k) != v}
        if not changed:
            return
        audit_record(
            actor=request_actor(),
            verb=create if created else update,
            obj=instance,
            before={k: before.get(k) for k in changed} if not created else {},
            after=changed,
        )

    uid = f"audit.{model._meta.label_lower}"
    pre_save.connect(remember_before, sender=model, weak=False, dispatch_uid=f"{uid}.before")
    post_save.connect(record, sender=model, weak=False, dispatch_uid=f"{uid}.after")

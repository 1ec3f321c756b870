"""The audit log in the Wagtail admin: DOST officers and administrators read who changed what.

Also records what is changed directly in the Wagtail admin, which no service of ours sees:
snippets created and edited (classes, sessions, question banks, agencies) and deletes of people
and snippets, one or in bulk.
"""

import datetime as dt
from dataclasses import dataclass

import django_filters

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import ContentTypeFilter, DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from lms.accounts import roles
from lms.accounts.permissions import can_read_audit_log
from lms.core.audit import (
    AuditKind,
    audit_record,
    changed_values,
    deletion_events,
    editable_snapshot,
)
from lms.core.models import AuditEvent

# Keys of before/after that are not columns of the object's model.
VALUE_LABELS = {
    "role": _("Vai trò"),
    "reason": _("Lý do"),
    "code": _("Mã chứng nhận"),
    "cycle": _("Chu kỳ"),
    "course": _("Khóa học"),
    "session": _("Buổi học"),
    "created": _("Tài khoản mới"),
    "linked": _("Tài khoản có sẵn"),
    "enrolled": _("Ghi danh mới"),
    "added": _("Thêm vào danh sách lớp"),
    "skipped_rows": _("Dòng bỏ qua"),
    "questions": _("Số câu hỏi"),
    "format": _("Định dạng"),
    "question": _("Câu hỏi"),
    "mark": _("Điểm"),
    "feedback": _("Nhận xét"),
}


@dataclass
class Change:
    label: str
    before: str
    after: str

    def __str__(self):
        if self.before and self.after:
            return f"{self.label}: {self.before} → {self.after}"
        return f"{self.label}: {self.after or self.before}"


def _field(model, key):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _readable(field, key, value) -> str:
    if value is None or value == "":
        return ""
    if key == "role":
        return str(roles.ROLE_LABELS.get(value, value))
    if isinstance(value, bool):
        return _t("Có") if value else _t("Không")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and (moment := _parse_moment(value)) is not None:
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
    return str(value)


def _parse_moment(value: str):
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


def describe_changes(event: AuditEvent) -> list[Change]:
    """The before/after values with the field names people know, in the active language."""
    model = event.content_type.model_class()
    changes = []
    for key in dict.fromkeys([*event.before, *event.after]):
        if key in event.before and event.before[key] == event.after.get(key):
            continue  # stored for context (the whole row), not changed
        field = _field(model, key)
        label = field.verbose_name if field is not None else VALUE_LABELS.get(key, key)
        changes.append(
            Change(
                label=str(label)[:1].upper() + str(label)[1:],
                before=_readable(field, key, event.before.get(key)),
                after=_readable(field, key, event.after.get(key)),
            )
        )
    return changes


def _object_type(event: AuditEvent) -> str:
    model = event.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else event.content_type.model


class ChangesColumn(Column):
    cell_template_name = "accounts/audit_log/changes_cell.html"


class AuditEventFilterSet(WagtailFilterSet):
    person = django_filters.CharFilter(
        label=_("Người thực hiện"), method="filter_person", help_text=_("Họ tên hoặc email")
    )
    content_type = ContentTypeFilter(
        label=_("Loại đối tượng"),
        queryset=lambda request: ContentType.objects.filter(
            pk__in=AuditEvent.objects.values("content_type").distinct()
        ).order_by("model"),
    )
    object_repr = django_filters.CharFilter(label=_("Đối tượng"), lookup_expr="icontains")
    verb = django_filters.ChoiceFilter(label=_("Hành động"), choices=AuditKind.choices)
    at = django_filters.DateFromToRangeFilter(label=_("Thời gian"), widget=DateRangePickerWidget)

    class Meta:
        model = AuditEvent
        fields = []

    def filter_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(actor__full_name__icontains=value) | Q(actor__email__icontains=value)
        )


class AuditLogView(ReportView):
    page_title = _("Nhật ký thay đổi")
    header_icon = "history"
    index_url_name = "audit_log"
    index_results_url_name = "audit_log_results"
    filterset_class = AuditEventFilterSet
    paginate_by = 50
    list_export = ["at_text", "actor_text", "kind_text", "type_text", "object_repr",
                   "object_id", "changes_text"]  # fmt: skip
    export_headings = {
        "at_text": _("Thời điểm"),
        "actor_text": _("Người thực hiện"),
        "kind_text": _("Hành động"),
        "type_text": _("Loại đối tượng"),
        "object_repr": _("Đối tượng"),
        "object_id": _("Mã đối tượng"),
        "changes_text": _("Thay đổi"),
    }
    columns = [
        Column("at_text", label=_("Thời điểm")),
        Column("actor_text", label=_("Người thực hiện")),
        Column("kind_text", label=_("Hành động")),
        Column("type_text", label=_("Loại đối tượng")),
        Column("object_repr", label=_("Đối tượng")),
        ChangesColumn("changes", label=_("Thay đổi")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_read_audit_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return AuditEvent.objects.select_related("actor", "content_type").order_by("-at", "-pk")

    def get_filename(self):
        return f"nhat-ky-thay-doi-{dt.date.today():%Y-%m-%d}"

    def decorate_paginated_queryset(self, object_list):
        events = list(object_list)
        for event in events:
            event.at_text = timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S")
            event.actor_text = str(event.actor) if event.actor else _t("Hệ thống")
            event.kind_text = str(event.get_verb_display())
            event.type_text = _object_type(event)
            event.changes = describe_changes(event)
            event.changes_text = "; ".join(str(change) for change in event.changes)
        return events


@hooks.register("register_admin_urls")
def register_audit_log_urls():
    return [
        path("reports/audit-log/", AuditLogView.as_view(), name="audit_log"),
        path(
            "reports/audit-log/results/",
            AuditLogView.as_view(results_only=True),
            name="audit_log_results",
        ),
    ]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request):
        return can_read_audit_log(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item():
    return AuditLogMenuItem(
        _("Nhật ký thay đổi"),
        reverse("audit_log"),
        name="audit-log",
        icon_name="history",
        order=1100,
    )


# --- deletes in the Wagtail admin -------------------------------------------------------------
# Events are prepared before the delete (the ids are gone afterwards) and stored only once the
# delete has happened: a delete refused by another hook leaves no event.


def _prepare_deletion(request, objects):
    request._audit_deletions = deletion_events(actor=request.user, objects=objects)


def _record_deletion(request):
    events = getattr(request, "_audit_deletions", None)
    if events:
        AuditEvent.objects.bulk_create(events)
        request._audit_deletions = None


@hooks.register("before_delete_user", order=100)
def before_delete_user(request, user):
    _prepare_deletion(request, [user])


@hooks.register("after_delete_user")
def after_delete_user(request, user):
    _record_deletion(request)


@hooks.register("before_delete_snippet", order=100)
def before_delete_snippets(request, instances):
    _prepare_deletion(request, instances)


@hooks.register("after_delete_snippet")
def after_delete_snippets(request, instances):
    _record_deletion(request)


def _deletes_people(action_type, action) -> bool:
    # Snippet bulk deletes run the snippet hooks above; people have only these.
    return action_type == "delete" and get_user_model() in getattr(action, "models", ())


@hooks.register("before_bulk_action", order=100)
def before_bulk_delete_people(request, action_type, objects, action):
    if _deletes_people(action_type, action):
        _prepare_deletion(request, objects)


@hooks.register("after_bulk_action")
def after_bulk_delete_people(request, action_type, objects, action):
    if _deletes_people(action_type, action):
        _record_deletion(request)


# --- snippets created and edited in the Wagtail admin -----------------------------------------
# Keyed by model label so this module imports no app; the site's own pages call services that
# record their events themselves. Class sessions are absent: their admin views save through
# courses.classes.sessions.session_save, which records the event.
SNIPPET_KINDS = {
    "courses.trainingclass": (AuditKind.CLASS_CREATE, AuditKind.CLASS_UPDATE),
    "quizzes.questionbank": (AuditKind.QUESTION_BANK_CREATE, AuditKind.QUESTION_BANK_UPDATE),
    "accounts.agency": (AuditKind.AGENCY_CREATE, AuditKind.AGENCY_UPDATE),
}


@hooks.register("before_edit_snippet")
def before_edit_snippet(request, instance):
    if instance._meta.label_lower in SNIPPET_KINDS:
        request._audit_snippet_before = editable_snapshot(instance)


@hooks.register("after_edit_snippet")
def after_edit_snippet(request, instance):
    kinds = SNIPPET_KINDS.get(instance._meta.label_lower)
    before = getattr(request, "_audit_snippet_before", None)
    if kinds is None or before is None:
        return
    before, after = changed_values(before, editable_snapshot(instance))
    if after:
        audit_record(actor=request.user, verb=kinds[1], obj=instance, before=before, after=after)


@hooks.register("after_create_snippet")
def after_create_snippet(request, instance):
    kinds = SNIPPET_KINDS.get(instance._meta.label_lower)
    if kinds is not None:
        audit_record(
            actor=request.user, verb=kinds[0], obj=instance, after=editable_snapshot(instance)
        )

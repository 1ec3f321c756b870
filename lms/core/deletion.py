"""Training history is archived, never deleted.

Models protect their history with `on_delete=PROTECT`; rows that are history themselves
(enrolments, attempts, attendance, certificates, audit events) use `KeptRecord` and
`KeptRecordQuerySet`, so neither `obj.delete()` nor `queryset.delete()` removes them. The admin
doors (Wagtail pages, snippets, users and bulk actions; the Django admin) ask
`deletion_blockers` first and show `refusal_message` instead of a 500. A model says what to do
instead of deleting in its `archive_instead` attribute.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_ADVICE = gettext_lazy("Dữ liệu này được lưu giữ để hồ sơ đào tạo luôn đầy đủ.")
PAGE_ADVICE = gettext_lazy("Hãy “Thu hồi xuất bản” trang (ngừng xuất bản) thay vì xóa.")


def _refuse(model, rows) -> ProtectedError:
    return ProtectedError(
        _("%(kind)s là hồ sơ phải lưu giữ, không được xóa.")
        % {"kind": capfirst(model._meta.verbose_name)},
        rows,
    )


class KeptRecord:
    """A row of training history: it is archived (withdrawn, revoked, re-marked), never deleted."""

    def delete(self, *args, **kwargs):
        raise _refuse(type(self), [self])


class KeptRecordQuerySet(models.QuerySet):
    def delete(self):
        rows = list(self[:20])
        if not rows:
            return 0, {}  # deleting nothing removes no history
        raise _refuse(self.model, rows)

    delete.alters_data = True
    delete.queryset_only = True


def deletion_blockers(objects: Iterable[models.Model]) -> list[models.Model]:
    """The rows that keep `objects` from being deleted (empty when they may be deleted).

    Runs Django's own deletion collector, so it sees every PROTECT/RESTRICT the models declare,
    and refuses any history row a cascade would reach.
    """
    objects = list(objects)
    if not objects:
        return []
    kept = [obj for obj in objects if isinstance(obj, KeptRecord)]
    if kept:
        return kept
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except ProtectedError as error:
        return list(error.protected_objects)
    except RestrictedError as error:
        return list(error.restricted_objects)
    blockers = [
        obj
        for model, rows in collector.data.items()
        if issubclass(model, KeptRecord)
        for obj in rows
    ]
    for queryset in collector.fast_deletes:
        if issubclass(queryset.model, KeptRecord):
            blockers.extend(queryset[:20])
    return blockers


def page_deletion_blockers(page) -> list[models.Model]:
    """What keeps a page, with every page below it, from being deleted."""
    return deletion_blockers(page.get_descendants(inclusive=True).order_by())


def _advice(obj) -> str:
    page_class = getattr(obj, "specific_class", None)  # a Wagtail page
    if page_class is not None:
        return str(getattr(page_class, "archive_instead", PAGE_ADVICE))
    return str(getattr(type(obj), "archive_instead", DEFAULT_ADVICE))


def _summary(blockers) -> str:
    counts = Counter(str(row._meta.verbose_name) for row in blockers)
    return ", ".join(f"{count} {name}" for name, count in counts.most_common())


def refusal_message(obj, blockers) -> str:
    """Why `obj` is not deleted and what to do instead, in one sentence for the admin."""
    if blockers and blockers[0] is obj:
        return _("Không thể xóa “%(object)s”: %(kind)s là hồ sơ phải lưu giữ. %(instead)s") % {
            "object": obj,
            "kind": obj._meta.verbose_name,
            "instead": _advice(obj),
        }
    return _("Không thể xóa “%(object)s” vì còn dữ liệu phải lưu giữ: %(records)s. %(instead)s") % {
        "object": obj,
        "records": _summary(blockers),
        "instead": _advice(obj),
    }


def make_tree_deletes_atomic() -> None:
    """Run treebeard's page-tree delete in one transaction.

    It lowers the parents' `numchild` before deleting; when the delete is then refused
    (ProtectedError) outside a transaction, the parent is left looking childless and a later
    delete of it removes only itself, orphaning the pages below. Called once at start-up.
    """
    from treebeard.mp_tree import MP_NodeQuerySet

    delete = MP_NodeQuerySet.delete
    if getattr(delete, "is_atomic", False):
        return

    def atomic_delete(self, *args, **kwargs):
        with transaction.atomic(using=self.db):
            return delete(self, *args, **kwargs)

    atomic_delete.is_atomic = True
    atomic_delete.alters_data = True
    atomic_delete.queryset_only = True
    MP_NodeQuerySet.delete = atomic_delete

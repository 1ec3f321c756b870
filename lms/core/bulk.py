"""Helpers for writes of thousands of rows at once (roster imports, bulk enrolment)."""

import gc
from contextlib import contextmanager

from django.db import connections, router
from django.db.models.fields import AutoFieldMixin


@contextmanager
def collection_paused():
    """Run the block without the cyclic garbage collector.

    An import of thousands of rows allocates hundreds of thousands of short-lived objects
    (cells, model instances, SQL parameters); each 700 allocations start a young collection
    and every few hundred of those a full one, which walks the whole process heap (Django,
    Wagtail, pandas: about a quarter of a million objects) — a third of a 5 000-row roster
    import went there. Those objects are freed by reference counting anyway; the collector
    resumes when the block ends, however it ends. Nested blocks leave that to the outermost.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Below this many rows one INSERT is as quick as drawing ids and a COPY, and one statement
# fewer: the query budgets of small writes stay as they are.
COPY_FROM_ROWS = 200


def bulk_insert(model, objects: list, *, batch_size: int = 1000) -> list:
    """INSERT new rows and set their ids: `bulk_create` without conflict handling; returns
    `objects`.

    On PostgreSQL, from COPY_FROM_ROWS rows, the rows go through COPY with their ids drawn
    from the table's sequence first (one statement): for thousands of rows Django's INSERT
    compiles every value and psycopg quotes them into arrays in Python, which costs about half
    as much again as COPY. The values are the ones `bulk_create` stores (field defaults,
    `pre_save` for auto_now_add, `get_db_prep_save`) and, like it, no model signal is sent.
    Everything else (other databases, few rows, a model without an auto-increment id) goes to
    `bulk_create`.
    """
    connection = connections[router.db_for_write(model)]
    if not _copies(model, objects, connection):
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return objects
    opts = model._meta
    fields = opts.concrete_fields
    for obj in objects:  # what bulk_create checks: no unsaved related object
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(opts.db_table)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field in fields
                    ]
                )
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


def _copies(model, objects: list, connection) -> bool:
    """Whether `bulk_insert` may COPY these rows (see there)."""
    opts = model._meta
    return (
        connection.vendor == "postgresql"
        and len(objects) >= COPY_FROM_ROWS
        and isinstance(opts.pk, AutoFieldMixin)
        and not opts.parents
        and not any(field.generated or field.has_db_default() for field in opts.concrete_fields)
        and all(obj.pk is None for obj in objects)
    )

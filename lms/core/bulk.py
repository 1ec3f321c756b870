"""Helpers for writes of thousands of rows at once (roster imports, bulk enrolment)."""

import gc
from contextlib import contextmanager

from django.db import connections, models, router
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


# Below this many rows an INSERT costs little more, in one statement instead of two: the query
# counts of page-sized writes (marking a 500-person hall, say) stay as they are.
COPY_FROM_ROWS = 1000


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
    table = connection.ops.quote_name(opts.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, opts.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            _copy_rows(copy, fields, objects, connection)
    for obj in objects:
        obj._state.adding, obj._state.db = False, connection.alias
    return objects


# Fields that store a value of these exact types as it is (get_db_prep_save returns it
# unchanged, and pre_save only reads it), so COPY hands it to psycopg directly: preparing every
# value was a third of the Python work of COPYing 5 000 rows.
_PLAIN_TYPES = {
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.BigIntegerField: (int,),
    models.BooleanField: (bool,),
    models.CharField: (str,),
    models.EmailField: (str,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.TextField: (str,),
}


def _plain_types(field) -> tuple:
    """The value types `field` stores as they are; none for fields that convert values (and
    for subclasses, which may)."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        field = field.target_field  # a foreign key stores its target's id as that field does
    types = _PLAIN_TYPES.get(type(field), ())
    return (*types, type(None)) if types else ()


def _copy_rows(copy, fields, objects: list, connection) -> None:
    specs = [(field, field.attname, _plain_types(field)) for field in fields]
    for obj in objects:
        row = []
        for field, attname, plain in specs:
            if plain:
                value = getattr(obj, attname)
                if type(value) not in plain:
                    value = field.get_db_prep_save(value, connection)
            else:
                value = field.get_db_prep_save(field.pre_save(obj, True), connection)
            row.append(value)
        copy.write_row(row)


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

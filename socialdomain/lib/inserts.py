"""A new model instance as a hand-written `INSERT ... SELECT`, for statements that
write several rows at once (data-modifying WITH items) where one row's columns come
from another's: an id handed out in the same statement, a reference counted there.

The columns and their types come from the model's fields, the values from the
instance (as `save()` would prepare them), each as a typed parameter so that
PostgreSQL knows its type even with server-side binding (prepared statements).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model

# SQL for a column instead of the instance's value: text, or text and its parameters.
ColumnSQL = str | tuple[str, Sequence[Any]]


def insert_select(
    obj: Model, *, sql: Mapping[str, ColumnSQL] | None = None, source: str = ""
) -> tuple[str, list[Any]]:
    """(`INSERT INTO table (columns) SELECT values [FROM source]`, its parameters)
    of `obj`. `sql` gives columns by attname as SQL (the primary key too, which is
    otherwise left to the database, as are fields whose value is an expression such
    as a database default). The caller may append ON CONFLICT and RETURNING."""
    sql = sql or {}
    table, fields = _columns(type(obj))
    unknown = set(sql) - {field.attname for field, _, _ in fields}
    if unknown:
        raise ValueError(f"not columns of {obj._meta.label}: {sorted(unknown)}")
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field, column, placeholder in fields:
        if field.attname in sql:
            given = sql[field.attname]
            text, given_params = (given, ()) if isinstance(given, str) else given
            values.append(text)
            params.extend(given_params)
        else:
            if field.primary_key:
                continue
            value = field.pre_save(obj, add=True)  # auto_now(_add) as save() does
            if hasattr(value, "resolve_expression"):
                continue
            values.append(placeholder)
            params.append(field.get_db_prep_save(value, connection))
        columns.append(column)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
    if source:
        statement += f" FROM {source}"
    return statement, params


@cache
def _columns(model: type[Model]) -> tuple[str, tuple[tuple[Field, str, str], ...]]:
    """The quoted table and, per concrete field, the field, its quoted column and
    its typed placeholder: the same for every instance (one database backend)."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), tuple(
        (field, quote(field.column), f"%s::{field.cast_db_type(connection)}")
        for field in model._meta.concrete_fields
    )

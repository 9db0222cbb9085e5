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

from django.db import DEFAULT_DB_ALIAS, connection, connections
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
    return _insert(type(obj), obj, sql or {}, source)


def insert_values(
    model: type[Model],
    values: Mapping[str, Any],
    *,
    sql: Mapping[str, ColumnSQL] | None = None,
    source: str = "",
) -> tuple[str, list[Any]]:
    """`insert_select` of the row that `model(**values)` would be, without making
    that instance (its __init__ was a third of building the help-request
    submission's statement): `values` by attname (`by_id`, not `by`), every other
    field its default, as a new instance would have it."""
    _table, _fields, by_attname = _columns(model)
    unknown = set(values) - by_attname.keys()
    if unknown:
        raise ValueError(f"not columns of {model._meta.label}: {sorted(unknown)}")
    return _insert(model, _Row(model, values), sql or {}, source)


class _Row:
    """The attributes a field's pre_save reads (and auto_now(_add) sets) of a row
    given as values: the given value, else the field's default."""

    def __init__(self, model: type[Model], values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)
        self._fields = _columns(model)[2]

    def __getattr__(self, attname: str) -> Any:  # only for attributes not given
        return self._fields[attname].get_default()


def _insert(
    model: type[Model], row: Any, sql: Mapping[str, ColumnSQL], source: str
) -> tuple[str, list[Any]]:
    table, fields, by_attname = _columns(model)
    unknown = set(sql) - by_attname.keys()
    if unknown:
        raise ValueError(f"not columns of {model._meta.label}: {sorted(unknown)}")
    # The connection itself, not the proxy `connection`: the fields' preparation
    # looks up its attributes a few times per value (asgiref's Local each time).
    db = connections[DEFAULT_DB_ALIAS]
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
            value = field.pre_save(row, add=True)  # auto_now(_add) as save() does
            if hasattr(value, "resolve_expression"):
                continue
            values.append(placeholder)
            params.append(field.get_db_prep_save(value, db))
        columns.append(column)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
    if source:
        statement += f" FROM {source}"
    return statement, params


@cache
def _columns(
    model: type[Model],
) -> tuple[str, tuple[tuple[Field, str, str], ...], dict[str, Field]]:
    """The quoted table, per concrete field the field, its quoted column and its
    typed placeholder, and the fields by attname: the same for every instance (one
    database backend)."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    return (
        quote(model._meta.db_table),
        tuple(
            (field, quote(field.column), f"%s::{field.cast_db_type(connection)}")
            for field in fields
        ),
        {field.attname: field for field in fields},
    )

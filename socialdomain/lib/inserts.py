"""A new row as a hand-written `INSERT ... SELECT`, for statements that write
several rows at once (data-modifying WITH items) where one row's columns come from
another's: an id handed out in the same statement, a reference counted there.

The columns and their types come from the model's fields, the values as `save()`
would prepare them, each given value as a typed parameter so that PostgreSQL knows
its type even with server-side binding (prepared statements). What is the same in
every row of a statement is written into its text instead: the fields' constant
defaults and the values given as `Literal`. The help-request submission sent 87
parameters, about half of them such constants, each prepared by its field, sent and
parsed again on every submission.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DateField, Field, Model

from socialdomain.lib.compiled import literal

# SQL for a column instead of a value: text, or text and its parameters.
ColumnSQL = str | tuple[str, Sequence[Any]]


class Literal(NamedTuple):
    """A value that is the same every time the statement is made (a kind, a state,
    a fixed moment): written into its text, not sent as a parameter. Hashable."""

    value: Hashable


def insert_values(
    model: type[Model],
    values: Mapping[str, Any],
    *,
    sql: Mapping[str, ColumnSQL] | None = None,
    source: str = "",
) -> tuple[str, list[Any]]:
    """(`INSERT INTO table (columns) SELECT values [FROM source]`, its parameters)
    of the row that `model(**values)` would be, without making that instance (its
    __init__ was a third of building the help-request submission's statement).

    `values` by attname (`by_id`, not `by`), a `Literal` for a value to write in;
    `sql` gives columns as SQL (the primary key too, which is otherwise left to the
    database, as are fields whose default is an expression such as a database
    default). Every other field takes its default: a callable one anew for each
    row, a constant one written in; auto_now(_add) is filled in as save() does.
    The statement's text is made once per model, given names, literals, SQL and
    source. The caller may append ON CONFLICT and RETURNING."""
    sql = sql or {}
    literals = tuple(
        sorted(
            (name, value.value)
            for name, value in values.items()
            if isinstance(value, Literal)
        )
    )
    given = frozenset(values.keys() - {name for name, _ in literals})
    columns_sql = tuple(
        sorted(
            (name, given_sql if isinstance(given_sql, str) else given_sql[0])
            for name, given_sql in sql.items()
        )
    )
    statement, steps = _plan(model, given, literals, columns_sql, source)
    # The connection itself, not the proxy `connection`: the fields' preparation
    # looks up its attributes a few times per value (asgiref's Local each time).
    db = connections[DEFAULT_DB_ALIAS]
    row = _Row(model, values) if any(step == _AUTO for step, _ in steps) else None
    params: list[Any] = []
    for step, field in steps:
        if step == _GIVEN:
            params.append(field.get_db_prep_save(values[field.attname], db))
        elif step == _SQL:
            given_sql = sql[field.attname]
            if not isinstance(given_sql, str):
                params.extend(given_sql[1])
        elif step == _AUTO:
            params.append(field.get_db_prep_save(field.pre_save(row, add=True), db))
        else:
            params.append(field.get_db_prep_save(field.get_default(), db))
    return statement, params


def new_instance(
    model: type[Model],
    values: Mapping[str, Any],
    returned: Mapping[str, Any],
    *,
    computed: Collection[str] = (),
) -> Model:
    """The instance of the row that `insert_values(model, values)` wrote, as the ORM
    would load it: `values` (by attname, a `Literal`'s value), what the statement
    returned by attname (the primary key, columns the database filled in), the
    constant defaults; any other field is deferred, read when asked: a callable
    default not returned and the `computed` columns (given as SQL, not returned)."""
    names: list[str] = []
    row: list[Any] = []
    constants = _constant_defaults(model)
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in computed:
            continue
        if name in returned:
            value = returned[name]
        elif name in values:
            value = values[name]
            if isinstance(value, Literal):
                value = value.value
        elif name in constants:
            value = constants[name]
        else:
            continue
        names.append(name)
        row.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, names, row)


class _Row:
    """The attributes a field's pre_save reads (and auto_now(_add) sets) of a row
    given as values: the given value, else the field's default."""

    def __init__(self, model: type[Model], values: Mapping[str, Any]) -> None:
        self.__dict__.update(
            (name, value.value if isinstance(value, Literal) else value)
            for name, value in values.items()
        )
        self._fields = _columns(model)[2]

    def __getattr__(self, attname: str) -> Any:  # only for attributes not given
        return self._fields[attname].get_default()


# How insert_values fills in a field's parameter on each call.
_GIVEN, _SQL, _AUTO, _DEFAULT = "given", "sql", "auto", "default"


@lru_cache(maxsize=256)
def _plan(
    model: type[Model],
    given: frozenset[str],
    literals: tuple[tuple[str, Hashable], ...],
    columns_sql: tuple[tuple[str, str], ...],
    source: str,
) -> tuple[str, tuple[tuple[str, Field], ...]]:
    """The statement's text and, per parameter in it, how to fill it in."""
    table, fields, by_attname = _columns(model)
    written = dict(literals)
    by_sql = dict(columns_sql)
    unknown = (given | written.keys() | by_sql.keys()) - by_attname.keys()
    if unknown:
        raise ValueError(f"not columns of {model._meta.label}: {sorted(unknown)}")
    constants = _constant_defaults(model)
    db = connections[DEFAULT_DB_ALIAS]
    columns: list[str] = []
    values: list[str] = []
    steps: list[tuple[str, Field]] = []
    for field, column, cast in fields:
        name = field.attname
        if name in by_sql:
            values.append(by_sql[name])
            steps.append((_SQL, field))
        elif _is_auto(field):
            values.append(f"%s::{cast}")
            steps.append((_AUTO, field))
        elif name in given:
            values.append(f"%s::{cast}")
            steps.append((_GIVEN, field))
        elif name in written or name in constants:
            value = written[name] if name in written else constants[name]
            values.append(f"{literal(field.get_db_prep_save(value, db))}::{cast}")
        elif field.primary_key or _database_default(field):
            continue
        else:  # a callable default: anew for each row
            values.append(f"%s::{cast}")
            steps.append((_DEFAULT, field))
        columns.append(column)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
    if source:
        statement += f" FROM {source}"
    return statement, tuple(steps)


def _is_auto(field: Field) -> bool:
    return isinstance(field, DateField) and (field.auto_now or field.auto_now_add)


def _database_default(field: Field) -> bool:
    return hasattr(field.get_default(), "resolve_expression")


@cache
def _constant_defaults(model: type[Model]) -> dict[str, Any]:
    """The defaults that are the same for every new row, by attname: of fields
    without a callable default, a database default or auto_now(_add)."""
    return {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not (field.has_default() and callable(field.default))
        and not _is_auto(field)
        and not _database_default(field)
    }


@cache
def _columns(
    model: type[Model],
) -> tuple[str, tuple[tuple[Field, str, str], ...], dict[str, Field]]:
    """The quoted table, per concrete field the field, its quoted column and its
    type to cast a value to, and the fields by attname: the same for every row
    (one database backend)."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    return (
        quote(model._meta.db_table),
        tuple(
            (field, quote(field.column), field.cast_db_type(connection))
            for field in fields
        ),
        {field.attname: field for field in fields},
    )

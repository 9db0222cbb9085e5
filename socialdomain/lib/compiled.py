"""Querysets compiled to SQL once per process and key, then run as that SQL.

Building and compiling a queryset with subqueries, unions and conditional counts
costs more Python time than PostgreSQL needs to run it (the caseworker queue: about
2-3 ms of ORM work per query against 1-2 ms of SQL at bench scale). For a page that
the same person loads again and again, the SQL text and its parameters are a pure
function of a few values (the user's id, role, team and municipality, the filters,
the day); `CompiledQueries` keeps them per process under a key made of exactly
those values and runs them on Django's cursor (so query counting and logging still
see them). Only the SQL is kept, never a result.

Use it only for `values_list` querysets whose columns need no conversion from the
database (integers, text, dates, aware datetimes: psycopg returns them as Django
would) and whose key holds everything the queryset depends on. For whole model
instances, `ModelRows` gives the columns to select and applies the fields' own
conversions (a JSONField's decoding) to each row; `PreparedModels` takes any model
queryset (select_related, annotations, a slice) and makes its instances from the
compiler it kept, as the ORM's own iterable does.

Both kinds run on a psycopg cursor with server-side binding (as the ORM's own
cursors are: socialdomain/lib/binding.py), which can use prepared statements:
psycopg prepares a statement on its connection after it ran a few times
(DATABASES OPTIONS prepare_threshold), and PostgreSQL then keeps its plan. Planning
was half of what the queue's SQL cost (EXPLAIN: 1.15 of 2.3 ms). CompiledQueries
keeps its SQL with the values written in, so that the kept plan is the one for those
values (a partial index whose condition names the statuses stays usable).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

# Nothing: the queryset can have no rows (EmptyResultSet when compiling).
_EMPTY = None
_MISSING = object()


@contextmanager
def preparing_cursor(*, raw: bool = False) -> Iterator[CursorWrapper]:
    """Django's cursor (health check, error wrapping, query logging and counting),
    which binds server-side (socialdomain/lib/binding.py). With `raw`, over a
    psycopg RawCursor on the same connection, so in the same transaction: the SQL
    is sent as it is, with PostgreSQL's own $1, $2 ... placeholders (see
    `numbered`)."""
    with connection.cursor() as cursor:
        if raw:
            binding = cursor.cursor
            cursor.cursor = psycopg.RawCursor(binding.connection)
            binding.close()
        yield cursor


_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)


@lru_cache(maxsize=128)
def numbered(sql: str) -> str:
    """`sql` with its %s placeholders as $1, $2 ..., for `preparing_cursor(raw=True)`.

    psycopg converts the placeholders of every statement it is given, and keeps
    that work only for statements of at most 4096 characters and 50 parameters;
    a longer statement (the help-request submission: one statement that writes
    seven rows) was converted again on every call, 0.1-0.2 ms each time. Kept here
    per text, for SQL whose text is the same on every call. A %% (a percent sign
    in a value written into the SQL, `write_in`) becomes %; any other % (a named
    %(x)s) is refused."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) == "%":
            return "%"
        if match.group(1) != "s":
            raise ValueError(f"only %s placeholders can be numbered: {match.group()!r}")
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def literal(value: Any) -> str:
    """`value` as SQL text (psycopg's own quoting, as it would bind it), for SQL
    that is run with parameters: a % in it is doubled."""
    return connection.ops.compose_sql("%s", [value]).replace("%", "%%")


def write_in(
    sql: str, params: Sequence[Any], slots: Sequence[int | None]
) -> tuple[str, tuple[tuple[Any, int], ...]]:
    """`sql` with every parameter whose slot (`slots_of`) is None written in as a
    `literal`; the others stay %s, returned in order as (parameter, slot)."""
    if len(slots) != len(params):
        raise ValueError("one slot per parameter")
    written, kept = _rewrite(
        sql,
        params,
        lambda index, param: literal(param) if slots[index] is None else None,
    )
    # A kept parameter is one with a slot.
    return written, tuple(
        (params[index], slot) for index in kept if (slot := slots[index]) is not None
    )


def write_sql(
    sql: str, params: Sequence[Any], expressions: Mapping[str, str]
) -> tuple[str, list[Any]]:
    """`sql` with every parameter that is a key of `expressions` (a marker string
    that occurs nowhere else) replaced by that SQL, in parentheses; the other
    parameters stay %s and are returned in order. For SQL compiled with values
    that a larger statement computes itself (a column of one of its WITH items)."""
    written, kept = _rewrite(
        sql,
        params,
        lambda _index, param: (
            f"({expressions[param]})"
            if isinstance(param, str) and param in expressions
            else None
        ),
    )
    return written, [params[index] for index in kept]


def _rewrite(
    sql: str, params: Sequence[Any], replace: Callable[[int, Any], str | None]
) -> tuple[str, list[int]]:
    """`sql` with each %s replaced by the SQL that `replace(index, parameter)`
    gives for its parameter; where it gives None the %s stays, and its index is
    returned in order. A %% stays %%; any other % is refused."""
    remaining = iter(enumerate(params))
    kept: list[int] = []

    def write(match: re.Match[str]) -> str:
        if match.group(1) == "%":
            return "%%"
        if match.group(1) != "s":
            raise ValueError(f"only %s placeholders: {match.group()!r}")
        index, param = next(remaining)
        text = replace(index, param)
        if text is None:
            kept.append(index)
            return "%s"
        return text

    written = _PLACEHOLDER.sub(write, sql)
    if next(remaining, None) is not None:
        raise ValueError("more parameters than placeholders")
    return written, kept


def _fetch(sql: str, params: Sequence[Any] | None) -> list[Any]:
    with preparing_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class CompiledQueries:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        # Threaded servers (runserver) share one instance between requests.
        self._lock = threading.Lock()
        self._compiled: OrderedDict[
            Hashable, tuple[str, tuple[tuple[Any, int], ...] | None] | None
        ] = OrderedDict()

    def rows(
        self,
        key: Hashable,
        build: Callable[..., QuerySet[Any]],
        values: Sequence[Any] = (),
        stand_ins: Sequence[Any] = (),
    ) -> list[Any]:
        """The rows of `build(*values)`, whose SQL is compiled only the first time
        `key` is seen (least recently used keys are forgotten beyond `size`).

        `key` holds everything the SQL depends on but `values`: those are bound as
        parameters (compiled once with `stand_ins`, as PreparedQuery does), so
        that one kept SQL serves them all, such as the queue's page cursor (a key
        per cursor compiled every next page again, and each had a new text for
        PostgreSQL to plan). Every other value is written into the SQL."""
        if len(values) != len(stand_ins):
            raise TypeError(f"{len(stand_ins)} values expected, {len(values)} given")
        with self._lock:
            compiled = self._compiled.get(key, _MISSING)
            if compiled is not _MISSING:
                self._compiled.move_to_end(key)
        if compiled is _MISSING:
            compiled = self._compile(build(*stand_ins), stand_ins)
            with self._lock:
                self._compiled[key] = compiled
                if len(self._compiled) > self.size:
                    self._compiled.popitem(last=False)
        if compiled is _EMPTY:
            return []
        sql, slots = compiled
        if slots is None:
            return _fetch(sql, None)
        params, indices = zip(*slots, strict=True)
        return _fetch(sql, bound(params, indices, values))

    @staticmethod
    def _compile(
        queryset: QuerySet[Any], stand_ins: Sequence[Any]
    ) -> tuple[str, tuple[tuple[Any, int], ...] | None] | None:
        """The SQL with its values written in (by psycopg's own quoting), but for
        the stand-ins' parameters, which stay %s; with the stand-in each stands
        for: (compiled parameter, index of its stand-in), None when there are none."""
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:
            return _EMPTY
        if not stand_ins:
            return connection.ops.compose_sql(sql, params), None
        return write_in(sql, params, slots_of(params, stand_ins))

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


class PreparedQuery:
    """One queryset with changing values (a session key, a user id), compiled to
    SQL once per process and then run with each call's values.

    `build(*values)` makes the queryset; it is compiled once with `stand_ins`,
    values of the right types that occur nowhere else in the query, and every
    parameter equal to a stand-in (same type, same value) becomes that value's
    slot. A stand-in that does not come out as a parameter (a field that converts
    it, or a value the ORM folds into the SQL) fails loudly on first use rather than
    running a query with the stand-in in it. The same limits on columns as
    CompiledQueries hold.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *stand_ins: Any) -> None:
        self._build = build
        self._stand_ins = stand_ins
        self._lock = threading.Lock()
        self._compiled: tuple[str, tuple[Any, ...], tuple[int | None, ...]] | None = (
            None
        )

    def _compile(self) -> tuple[str, tuple[Any, ...], tuple[int | None, ...]]:
        sql, params = self._build(*self._stand_ins).query.sql_with_params()
        return sql, tuple(params), slots_of(params, self._stand_ins)

    def rows(self, *values: Any) -> list[Any]:
        return _fetch(*self.sql(*values))

    def sql(self, *values: Any) -> tuple[str, list[Any]]:
        """The compiled SQL and its parameters with `values`: to run, or to use as
        a part (a WITH item) of a larger statement."""
        if len(values) != len(self._stand_ins):
            raise TypeError(
                f"{len(self._stand_ins)} values expected, {len(values)} given"
            )
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile()
                compiled = self._compiled
        sql, params, slots = compiled
        return sql, bound(params, slots, values)


class PreparedModels(PreparedQuery):
    """A model queryset (select_related and annotations too) with changing
    values, compiled once per process as PreparedQuery compiles its rows: each
    call runs the kept SQL with its values and makes the instances as Django's
    ModelIterable does, from the compiler kept with it (the columns it selected,
    the related models they fill, the fields' conversions from the database).

    For the many small lists of a page (a case's history, its messages): compiling
    them cost the case page more than running them (compiler.as_sql a third of its
    time). Querysets only, not related managers (`Message.objects.filter(
    help_request_id=pk)`, not `help_request.messages`); the object a manager
    would set on each instance is given as `known`. No prefetch_related."""

    def _compile(self) -> tuple[str, tuple[Any, ...], tuple[int | None, ...]]:
        queryset = self._build(*self._stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        klass_info = compiler.klass_info
        select = compiler.select
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1]
        self._shape = _ModelShape(
            model=klass_info["model"],
            db=queryset.db,
            fields=slice(first, last + 1),
            init_list=[column[0].target.attname for column in select[first : last + 1]],
            related=get_related_populators(klass_info, select, queryset.db),
            annotations=tuple(compiler.annotation_col_map.items()),
            converters=tuple(
                compiler.get_converters(
                    [column[0] for column in select[: compiler.col_count]]
                ).items()
            ),
        )
        return sql, tuple(params), slots_of(params, self._stand_ins)

    def instances(
        self, *values: Any, known: Mapping[str, Model] | None = None
    ) -> list[Any]:
        """The instances for `values`; `known` gives objects by the name of a
        foreign key of the model that every row points to (the case whose history
        this is), set on each instance as its related manager would, so that
        reading it asks nothing."""
        sql, params = self.sql(*values)
        rows = _fetch(sql, params)
        shape = self._shape
        db = connections[shape.db]
        setters = [
            (shape.model._meta.get_field(name), value)
            for name, value in (known or {}).items()
        ]
        objects = []
        for fetched in rows:
            row = list(fetched)
            for index, (converters, expression) in shape.converters:
                value = row[index]
                for converter in converters:
                    value = converter(value, expression, db)
                row[index] = value
            obj = shape.model.from_db(shape.db, shape.init_list, row[shape.fields])
            for populator in shape.related:
                populator.populate(row, obj)
            for name, index in shape.annotations:
                setattr(obj, name, row[index])
            for field, value in setters:
                field.set_cached_value(obj, value)
            objects.append(obj)
        return objects


class _ModelShape(NamedTuple):
    """What PreparedModels keeps of its compiler to make instances from rows."""

    model: type[Model]
    db: str
    fields: slice
    init_list: list[str]
    related: list[Any]
    annotations: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[list[Callable[..., Any]], Any]], ...]


def slots_of(params: Sequence[Any], stand_ins: Sequence[Any]) -> tuple[int | None, ...]:
    """For each parameter of SQL compiled with `stand_ins` (values of the right
    types that occur nowhere else in it): the index of the stand-in it is (same
    type, same value; an int stand-in also as psycopg's typed integer), or None
    for a parameter of its own. Every stand-in must come
    out as a parameter: one that a field converted, or that the ORM folded into
    the SQL, fails here rather than running SQL with the stand-in in it."""
    slots: list[int | None] = []
    for param in params:
        slots.append(
            next(
                (
                    index
                    for index, stand_in in enumerate(stand_ins)
                    if _is_stand_in(param, stand_in)
                ),
                None,
            )
        )
    missing = [value for i, value in enumerate(stand_ins) if i not in slots]
    if missing:
        raise ValueError(f"stand-ins not among the query's parameters: {missing!r}")
    return tuple(slots)


def _wrapped_int(value: Any) -> bool:
    """psycopg's typed integers (Int2, Int4, Int8: what Value(an int) and some
    fields give the ORM's parameters), not int itself nor bool."""
    return isinstance(value, int) and type(value) not in (int, bool)


def _is_stand_in(param: Any, stand_in: Any) -> bool:
    if _wrapped_int(param) and type(stand_in) is int:
        return int(param) == stand_in
    return type(param) is type(stand_in) and param == stand_in


def bound(
    params: Sequence[Any], slots: Sequence[int | None], values: Sequence[Any]
) -> list[Any]:
    """The parameters of `slots_of`'s SQL with `values` in the stand-ins' places;
    a value whose stand-in came out as a typed integer is typed alike."""
    return [
        param
        if slot is None
        else type(param)(values[slot])
        if _wrapped_int(param)
        else values[slot]
        for param, slot in zip(params, slots, strict=True)
    ]


class ModelRows:
    """Model instances from rows of all the model's concrete columns (in
    `columns` order), as the ORM makes them: each field's own `from_db_value`
    (a JSONField decodes its text, as Django has psycopg load jsonb as text) and
    then `Model.from_db`. For a PreparedQuery over a model whose columns do need
    converting."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.columns: tuple[str, ...] = tuple(field.attname for field in fields)
        self._converted = tuple(
            (index, field)
            for index, field in enumerate(fields)
            if hasattr(field, "from_db_value")
        )

    def instance(self, row: Sequence[Any]) -> Any:
        values = list(row)
        for index, field in self._converted:
            values[index] = field.from_db_value(values[index], None, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.columns, values)

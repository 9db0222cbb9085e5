"""Loading many rows fast: PostgreSQL COPY, with ids taken from the table's own
sequence so that child rows can point at parents loaded in the same run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models.fields import NOT_PROVIDED


class Copier:
    """COPY rows into a model's table. Columns the caller leaves out get their
    constant default (or the database default), so a new field with a default does
    not break the generator; a unique one without a value is refused."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        fields = [model._meta.get_field(name) for name in names]
        self.extra: tuple[Any, ...] = ()
        extra_columns = []
        for field in model._meta.concrete_fields:
            if field in fields or (field.primary_key and field.name not in names):
                continue
            if field.db_default is not NOT_PROVIDED:
                continue
            if field.unique:
                raise ValueError(f"{model.__name__}.{field.name} needs a value.")
            extra_columns.append(field.column)
            self.extra += (field.get_default(),)
        columns = [field.column for field in fields] + extra_columns
        self.sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"

    def load(self, cursor: Any, rows: Iterable[Sequence[Any]]) -> int:
        """`cursor` is Django's cursor wrapper; its psycopg cursor does the COPY."""
        count = 0
        with cursor.cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row((*row, *self.extra))
                count += 1
        return count


def reserve_ids(cursor: Any, model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's own sequence: concurrent inserts never
    collide with them."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]

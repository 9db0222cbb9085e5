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
would) and whose key holds everything the queryset depends on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

# Nothing: the queryset can have no rows (EmptyResultSet when compiling).
_EMPTY = None
_MISSING = object()


class CompiledQueries:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        # Threaded servers (runserver) share one instance between requests.
        self._lock = threading.Lock()
        self._compiled: OrderedDict[Hashable, tuple[str, tuple[Any, ...]] | None] = (
            OrderedDict()
        )

    def rows(self, key: Hashable, build: Callable[[], QuerySet[Any]]) -> list[Any]:
        """The rows of `build()`, whose SQL is compiled only the first time `key`
        is seen (least recently used keys are forgotten beyond `size`)."""
        with self._lock:
            compiled = self._compiled.get(key, _MISSING)
            if compiled is not _MISSING:
                self._compiled.move_to_end(key)
        if compiled is _MISSING:
            compiled = self._compile(build())
            with self._lock:
                self._compiled[key] = compiled
                if len(self._compiled) > self.size:
                    self._compiled.popitem(last=False)
        if compiled is _EMPTY:
            return []
        sql, params = compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @staticmethod
    def _compile(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
        try:
            return queryset.query.sql_with_params()
        except EmptyResultSet:
            return _EMPTY

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()

"""Server-side binding for the ORM's queries, with PostgreSQL's two limits on it.

Django's default psycopg cursor quotes every value into the SQL text (client-side
binding), so each query has a new text and PostgreSQL plans it again on every run.
`BindingCursor` (settings.py: DATABASES OPTIONS cursor_factory) sends the values
apart: a query has the same text on every request, psycopg prepares it on its
connection after it ran `prepare_threshold` times, and PostgreSQL keeps its plan.
Planning was most of what PostgreSQL spent on the case page (EXPLAIN of its 17
queries: 3.5 ms planning, 0.5 ms executing; the lookup with six joins alone 2.5 ms).

It is set as the cursor class rather than with Django's `server_side_binding`
option, which binds the same way but has Django log each query by quoting its
values into the SQL; that fails for the statements compiled.py sends with
PostgreSQL's own $1, $2 placeholders. Logged this way, a query shows its
placeholders ($1, $2), not its values.

The two limits:

- A bound statement carries at most 65,535 values (the protocol counts them in
  16 bits), and Django does not batch an `__in` list or a bulk_create. A statement
  with more values is bound client-side, as before: quoted into its text, never
  prepared (`MAX_BOUND_VALUES`).
- A kept plan whose result columns change type (a migration altered a column while
  the worker kept running) fails with "cached plan must not change result type"
  on every later run on that connection outside a transaction (psycopg never
  checks a statement it prepared again; a rollback makes it forget them all).
  `forget_broken_plans` (an execute wrapper on every connection,
  socialdomain/apps.py) lets that query fail and has Django close the connection
  when the request ends (`close_at`), so that the next request prepares again on
  a new connection instead of failing until CONN_MAX_AGE. Celery's Django fixup
  closes the connections before and after every task anyway. Restarting the web
  and Celery processes after `migrate`, as every deploy does, avoids even that
  one failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor

# PostgreSQL's Bind message counts the values in an Int16.
MAX_BOUND_VALUES = 65_535

# "cached plan must not change result type": told by its code and the function
# that raises it, which are the same in every language the server may answer in.
BROKEN_PLAN = ("0A000", "RevalidateCachedQuery")


class BindingCursor(ServerBindingCursor):
    def execute(  # type: ignore[override]
        self,
        query: Any,
        params: Sequence[Any] | Mapping[str, Any] | None = None,
        *,
        prepare: bool | None = None,
        binary: bool | None = None,
    ) -> BindingCursor:
        if params is not None and len(params) > MAX_BOUND_VALUES:
            with psycopg.ClientCursor(self.connection) as quoting:
                query = quoting.mogrify(query, params)
            params, prepare = None, False
        return super().execute(query, params, prepare=prepare, binary=binary)


def forget_broken_plans(
    execute: Callable[..., Any],
    sql: str,
    params: Any,
    many: bool,
    context: dict[str, Any],
) -> Any:
    """Execute wrapper: a connection whose kept plan broke is closed at the end of
    this request (see the module's docstring)."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        cause = error.__cause__
        if (
            isinstance(cause, psycopg.Error)
            and (cause.sqlstate, cause.diag.source_function) == BROKEN_PLAN
        ):
            connection: BaseDatabaseWrapper = context["connection"]
            connection.close_at = time.monotonic()
        raise


def watch_plans(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: `forget_broken_plans` wraps every query.

    First in the list: `connection.execute_wrapper()` blocks pop the last one when
    they end, and the connection may be made inside such a block."""
    if forget_broken_plans not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, forget_broken_plans)

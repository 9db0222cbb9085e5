"""The caseworker's queue: views with their counts, filters, sorting and keyset pages.

Pages are cut with a keyset (the last row's sort key and pk, signed into the
`cursor` parameter) instead of OFFSET, so a deep page costs the same as the first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.core import signing
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThan, LessThan
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Deadline, DeadlineState, Triage, Urgency, running_state
from casework.stages import stage_condition
from citizens.models import OPEN_STATUSES, UNTEAMED_PART, HelpRequest
from pilots.models import Participant
from socialdomain.lib.compiled import CompiledQueries

PAGE_SIZE = 25
# Requests without a running deadline sort after all others on "deadline soonest".
FAR_FUTURE = date(9999, 12, 31)
CURSOR_SALT = "casework.queue.cursor"


class View(models.TextChoices):
    UNASSIGNED = "unassigned", _("Unassigned")
    MINE = "mine", _("Mine")
    TEAM = "team", _("My team")
    OVERDUE = "overdue", _("Overdue")


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    DEADLINE = "deadline", _("Deadline soonest")
    URGENCY = "urgency", _("Most urgent first")


class DeadlineFilter(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    DUE_WITHIN = "due_within", _("Due within the number of days below")


# The order of each sort as (annotation or field, descending); the last key is the
# pk, so that every row has exactly one place.
SORT_KEYS: dict[str, tuple[tuple[str, bool], ...]] = {
    Sort.NEWEST: (("submitted_at", True), ("pk", True)),
    Sort.OLDEST: (("submitted_at", False), ("pk", False)),
    Sort.DEADLINE: (("deadline_key", False), ("submitted_at", False), ("pk", False)),
    Sort.URGENCY: (("urgency_rank", True), ("submitted_at", False), ("pk", False)),
}
URGENCY_RANKS: dict[str, int] = {
    Urgency.NORMAL: 0,
    Urgency.URGENT: 1,
    Urgency.CRISIS: 2,
}


# The queue's SQL, compiled once per process for each user and page (the ORM work
# of building these unions cost more than running them).
COMPILED = CompiledQueries()


def user_key(user: User) -> tuple[Any, ...]:
    """Everything about the user that the queue's SQL depends on."""
    return (
        user.pk,
        user.role,
        user.team_id,
        user.municipality_id,
        user.region_id,
        user.is_superuser,
    )


class Row(Func):
    """A row constructor, `ROW(a, b)`, for comparing sort keys as one value."""

    function = "ROW"
    output_field = models.Field()


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class QueueQuery:
    view: str = View.TEAM
    q: str = ""
    status: str = ""
    domain: str = ""
    urgency: str = ""
    district_id: int | None = None
    neighbourhood_id: int | None = None
    deadline: str = ""
    days: int | None = None
    caseworker_id: int | None = None
    stage: str = ""
    pilot_id: int | None = None
    sort: str = Sort.NEWEST
    after: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class QueueRow:
    """One help request as the queue shows it (read as plain values: model
    instances for 26 rows and their joins cost more than the query)."""

    pk: int
    reference: str
    status: str
    submitted_at: datetime
    neighbourhood: str
    contact_person: str  # full name; "" when there is none
    urgency_rank: int
    deadline_key: date
    due: date | None
    deadline_state: DeadlineState | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None


def scoped_parts(user: User) -> list[QuerySet[HelpRequest]]:
    """The caseworker's scope in its two disjoint halves (HelpRequest.objects.
    visible_parts): every page and count below is made per half, on that half's
    covering index, and the halves combined by UNION ALL in the same query."""
    return HelpRequest.objects.visible_parts(user)


def running_deadlines() -> QuerySet[Deadline]:
    """The deadlines of the outer request whose clock is running."""
    return Deadline.objects.filter(
        help_request=OuterRef("pk"), met_at__isnull=True, suspended_since__isnull=True
    )


def view_condition(view: str, *, user: User, today: date) -> Q:
    if view == View.UNASSIGNED:
        return Q(contact_person__isnull=True)
    if view == View.MINE:
        return Q(contact_person=user)
    if view == View.OVERDUE:
        # next_due is the earliest running deadline: some running deadline is
        # overdue exactly when that one is.
        return Q(next_due__lt=today)
    return Q()


def view_counts(*, user: User, today: date) -> dict[str, int]:
    """The open requests in each view, in one query: one aggregate row per half of
    the scope (index-only scans of the covering open-request indexes: 17 ms ->
    1 ms with 4,166 open requests in scope, docs/performance.md), summed here."""
    rows = COMPILED.rows(
        ("counts", *user_key(user), today),
        lambda: _counts_query(user=user, today=today),
    )
    return {
        view: sum(row[index] for row in rows) for index, view in enumerate(View.values)
    }


def _counts_query(*, user: User, today: date) -> QuerySet[HelpRequest]:
    counts = {
        view: Count("pk", filter=view_condition(view, user=user, today=today))
        for view in View.values
    }
    parts = [
        part.filter(status__in=OPEN_STATUSES)
        .order_by()
        # Grouped on a column every row of a half shares: one row per half.
        .values("municipality_id")
        .annotate(**counts)
        .values_list(*View.values)
        for part in scoped_parts(user)
    ]
    if not parts:
        return HelpRequest.objects.none()
    return parts[0].union(*parts[1:], all=True)


def annotated(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    return queryset.annotate(
        deadline_key=Coalesce(F("next_due"), Value(FAR_FUTURE)),
        # A scalar subquery on the triage's primary key, not a join (the planner
        # then read the whole triage table in a hash join before cutting the page)
        # nor EXISTS (which it turned into a hashed scan of every crisis triage):
        # evaluated only for the rows it sorts or shows.
        urgency_rank=Case(
            When(
                Q(
                    Exact(
                        Subquery(
                            Triage.objects.filter(help_request=OuterRef("pk")).values(
                                "urgency"
                            )[:1]
                        ),
                        Value(Urgency.CRISIS),
                    )
                ),
                then=Value(2),
            ),
            When(is_urgent=True, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        ),
    )


def filtered(
    query: QueueQuery,
    queryset: QuerySet[HelpRequest],
    *,
    user: User,
    today: date,
) -> QuerySet[HelpRequest]:
    queryset = annotated(queryset).filter(
        view_condition(query.view, user=user, today=today)
    )
    if query.status:
        queryset = queryset.filter(status=query.status)
    else:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if query.domain:
        queryset = queryset.filter(triage__domains__contains=[query.domain])
    if query.urgency:
        queryset = queryset.filter(urgency_rank=URGENCY_RANKS[query.urgency])
    if query.district_id:
        queryset = queryset.filter(neighbourhood__district_id=query.district_id)
    if query.neighbourhood_id:
        queryset = queryset.filter(neighbourhood_id=query.neighbourhood_id)
    if query.deadline == DeadlineFilter.OVERDUE:
        queryset = queryset.filter(next_due__lt=today)
    elif query.deadline == DeadlineFilter.DUE_WITHIN and query.days:
        within = running_deadlines().filter(
            due__gte=today, due__lte=today + timedelta(days=query.days)
        )
        queryset = queryset.filter(Exists(within))
    if query.caseworker_id:
        queryset = queryset.filter(contact_person_id=query.caseworker_id)
    if query.stage:
        queryset = queryset.filter(stage_condition(query.stage))
    if query.pilot_id:
        # Served by the pilots' unique (pilot, help request) index.
        in_pilot = Participant.objects.filter(
            pilot_id=query.pilot_id, help_request=OuterRef("pk"), left_on__isnull=True
        )
        queryset = queryset.filter(Exists(in_pilot))
    if query.q:
        queryset = queryset.filter(
            Q(
                search_document=SearchQuery(
                    query.q, search_type="websearch", config="dutch"
                )
            )
            | Q(reference=query.q.strip().upper())
        )
    return queryset


def _after(keys: tuple[tuple[str, bool], ...], values: tuple[Any, ...]) -> Q:
    """Rows after `values` in the order of `keys`: (a > x) or (a = x and b > y)...

    When every key runs the same way (newest, oldest and deadline soonest first;
    none of the keys is ever NULL), one row comparison instead, `(a, b) < (x, y)`:
    PostgreSQL starts the index scan at the cursor with it, where under the OR it
    reads the half from its start and filters (a deep page then cost as much as
    all the pages before it)."""
    if len({descending for _name, descending in keys}) == 1:
        compare = LessThan if keys[0][1] else GreaterThan
        return Q(
            compare(
                Row(*(F(name) for name, _descending in keys)),
                Row(*(Value(value) for value in values)),
            )
        )
    conditions = []
    for index, (name, descending) in enumerate(keys):
        equal = {
            key: value
            for (key, _d), value in zip(keys[:index], values[:index], strict=True)
        }
        beyond = {f"{name}__{'lt' if descending else 'gt'}": values[index]}
        conditions.append(Q(**equal, **beyond))
    return reduce(or_, conditions)


def queue_page(query: QueueQuery, *, user: User, today: date) -> QueuePage:
    """One page, in one query: the first PAGE_SIZE + 1 keys of each half of the
    scope in the page's order (for the default views an index-only scan of that
    half's covering index), and the rows of the first PAGE_SIZE + 1 of those.
    Joining before cutting the page made PostgreSQL read every open request of the
    half from the table (11 ms -> 1 ms with 3,576 in one half)."""
    # One kept SQL for every search term and cursor of these filters: the term
    # and the cursor are bound (the query is compiled with stand-ins for them).
    shape, stand_ins, values = query, [], []
    if query.q:
        shape = replace(shape, q=SEARCH_STAND_IN)
        stand_ins += [SEARCH_STAND_IN, SEARCH_STAND_IN.upper()]
        values += [query.q, query.q.strip().upper()]
    if query.after is not None:
        cursor = tuple(CURSOR_STAND_INS[name] for name, _desc in SORT_KEYS[query.sort])
        shape = replace(shape, after=cursor)
        stand_ins += cursor
        values += query.after
    compiled = COMPILED.rows(
        ("page", *user_key(user), shape, today),
        lambda *_values: _page_query(shape, user=user, today=today),
        values=values,
        stand_ins=stand_ins,
    )
    found = [_row(row, today) for row in compiled]
    rows = found[:PAGE_SIZE]
    next_cursor = (
        encode_cursor(query.sort, rows[-1]) if len(found) > PAGE_SIZE else None
    )
    return QueuePage(rows=rows, next_cursor=next_cursor)


# Sorts in the order of the unteamed half's index within one neighbourhood
# (help_request_open_unteamed: municipality, neighbourhood, -submitted_at, -id).
BY_NEIGHBOURHOOD_SORTS = frozenset({Sort.NEWEST, Sort.OLDEST})


# Values of each sort key's type, and a search term (with its upper case, for the
# reference), that occur nowhere else in the queue's SQL: a page is compiled with
# these once, and its cursor and term are bound (CompiledQueries.rows `stand_ins`).
SEARCH_STAND_IN = "kwzq-stand-in"
CURSOR_STAND_INS: dict[str, Any] = {
    "submitted_at": datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC),
    "deadline_key": date(1901, 2, 3),
    "urgency_rank": -190_102_031,
    "pk": -190_102_032,
}


def _page_query(query: QueueQuery, *, user: User, today: date) -> QuerySet[Any]:
    keys = SORT_KEYS[query.sort]
    order = [F(name).desc() if desc else F(name).asc() for name, desc in keys]
    parts = []
    for index, part in enumerate(scoped_parts(user)):
        queryset = filtered(query, part, user=user, today=today)
        if query.after is not None:
            queryset = queryset.filter(_after(keys, query.after))
        if (
            index == UNTEAMED_PART
            and query.sort in BY_NEIGHBOURHOOD_SORTS
            # A search reads its rows from the full-text index, for all
            # neighbourhoods at once.
            and not query.q
        ):
            parts.append(_first_keys_by_neighbourhood(queryset, order, user=user))
        else:
            parts.append(queryset.order_by(*order).values_list("pk")[: PAGE_SIZE + 1])
    if not parts:
        return HelpRequest.objects.none()
    return (
        annotated(
            HelpRequest.objects.filter(pk__in=parts[0].union(*parts[1:], all=True))
        )
        .order_by(*order)
        .values_list(*ROW_COLUMNS)[: PAGE_SIZE + 1]
    )


def _first_keys_by_neighbourhood(
    queryset: QuerySet[HelpRequest], order: list[Any], *, user: User
) -> QuerySet[Any]:
    """The first PAGE_SIZE + 1 keys of `queryset` (the unteamed half) in each
    neighbourhood of the team's district, as one column: the page's rows are among
    them. Each neighbourhood's are an ordered index-only scan that stops after
    PAGE_SIZE + 1 rows, where the whole half in one scan had to be read and sorted
    to keep as many (1,570 rows read for 26; the half's keys 0.38 -> 0.13 ms in
    pgbench at bench scale, docs/performance.md)."""
    first_keys = ArraySubquery(
        queryset.filter(neighbourhood_id=OuterRef("pk"))
        .order_by(*order)
        .values("pk")[: PAGE_SIZE + 1]
    )
    return (
        HelpRequest.objects.team_district_neighbourhoods(user)
        .annotate(first_keys=first_keys)
        .values_list(
            Func(
                F("first_keys"),
                function="unnest",
                output_field=models.BigIntegerField(),
            )
        )
    )


ROW_COLUMNS = (
    "pk",
    "reference",
    "status",
    "submitted_at",
    "neighbourhood__name",
    "contact_person__full_name",
    "urgency_rank",
    "deadline_key",
)


def _row(values: tuple[Any, ...], today: date) -> QueueRow:
    pk, reference, status, submitted_at, neighbourhood, contact, rank, key = values
    due = None if key == FAR_FUTURE else key
    # The same rule as the case page (next_due is the earliest running deadline).
    state = running_state(due, today) if due is not None else None
    return QueueRow(
        pk=pk,
        reference=reference,
        status=status,
        submitted_at=submitted_at,
        neighbourhood=neighbourhood,
        contact_person=contact or "",
        urgency_rank=rank,
        deadline_key=key,
        due=due,
        deadline_state=state,
    )


def encode_cursor(sort: str, row: QueueRow) -> str:
    values = []
    for name, _descending in SORT_KEYS[sort]:
        value = getattr(row, name)
        values.append(value.isoformat() if isinstance(value, date) else value)
    return signing.dumps({"s": sort, "v": values}, salt=CURSOR_SALT)


def _datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive datetime")
    return parsed


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("not an integer")
    return value


KEY_PARSERS = {
    "submitted_at": _datetime,
    "deadline_key": date.fromisoformat,
    "urgency_rank": _integer,
    "pk": _integer,
}


def decode_cursor(token: str, sort: str) -> tuple[Any, ...]:
    """The keyset a cursor points after; InvalidCursor for anything we did not sign
    for this sort."""
    try:
        payload = signing.loads(token, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise InvalidCursor from None
    keys = SORT_KEYS[sort]
    if (
        not isinstance(payload, dict)
        or set(payload) != {"s", "v"}
        or payload["s"] != sort
        or not isinstance(payload["v"], list)
        or len(payload["v"]) != len(keys)
    ):
        raise InvalidCursor
    try:
        return tuple(
            KEY_PARSERS[name](value)
            for (name, _descending), value in zip(keys, payload["v"], strict=True)
        )
    except (TypeError, ValueError):
        raise InvalidCursor from None


def query_string(params: QueryDict, **changes: str) -> str:
    """`params` with `changes`, without the page cursor and empty values."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        if key != "cursor" and key not in changes:
            kept.setlist(key, [value for value in values if value])
    for key, value in changes.items():
        kept[key] = value
    return kept.urlencode()

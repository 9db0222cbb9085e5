"""Suppression that holds across every view the dashboard offers, not within one.

A page shows one view: an area (the region, a municipality, a district, a
neighbourhood, or in a report a list of neighbourhoods), a domain (or all) and a
pilot (or all requests). Any other view is one click away, so an attacker holds the
figures of all of them at once. Three kinds of relation tie views together:

1. Areas add up: a neighbourhood's count, its district's and its municipality's are
   parts and totals of one table. Every count the board shows (requests per month
   with their total, outcomes with the groups the headlines use, life events,
   domains, the headline counts) is therefore suppressed in one table per kind over
   all neighbourhoods, with the district, municipality (and region) totals, and
   every view reads its own row. The same cells are hidden whichever area a page
   shows, so no area subtracted from another gives a small number.
2. Charts on one page overlap: the total of the month chart is the headline, the
   neighbourhood chart is the total column of the same table, the formal-care chart
   is a column of the outcome table and the headline rate is that column's
   count per 1,000 residents; the shares "solved close to home" are a ratio of two
   cells of the outcome table, shown only when both cells are. Medians, shares and
   means are shown only when the count they are computed over is itself shown.
3. Filters nest: a request of domain d (or of pilot p) is also one of all domains
   (all requests), so "all" minus "d" is the count of the requests *not* about d.
   Those complements (against each wider view: domain widened, pilot widened,
   both, and the second-order difference all − d − p + (d and p), the requests of
   neither) have the same sums as the view itself (an area's outside is its
   parts' outside), so each is suppressed as a table of its own (a 0 outside tells
   of nobody), and the view hides ("x", secondary suppression) every cell whose
   outside that suppression hides: with the view's cell hidden, the outside is
   unknown. Differences of outsides (municipality − neighbourhood, all domains −
   d) and the rest of an outside's sum are thereby covered too. The whole count is
   not hidden instead, because it belongs to every other view. The bar of domain d
   in the domain chart is the total of the view filtered to d: its suppression
   (including the outside of the view's total) is computed once in the domain
   table, and the filtered view's total follows it (hidden where the bar is,
   never hidden where the bar is shown).
The previous period has no subtraction relation with the current one (they do not
overlap); its counts are cells of the same tables, and the change in per cent is
shown only when both counts are.

What is not covered: sums over several pilots (pilots overlap; the board offers one
at a time) and bounds rather than exact values (a "<5" view beside a shown wider
one bounds the outside within five). The attack tests in `dashboards/tests` try
every pair of views, every relation of a table and of its outside tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from casework.models import Domain
from dashboards.figures import (
    CLOSE_TO_HOME,
    FORMAL_CARE,
    LIFE_EVENTS,
    OUTCOMES,
    Combo,
    Figures,
)
from dashboards.models import ALL_DOMAINS, ALL_PILOTS
from dashboards.privacy import HIDDEN, SMALL, THRESHOLD, Suppressed, suppress
from dashboards.tables import TOTAL, Area, municipality_key

REQ, OUT, LIFE, DOM, SC = "requests", "outcomes", "life_events", "domains", "scalars"
KINDS = (REQ, OUT, LIFE, DOM, SC)
ALL_COL = TOTAL  # the total column (of months, of outcomes)
SCALARS = (
    "prev_requests",
    "prev_close",
    "prev_formal",
    "prev_resolved",
    "open",
    "waiting",
    "deadlines",
    "prev_deadlines",
    "satisfaction",
    "prev_satisfaction",
    "contact",
    "prev_contact",
    "plan",
    "prev_plan",
)
CLOSE_COLS = [str(o) for o in CLOSE_TO_HOME]
FORMAL_COLS = [str(o) for o in FORMAL_CARE]


def row_relations(kind: str, months: list[date]) -> list[tuple[Any, list[Any]]]:
    if kind == REQ:
        return [(ALL_COL, list(months))]
    if kind == OUT:
        return [
            (ALL_COL, list(OUTCOMES)),
            ("close", CLOSE_COLS),
            ("formal", FORMAL_COLS),
            ("resolved", ["close", "formal"]),
        ]
    if kind == SC:
        return [("prev_resolved", ["prev_close", "prev_formal"])]
    return []


def _count(histogram: dict[int, int] | None) -> int:
    return sum((histogram or {}).values())


def row_values(kind: str, f: Figures, months: list[date]) -> dict[Any, int]:
    cur, prev = f.current, f.previous
    if kind == REQ:
        row: dict[Any, int] = {m: cur.requests_by_month.get(m, 0) for m in months}
        row[ALL_COL] = sum(row.values())
        return row
    if kind == OUT:
        row = {o: cur.outcomes.get(o, 0) for o in OUTCOMES}
        row[ALL_COL] = sum(row.values())
        row["close"] = cur.close_to_home
        row["formal"] = cur.formal_care
        row["resolved"] = cur.resolved
        return row
    if kind == LIFE:
        return {e: cur.life_events.get(e, 0) for e in LIFE_EVENTS}
    if kind == DOM:
        return {x: cur.requests_by_domain.get(x, 0) for x in Domain.values}
    return {
        "prev_requests": prev.requests,
        "prev_close": prev.close_to_home,
        "prev_formal": prev.formal_care,
        "prev_resolved": prev.resolved,
        "open": f.open,
        "waiting": f.waiting,
        "deadlines": cur.deadlines_counted,
        "prev_deadlines": prev.deadlines_counted,
        "satisfaction": cur.satisfaction_count,
        "prev_satisfaction": prev.satisfaction_count,
        "contact": _count(cur.histograms.get("contact")),
        "prev_contact": _count(prev.histograms.get("contact")),
        "plan": _count(cur.histograms.get("plan")),
        "prev_plan": _count(prev.histograms.get("plan")),
    }


@dataclass(frozen=True)
class Hierarchy:
    """Area keys: ("n", id) neighbourhoods, ("d", id) districts, ("m", id)
    municipalities (in a region) and TOTAL; `relations` from the bottom up."""

    keys: list[Any]
    relations: list[tuple[Any, list[Any]]]
    members: dict[Any, frozenset[int]]

    def key_of(self, neighbourhood_ids: Iterable[int]) -> Any | None:
        wanted = frozenset(neighbourhood_ids)
        # The smallest area first: a municipality of one district is that district.
        for key in self.keys:
            if self.members[key] == wanted:
                return key
        return None


def hierarchy(areas: list[Area]) -> Hierarchy:
    districts: dict[Any, list[Any]] = {}
    municipalities: dict[Any, list[Any]] = {}
    members: dict[Any, set[int]] = {}
    for a in areas:
        n, d, m = ("n", a.id), ("d", a.district_id), municipality_key(a)
        members[n] = {a.id}
        districts.setdefault(d, []).append(n)
        if d not in municipalities.setdefault(m, []):
            municipalities[m].append(d)
        members.setdefault(d, set()).add(a.id)
        members.setdefault(m, set()).add(a.id)
        members.setdefault(TOTAL, set()).add(a.id)
    relations = list(districts.items())
    if len(municipalities) > 1:
        relations += list(municipalities.items())
        relations.append((TOTAL, list(municipalities)))
        keys = [("n", a.id) for a in areas] + list(districts) + list(municipalities)
    else:
        relations.append((TOTAL, list(districts)))
        keys = [("n", a.id) for a in areas] + list(districts)
        members.pop(next(iter(municipalities)), None)
    keys.append(TOTAL)
    return Hierarchy(
        keys=keys,
        relations=relations,
        members={k: frozenset(v) for k, v in members.items()},
    )


def raw_table(
    kind: str,
    per_nbh: dict[int, Figures],
    areas: list[Area],
    tree: Hierarchy,
    months: list[date],
) -> dict[Any, int]:
    """Every area's counts of one kind, keyed (area key, column)."""
    values: dict[Any, int] = {}
    empty = Figures(current=_empty(), previous=_empty())
    columns: list[Any] = []
    for a in areas:
        row = row_values(kind, per_nbh.get(a.id, empty), months)
        columns = list(row)
        for col, v in row.items():
            values[(("n", a.id), col)] = v
    if not columns:
        columns = list(row_values(kind, empty, months))
    for parent, children in tree.relations:
        for col in columns:
            values[(parent, col)] = sum(values.get((c, col), 0) for c in children)
    return values


def _empty() -> Any:
    from dashboards.figures import PeriodFigures

    return PeriodFigures()


def relations_of(
    kind: str, tree: Hierarchy, months: list[date], columns: Iterable[Any]
) -> list[tuple[Any, list[Any]]]:
    relations: list[tuple[Any, list[Any]]] = []
    for col in columns:
        for parent, children in tree.relations:
            relations.append(((parent, col), [(c, col) for c in children]))
    for total, parts in row_relations(kind, months):
        for key in tree.keys:
            relations.append(((key, total), [(key, p) for p in parts]))
    return relations


def outside_tables(
    child: dict[Any, int],
    parents: list[dict[Any, int]],
    corner: tuple[dict[Any, int], dict[Any, int], dict[Any, int]] | None = None,
) -> list[dict[Any, int]]:
    """What lies outside a filtered view, cell by cell: each wider view (`parents`)
    minus the view, and with `corner` (all, domain widened, pilot widened) the
    second-order difference all − d − p + (d and p) (neither d nor p)."""
    keys = set(child).union(*parents)
    tables = [
        {k: parent.get(k, 0) - child.get(k, 0) for k in keys} for parent in parents
    ]
    if corner is not None:
        whole, domain_wide, pilot_wide = corner
        tables.append(
            {
                k: whole.get(k, 0)
                - domain_wide.get(k, 0)
                - pilot_wide.get(k, 0)
                + child.get(k, 0)
                for k in keys
            }
        )
    return tables


def complement(
    child: dict[Any, int],
    outside: list[dict[Any, int]],
    relations: list[tuple[Any, list[Any]]],
    keep: set[Any] | frozenset[Any] = frozenset(),
) -> set[Any]:
    """Cells of a filtered view to hide so that nothing outside the filter is told:
    each table of `outside_tables` has the view's sums (an area's outside is its
    parts' outside), so it is suppressed as a table of its own (a 0 outside tells
    of nobody) and the view hides the cells it hides: where the view's cell is
    hidden (below 5 already, or hidden for this), the outside is unknown."""
    unknown = {key for key, value in child.items() if value < THRESHOLD}
    forced: set[Any] = set()
    for table in outside:
        if not any(0 < v < THRESHOLD for v in table.values()):
            continue
        result = suppress(
            table, relations, keep=keep, forced=unknown, zero_is_safe=True
        )
        forced |= result.small | result.hidden
    return forced - unknown


class Cube:
    """The suppressed tables of one view's (domain, pilot), from the figures of every
    neighbourhood for that combination and the wider ones."""

    def __init__(
        self,
        data: dict[Combo, dict[int, Figures]],
        areas: list[Area],
        months: list[date],
        domain: str,
        pilot: int,
    ) -> None:
        self.data, self.areas, self.months = data, areas, months
        self.domain, self.pilot = domain, pilot
        self.tree = hierarchy(areas)
        self._raw: dict[tuple[str, Combo], dict[Any, int]] = {}
        self.tables: dict[str, Suppressed[Any]] = {}
        combo = (domain, pilot)
        # The domain table of the view widened to all domains: its bars are the
        # totals of the views filtered to one domain.
        self.domains = self._domain_table()
        for kind in (REQ, OUT, LIFE, SC):
            self.tables[kind] = self._suppress(kind, combo)
        self.tables[DOM] = self.domains

    def raw(self, kind: str, combo: Combo) -> dict[Any, int]:
        if (kind, combo) not in self._raw:
            self._raw[(kind, combo)] = raw_table(
                kind, self.data.get(combo, {}), self.areas, self.tree, self.months
            )
        return self._raw[(kind, combo)]

    def _wider(self, kind: str, combo: Combo) -> tuple[list[dict[Any, int]], Any]:
        domain, pilot = combo
        parents = []
        if domain != ALL_DOMAINS:
            parents.append(self.raw(kind, (ALL_DOMAINS, pilot)))
        if pilot != ALL_PILOTS:
            parents.append(self.raw(kind, (domain, ALL_PILOTS)))
        corner = None
        if domain != ALL_DOMAINS and pilot != ALL_PILOTS:
            parents.append(self.raw(kind, (ALL_DOMAINS, ALL_PILOTS)))
            corner = (
                self.raw(kind, (ALL_DOMAINS, ALL_PILOTS)),
                self.raw(kind, (ALL_DOMAINS, pilot)),
                self.raw(kind, (domain, ALL_PILOTS)),
            )
        return parents, corner

    def _domain_table(self) -> Suppressed[Any]:
        combo = (ALL_DOMAINS, self.pilot)
        values = self.raw(DOM, combo)
        requests = self.raw(REQ, combo)
        # Within the view: the requests of the area not about the domain; with a
        # pilot, also the wider view's bar minus this one and the requests of
        # neither the domain nor the pilot.
        totals = {key: requests[(key[0], ALL_COL)] for key in values}
        parents = [totals]
        corner = None
        if self.pilot != ALL_PILOTS:
            whole = self.raw(DOM, (ALL_DOMAINS, ALL_PILOTS))
            whole_requests = self.raw(REQ, (ALL_DOMAINS, ALL_PILOTS))
            whole_totals = {key: whole_requests[(key[0], ALL_COL)] for key in values}
            parents.append(whole)
            corner = (whole_totals, whole, totals)
        columns = list(Domain.values)
        relations = relations_of(DOM, self.tree, self.months, columns)
        forced = complement(values, outside_tables(values, parents, corner), relations)
        return suppress(values, relations, forced=forced)

    def _suppress(self, kind: str, combo: Combo) -> Suppressed[Any]:
        values = self.raw(kind, combo)
        parents, corner = self._wider(kind, combo)
        columns = {col for _area, col in values}
        relations = relations_of(kind, self.tree, self.months, columns)
        keep: set[Any] = set()
        bars_hidden: set[Any] = set()
        if kind == REQ and self.domain != ALL_DOMAINS:
            for area in self.tree.keys:
                key = (area, ALL_COL)
                if self.domains.is_shown((area, self.domain)):
                    keep.add(key)
                else:
                    bars_hidden.add(key)
        forced = complement(
            values, outside_tables(values, parents, corner), relations, keep
        )
        forced = (forced - keep) | bars_hidden
        return suppress(values, relations, forced=forced, keep=keep)

    def row(self, kind: str, area: Any) -> Row:
        return Row(self.tables[kind], area, self.tree)


@dataclass(frozen=True)
class Row:
    """One view's row of a table, read as the charts read tables: `area` is an area
    key, or a tuple of neighbourhood keys (a report's list of neighbourhoods: a sum
    shown only when all its parts are)."""

    table: Suppressed[Any]
    area: Any
    tree: Hierarchy

    def _parts(self) -> list[Any] | None:
        if isinstance(self.area, list):
            return self.area
        return None

    def number(self, col: Any) -> int | None:
        parts = self._parts()
        if parts is None:
            return self.table.number((self.area, col))
        numbers = [self.table.number((p, col)) for p in parts]
        if any(n is None for n in numbers):
            return None
        return sum(n for n in numbers if n is not None)

    def value(self, col: Any) -> int:
        parts = self._parts() or [self.area]
        return sum(self.table.values.get((p, col), 0) for p in parts)

    def show(self, col: Any) -> str:
        n = self.number(col)
        if n is not None:
            return str(n)
        parts = self._parts()
        if parts is None:
            return self.table.show((self.area, col))
        if self.value(col) < THRESHOLD:
            return SMALL
        return HIDDEN

    def is_shown(self, col: Any) -> bool:
        return self.number(col) is not None

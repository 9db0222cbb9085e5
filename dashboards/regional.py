"""A region's board: each table is suppressed over all municipalities of the region
together, every municipality's count a part of the region's, so that neither the
region's view nor a municipality's view, nor the one subtracted from the other,
shows a count below 5. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.utils import formats

from casework.models import Domain
from dashboards.figures import LIFE_EVENTS, OUTCOMES, Figures
from dashboards.privacy import THRESHOLD, Suppressed, one_way, suppress, two_way
from dashboards.tables import (
    TOTAL,
    Chart,
    Headline,
    domain_chart,
    life_event_chart,
    month_chart,
    municipality_key,
    outcome_chart,
)


@dataclass(frozen=True)
class RowView:
    """One row (a municipality, or TOTAL for the region) of a table suppressed over
    all municipalities, read as the charts read their own tables."""

    table: Suppressed[Any]
    row: Any

    def show(self, key: Any) -> str:
        return self.table.show((self.row, key))

    def number(self, key: Any) -> int | None:
        return self.table.number((self.row, key))


def _additive(per: dict[int, dict[Any, int]], columns: list[Any]) -> Suppressed[Any]:
    cells = {(m, c): counts.get(c, 0) for m, counts in per.items() for c in columns}
    return two_way(cells, list(per), columns, total_key=TOTAL)


def _overlapping(per: dict[int, dict[Any, int]], columns: list[Any]) -> Suppressed[Any]:
    """Columns that overlap (a request can concern several domains): only each
    column adds up over the municipalities."""
    values: dict[Any, int] = {}
    relations: list[Any] = []
    for c in columns:
        for m, counts in per.items():
            values[(m, c)] = counts.get(c, 0)
        values[(TOTAL, c)] = sum(values[(m, c)] for m in per)
        relations.append(((TOTAL, c), [(m, c) for m in per]))
    return suppress(values, relations)


def _count(per: dict[int, int]) -> Suppressed[Any]:
    return one_way(per, TOTAL)


def tables(per: dict[int, Figures], months: list[date]) -> dict[str, Any]:
    """Every count the region's board shows outside the per-area tables, each
    table suppressed once over all municipalities, so that a chart and a headline
    showing the same count hide it alike."""
    current = {m: f.current for m, f in per.items()}
    return {
        "months": _additive(
            {m: c.requests_by_month for m, c in current.items()}, months
        ),
        "domains": _overlapping(
            {m: c.requests_by_domain for m, c in current.items()},
            list(Domain.values),
        ),
        "life_events": _overlapping(
            {m: c.life_events for m, c in current.items()}, LIFE_EVENTS
        ),
        "outcomes": _additive({m: c.outcomes for m, c in current.items()}, OUTCOMES),
        "requests_before": _count({m: f.previous.requests for m, f in per.items()}),
        "open": _count({m: f.open for m, f in per.items()}),
        "waiting": _count({m: f.waiting for m, f in per.items()}),
        "formal_care_before": _count(
            {m: f.previous.formal_care for m, f in per.items()}
        ),
    }


def charts(
    joint: dict[str, Any], view: Any, figures: Figures, months: list[date]
) -> list[Chart]:
    """The month, domain, life-event and outcome charts of `view` (a municipality
    id, or TOTAL for the whole region); `figures` are those of the view."""
    return [
        month_chart(figures, months, RowView(joint["months"], view)),
        domain_chart(figures, RowView(joint["domains"], view)),
        life_event_chart(figures, RowView(joint["life_events"], view)),
        outcome_chart(figures, RowView(joint["outcomes"], view)),
    ]


def headlines(
    items: list[Headline],
    joint: dict[str, Any],
    formal_care: Suppressed[Any],
    view: Any,
    population: int,
) -> list[Headline]:
    """The headline counts of `view`, suppressed over the region: help requests
    (now and before), open caseload, waiting, and formal care (whose rate per 1,000
    residents would give the count back; `formal_care` is the per-area table)."""
    requests = RowView(joint["months"], view)
    area_key = TOTAL if view == TOTAL else municipality_key(view)

    def rate(table: Any, key: Any) -> str:
        n = table.number(key)
        if n is None:
            return table.show(key)
        if not population:
            return "–"
        return formats.number_format(n * 1000 / population, 1)

    def number(table: Any, key: Any) -> str:
        n = table.number(key)
        if n is None:
            return table.show(key)
        return formats.number_format(n, force_grouping=True)

    changed = []
    for item in items:
        if item.key == "requests":
            before = joint["requests_before"]
            now, earlier = requests.number(TOTAL), before.number(view)
            note = ""
            if now is not None and earlier is not None and earlier >= THRESHOLD:
                note = f"{(now - earlier) * 100 / earlier:+.0f}%"
            item = replace(
                item,
                value=number(requests, TOTAL),
                previous=number(before, view),
                note=note,
            )
        elif item.key in ("open", "waiting"):
            item = replace(item, value=number(joint[item.key], view))
        elif item.key == "formal_care":
            item = replace(
                item,
                value=rate(formal_care, area_key),
                previous=rate(joint["formal_care_before"], view),
            )
        changed.append(item)
    return changed


__all__ = ["RowView", "charts", "headlines", "tables"]

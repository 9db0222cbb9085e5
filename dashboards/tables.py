"""From figures to what a page, a CSV file or a report shows: suppressed tables, one
per chart, and the headline figures. Nothing here reads the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Domain
from citizens.models import LifeEvent, Outcome
from dashboards.figures import FORMAL_CARE, LIFE_EVENTS, OUTCOMES, Figures
from dashboards.privacy import HIDDEN, SMALL, THRESHOLD, one_way, suppress, two_way

TOTAL = "__total__"


@dataclass(frozen=True)
class Area:
    """A neighbourhood with its district and population."""

    id: int
    name: str
    district_id: int
    district: str
    population: int
    municipality: str = ""
    municipality_id: int = 0


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, line
    headers: list[str]
    rows: list[tuple[str, list[str]]]
    labels: list[str] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    caption: str = ""

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    def chart_data(self) -> dict[str, Any]:
        return {"type": self.kind, "labels": self.labels, "datasets": self.series}


@dataclass
class Headline:
    key: str
    label: str
    value: str
    previous: str = ""
    note: str = ""


def _month_label(month: date) -> str:
    return formats.date_format(month, "M Y")


def _rate(count: int, population: int) -> str:
    if not population:
        return "–"
    return formats.number_format(count * 1000 / population, 1)


def _share(part: int, whole: int) -> str:
    return f"{round(part * 100 / whole)}%"


def _protected_share(part: int, whole: int) -> str:
    # A share of fewer than 5 requests would tell about individuals.
    return _share(part, whole) if whole >= THRESHOLD else SMALL


def _median(value: float | None, count: int) -> str:
    if value is None:
        return "–"
    if count < THRESHOLD:
        return SMALL
    return formats.number_format(value, 1 if value % 1 else 0)


def headlines(figures: Figures, *, population: int) -> list[Headline]:
    cur, prev = figures.current, figures.previous

    def count(n: int) -> str:
        return SMALL if n < THRESHOLD else formats.number_format(n, force_grouping=True)

    def delta(now: int, before: int) -> str:
        if now < THRESHOLD or before < THRESHOLD:
            return ""
        return f"{(now - before) * 100 / before:+.0f}%"

    items = [
        Headline(
            "requests",
            _("Help requests"),
            count(cur.requests),
            count(prev.requests),
            delta(cur.requests, prev.requests),
        ),
        Headline(
            "close_to_home",
            _("Solved close to home"),
            _protected_share(cur.close_to_home, cur.resolved) if cur.resolved else "–",
            _protected_share(prev.close_to_home, prev.resolved)
            if prev.resolved
            else "–",
        ),
        Headline(
            "formal_care",
            _("Referrals to formal care per 1,000 residents"),
            (
                _rate(cur.formal_care, population)
                if cur.formal_care >= THRESHOLD
                else SMALL
            ),
            (
                _rate(prev.formal_care, population)
                if prev.formal_care >= THRESHOLD
                else SMALL
            ),
        ),
        Headline(
            "first_contact",
            _("Median days to first contact"),
            _median(cur.first_contact_median, cur.requests),
            _median(prev.first_contact_median, prev.requests),
        ),
        Headline(
            "plan",
            _("Median days to a plan"),
            _median(cur.plan_median, cur.requests),
            _median(prev.plan_median, prev.requests),
        ),
        Headline(
            "deadlines",
            _("Statutory deadlines met"),
            _protected_share(cur.deadlines_on_time, cur.deadlines_counted)
            if cur.deadlines_counted
            else "–",
            _protected_share(prev.deadlines_on_time, prev.deadlines_counted)
            if prev.deadlines_counted
            else "–",
        ),
        Headline(
            "satisfaction",
            _("Resident satisfaction (1–10)"),
            _mean(cur.satisfaction_sum, cur.satisfaction_count),
            _mean(prev.satisfaction_sum, prev.satisfaction_count),
        ),
        Headline("open", _("Open caseload now"), count(figures.open)),
        Headline("waiting", _("Waiting to be picked up"), count(figures.waiting)),
    ]
    return items


def _mean(total: int, count: int) -> str:
    if not count:
        return "–"
    if count < THRESHOLD:
        return SMALL
    return formats.number_format(total / count, 1)


def _series(label: str, suppressed: Any, keys: list[Any]) -> dict[str, Any]:
    return {"label": label, "data": [suppressed.number(key) for key in keys]}


class Table(Protocol):
    def show(self, key: Any) -> str: ...
    def number(self, key: Any) -> int | None: ...


def month_chart(
    figures: Figures, months: list[date], table: Table | None = None
) -> Chart:
    """`table`: the suppressed counts when they were suppressed together with
    other parts (a region's municipalities); else the chart suppresses its own."""
    table = table or one_way(
        {m: figures.current.requests_by_month.get(m, 0) for m in months}, TOTAL
    )
    rows = [(_month_label(m), [table.show(m)]) for m in months]
    rows.append((_("Total"), [table.show(TOTAL)]))
    label = _("Help requests")
    return Chart(
        key="months",
        title=_("Help requests per month"),
        kind="bar",
        headers=[_("Month"), label],
        rows=rows,
        labels=[_month_label(m) for m in months],
        series=[_series(label, table, months)],
    )


def municipality_key(area_or_id: Area | int) -> Any:
    """The key of a municipality's total in a region's per-area tables."""
    mid = area_or_id.municipality_id if isinstance(area_or_id, Area) else area_or_id
    return ("m", mid)


def by_area(values: dict[int, int], areas: list[Area]) -> Any:
    """Per neighbourhood, with district subtotals, the municipality's total (and in
    a region each municipality's total as a part of the region's), all suppressed
    together so that no filter can subtract its way to a small cell."""
    cells: dict[Any, int] = {("n", a.id): values.get(a.id, 0) for a in areas}
    districts: dict[int, list[Any]] = {}
    municipalities: dict[Any, list[Any]] = {}
    for a in areas:
        districts.setdefault(a.district_id, []).append(("n", a.id))
        parts = municipalities.setdefault(municipality_key(a), [])
        if ("d", a.district_id) not in parts:
            parts.append(("d", a.district_id))
    relations: list[Any] = []
    for district_id, parts in districts.items():
        cells[("d", district_id)] = sum(cells[p] for p in parts)
        relations.append((("d", district_id), parts))
    if len(municipalities) > 1:
        for key, parts in municipalities.items():
            cells[key] = sum(cells[p] for p in parts)
            relations.append((key, parts))
        cells[TOTAL] = sum(cells[key] for key in municipalities)
        relations.append((TOTAL, list(municipalities)))
    else:
        cells[TOTAL] = sum(cells[("d", d)] for d in districts)
        relations.append((TOTAL, [("d", d) for d in districts]))
    return suppress(cells, relations)


def neighbourhood_chart(
    values: dict[int, int], areas: list[Area], shown: set[int] | None
) -> Chart:
    table = by_area(values, areas)
    visible = [a for a in areas if shown is None or a.id in shown]
    label = _("Help requests")
    return Chart(
        key="neighbourhoods",
        title=_("Help requests per neighbourhood"),
        kind="bar",
        headers=[_("Neighbourhood"), _("District"), label],
        rows=[(a.name, [a.district, table.show(("n", a.id))]) for a in visible],
        labels=[a.name for a in visible],
        series=[_series(label, table, [("n", a.id) for a in visible])],
    )


def formal_care_chart(
    values: dict[int, int], areas: list[Area], shown: set[int] | None
) -> Chart:
    table = by_area(values, areas)
    visible = [a for a in areas if shown is None or a.id in shown]
    label = _("Referrals to formal care per 1,000 residents")
    rates = []
    rows = []
    for a in visible:
        n = table.number(("n", a.id))
        rates.append(
            None if n is None or not a.population else round(n * 1000 / a.population, 1)
        )
        rows.append(
            (
                a.name,
                [
                    table.show(("n", a.id)),
                    _rate(n, a.population)
                    if n is not None
                    else table.show(("n", a.id)),
                ],
            )
        )
    return Chart(
        key="formal_care",
        title=label,
        kind="bar",
        headers=[
            _("Neighbourhood"),
            _("Referrals to formal care"),
            _("Per 1,000 residents"),
        ],
        rows=rows,
        labels=[a.name for a in visible],
        series=[{"label": label, "data": rates}],
    )


def _labelled_chart(
    key: str,
    title: str,
    counts: dict[str, int],
    choices: Any,
    additive: bool,
    table: Table | None = None,
) -> Chart:
    keys = [value for value in choices.values if counts.get(value)] or []
    if table is None and additive:
        table = one_way({k: counts.get(k, 0) for k in keys}, TOTAL)
    elif table is None:
        table = suppress({k: counts.get(k, 0) for k in keys}, [])
    label = _("Help requests")
    rows = [(str(choices(k).label), [table.show(k)]) for k in keys]
    if additive and keys:
        rows.append((_("Total"), [table.show(TOTAL)]))
    return Chart(
        key=key,
        title=title,
        kind="bar",
        headers=[_("Category"), label],
        rows=rows,
        labels=[str(choices(k).label) for k in keys],
        series=[_series(label, table, keys)],
    )


def domain_chart(figures: Figures, table: Table | None = None) -> Chart:
    chart = _labelled_chart(
        "domains",
        _("Help requests per domain"),
        figures.current.requests_by_domain,
        Domain,
        False,
        table,
    )
    chart.caption = _("A request can concern several domains.")
    return chart


def life_event_chart(figures: Figures, table: Table | None = None) -> Chart:
    chart = _labelled_chart(
        "life_events",
        _("Help requests per life event"),
        figures.current.life_events,
        LifeEvent,
        False,
        table,
    )
    chart.caption = _("A request can mention several life events.")
    return chart


def outcome_chart(figures: Figures, table: Table | None = None) -> Chart:
    chart = _labelled_chart(
        "outcomes",
        _("How requests were resolved"),
        figures.current.outcomes,
        Outcome,
        True,
        table,
    )
    chart.headers[1] = _("Closed requests")
    return chart


def profile_table(figures: Figures, areas: list[Area], shown: set[int] | None) -> Chart:
    """Requests per life event per 1,000 residents, per neighbourhood."""
    by_nbh = figures.current.life_events_by_neighbourhood
    cells = {
        (a.id, e): by_nbh.get(a.id, {}).get(e, 0) for a in areas for e in LIFE_EVENTS
    }
    totals = {
        a.id: figures.current.requests_by_neighbourhood.get(a.id, 0) for a in areas
    }
    if len({a.municipality_id for a in areas}) > 1:
        table = _region_profiles(cells, totals, areas)
    else:
        table = two_way(
            cells,
            [a.id for a in areas],
            LIFE_EVENTS,
            row_totals=totals,
            total_key=TOTAL,
        )
    visible = [a for a in areas if shown is None or a.id in shown]
    rows = []
    for a in visible:
        values = []
        for event in LIFE_EVENTS:
            n = table.number((a.id, event))
            values.append(
                _rate(n, a.population) if n is not None else table.show((a.id, event))
            )
        rows.append(
            (
                a.name,
                [formats.number_format(a.population, force_grouping=True), *values],
            )
        )
    return Chart(
        key="profiles",
        title=_(
            "Neighbourhood profiles: help requests per life event per 1,000 residents"
        ),
        kind="table",
        headers=[
            _("Neighbourhood"),
            _("Residents"),
            *[str(LifeEvent(e).label) for e in LIFE_EVENTS],
        ],
        rows=rows,
    )


def _region_profiles(
    cells: dict[tuple[int, str], int], totals: dict[int, int], areas: list[Area]
) -> Any:
    """The profiles of a region: each life event's column adds up per municipality,
    and the municipalities add up to the region (as the per-area tables do)."""
    parts: dict[Any, list[int]] = {}
    for a in areas:
        parts.setdefault(municipality_key(a), []).append(a.id)
    values: dict[Any, int] = dict(cells)
    relations: list[Any] = []
    for event in [*LIFE_EVENTS, TOTAL]:

        def value(area_id: int, event: str = event) -> int:
            return totals[area_id] if event == TOTAL else cells[(area_id, event)]

        for key, ids in parts.items():
            for area_id in ids:
                values[(area_id, event)] = value(area_id)
            values[(key, event)] = sum(value(i) for i in ids)
            relations.append(((key, event), [(i, event) for i in ids]))
        values[(TOTAL, event)] = sum(values[(key, event)] for key in parts)
        relations.append(((TOTAL, event), [(key, event) for key in parts]))
    return suppress(values, relations)


def outcome_shares(figures: Figures) -> list[tuple[str, str]]:
    """Share of each outcome among resolved requests (for reports)."""
    cur = figures.current
    return [
        (str(Outcome(o).label), _protected_share(cur.outcomes.get(o, 0), cur.resolved))
        for o in OUTCOMES
        if o in cur.outcomes and cur.resolved
    ]


LEGEND = gettext_lazy(
    "<5: fewer than five. –: hidden so that small numbers cannot be worked out "
    "from the totals."
)
__all__ = ["FORMAL_CARE", "HIDDEN", "LEGEND", "SMALL"]

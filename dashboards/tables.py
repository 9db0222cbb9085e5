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
from dashboards.figures import FORMAL_CARE, LIFE_EVENTS, Figures
from dashboards.privacy import HIDDEN, SMALL, THRESHOLD, one_way, suppress

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


def headlines(
    figures: Figures,
    *,
    population: int,
    requests: Table,
    outcomes: Table,
    scalars: Table,
) -> list[Headline]:
    """The key figures of a view. Every count is a cell of the view's row of a
    table suppressed over all views (`dashboards.consistent`): `requests` (its total
    column, also the month chart's total), `outcomes` (the groups "close", "formal",
    "resolved"), `scalars` (the previous period's counts, the caseload, and the
    counts behind medians, shares and means). A derived figure is shown only when
    every count it is computed from is shown."""
    cur, prev = figures.current, figures.previous

    def count(table: Table, key: Any) -> str:
        n = table.number(key)
        if n is None:
            return table.show(key)
        return formats.number_format(n, force_grouping=True)

    def delta() -> str:
        now, before = requests.number(TOTAL), scalars.number("prev_requests")
        if now is None or before is None or before < THRESHOLD:
            return ""
        return f"{(now - before) * 100 / before:+.0f}%"

    def share(table: Table, part: str, whole: str, raw_whole: int) -> str:
        if not raw_whole:
            return "–"
        n, d = table.number(part), table.number(whole)
        if d is None:
            return table.show(whole)
        if n is None:
            return table.show(part)
        return _share(n, d)

    def rate(table: Table, key: str) -> str:
        n = table.number(key)
        if n is None:
            return table.show(key)
        return _rate(n, population)

    def gated(key: str, text: str) -> str:
        # A median, share or mean over a group the table does not show.
        if scalars.number(key) is None:
            return scalars.show(key)
        return text

    def median(value: float | None, key: str) -> str:
        if value is None:
            return "–"
        return gated(key, formats.number_format(value, 1 if value % 1 else 0))

    def ratio(part: int, whole: int, key: str) -> str:
        # Both sides of a share count people: met and missed each 0 or >= 5, or
        # the share (with the count a reader may know) would tell a small one.
        if not whole:
            return "–"
        if any(0 < n < THRESHOLD for n in (part, whole - part)):
            return HIDDEN
        return gated(key, _share(part, whole))

    def mean(total: int, n: int, key: str) -> str:
        return gated(key, formats.number_format(total / n, 1)) if n else "–"

    return [
        Headline(
            "requests",
            _("Help requests"),
            count(requests, TOTAL),
            count(scalars, "prev_requests"),
            delta(),
        ),
        Headline(
            "close_to_home",
            _("Solved close to home"),
            share(outcomes, "close", "resolved", cur.resolved),
            share(scalars, "prev_close", "prev_resolved", prev.resolved),
        ),
        Headline(
            "formal_care",
            _("Referrals to formal care per 1,000 residents"),
            rate(outcomes, "formal"),
            rate(scalars, "prev_formal"),
        ),
        Headline(
            "first_contact",
            _("Median days to first contact"),
            median(cur.first_contact_median, "contact"),
            median(prev.first_contact_median, "prev_contact"),
        ),
        Headline(
            "plan",
            _("Median days to a plan"),
            median(cur.plan_median, "plan"),
            median(prev.plan_median, "prev_plan"),
        ),
        Headline(
            "deadlines",
            _("Statutory deadlines met"),
            ratio(cur.deadlines_on_time, cur.deadlines_counted, "deadlines"),
            ratio(prev.deadlines_on_time, prev.deadlines_counted, "prev_deadlines"),
        ),
        Headline(
            "satisfaction",
            _("Resident satisfaction (1–10)"),
            mean(cur.satisfaction_sum, cur.satisfaction_count, "satisfaction"),
            mean(prev.satisfaction_sum, prev.satisfaction_count, "prev_satisfaction"),
        ),
        Headline("open", _("Open caseload now"), count(scalars, "open")),
        Headline("waiting", _("Waiting to be picked up"), count(scalars, "waiting")),
    ]


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


class AreaTable(Protocol):
    """A table keyed (area key, column), suppressed over all areas."""

    def show(self, key: Any) -> str: ...
    def number(self, key: Any) -> int | None: ...


def neighbourhood_chart(
    table: AreaTable, column: Any, areas: list[Area], shown: set[int] | None
) -> Chart:
    """The requests of each neighbourhood: the total column of the request table."""
    visible = [a for a in areas if shown is None or a.id in shown]
    keys = [(("n", a.id), column) for a in visible]
    label = _("Help requests")
    return Chart(
        key="neighbourhoods",
        title=_("Help requests per neighbourhood"),
        kind="bar",
        headers=[_("Neighbourhood"), _("District"), label],
        rows=[
            (a.name, [a.district, table.show(k)])
            for a, k in zip(visible, keys, strict=True)
        ],
        labels=[a.name for a in visible],
        series=[_series(label, table, keys)],
    )


def formal_care_chart(
    table: AreaTable, column: Any, areas: list[Area], shown: set[int] | None
) -> Chart:
    """Referrals per neighbourhood: the formal-care column of the outcome table."""
    visible = [a for a in areas if shown is None or a.id in shown]
    label = _("Referrals to formal care per 1,000 residents")
    rates = []
    rows = []
    for a in visible:
        key = (("n", a.id), column)
        n = table.number(key)
        rates.append(
            None if n is None or not a.population else round(n * 1000 / a.population, 1)
        )
        rows.append(
            (
                a.name,
                [
                    table.show(key),
                    _rate(n, a.population) if n is not None else table.show(key),
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


def profile_table(table: AreaTable, areas: list[Area], shown: set[int] | None) -> Chart:
    """Requests per life event per 1,000 residents, per neighbourhood: the life-event
    table (whose rows are also the life-event charts of the neighbourhoods)."""
    visible = [a for a in areas if shown is None or a.id in shown]
    rows = []
    for a in visible:
        values = []
        for event in LIFE_EVENTS:
            key = (("n", a.id), event)
            n = table.number(key)
            values.append(_rate(n, a.population) if n is not None else table.show(key))
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


LEGEND = gettext_lazy(
    "<5: fewer than five (0 to 4). x: hidden, although it may be five or more, so "
    "that no small number can be worked out from the totals, the other charts or "
    "the same figure under other filters. –: nothing to count."
)
__all__ = ["FORMAL_CARE", "HIDDEN", "LEGEND", "SMALL"]

"""What the dashboard shows, as plain numbers: the same `Figures` come from the
summary tables (`from_summaries`, what the pages use) and from the live tables
(`dashboards.live.figures`, the check and the benchmark's baseline).

Definitions:
- requests, life events: requests submitted in the period;
- days to first contact: from the day of submission to the first contact moment;
  days to a plan: to the first goal of the household's plan (never below 0); medians
  over the requests submitted in the period that got there;
- statutory deadlines: those falling due in the period that were met or passed
  unmet (suspended ones not); met on time when met on or before the due day;
- outcomes and satisfaction: requests closed (or withdrawn) in the period;
- open caseload and waiting (open, no contact person yet): now, whatever the period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q, Sum

from citizens.models import LifeEvent, Outcome
from dashboards.models import ALL_DOMAINS, ALL_PILOTS, MonthlySummary

LIFE_EVENTS: list[str] = list(LifeEvent.values)
OUTCOMES: list[str] = list(Outcome.values)
CLOSE_TO_HOME = (
    Outcome.OWN_NETWORK,
    Outcome.NEIGHBOURHOOD_NETWORK,
    Outcome.LOCAL_ORGANISATION,
)
FORMAL_CARE = (Outcome.FORMAL_PROVISION, Outcome.REFERRED)
RESOLVED = (*CLOSE_TO_HOME, *FORMAL_CARE)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_span(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Scope:
    """One or more municipalities (a region), a period of whole months (first days
    of the first and last month) and the filters."""

    municipality_ids: tuple[int, ...]
    start: date
    end: date
    neighbourhood_ids: tuple[int, ...] | None = None
    domain: str = ALL_DOMAINS
    pilot: int = ALL_PILOTS

    @property
    def months(self) -> list[date]:
        return [
            add_months(self.start, i) for i in range(month_span(self.start, self.end))
        ]

    @property
    def previous_start(self) -> date:
        return add_months(self.start, -month_span(self.start, self.end))

    @property
    def previous_end(self) -> date:
        return add_months(self.start, -1)

    @property
    def after_end(self) -> date:
        return add_months(self.end, 1)


@dataclass
class PeriodFigures:
    requests_by_month: dict[date, int] = field(default_factory=dict)
    requests_by_neighbourhood: dict[int, int] = field(default_factory=dict)
    requests_by_domain: dict[str, int] = field(default_factory=dict)
    life_events: dict[str, int] = field(default_factory=dict)
    life_events_by_neighbourhood: dict[int, dict[str, int]] = field(
        default_factory=dict
    )
    outcomes: dict[str, int] = field(default_factory=dict)
    formal_care_by_neighbourhood: dict[int, int] = field(default_factory=dict)
    satisfaction_count: int = 0
    satisfaction_sum: int = 0
    deadlines_counted: int = 0
    deadlines_on_time: int = 0
    first_contact_median: float | None = None
    plan_median: float | None = None
    # The day counts behind the medians, so that parts (municipalities) can be added.
    histograms: dict[str, dict[int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def requests(self) -> int:
        return sum(self.requests_by_month.values())

    @property
    def resolved(self) -> int:
        return sum(self.outcomes.get(o, 0) for o in RESOLVED)

    @property
    def close_to_home(self) -> int:
        return sum(self.outcomes.get(o, 0) for o in CLOSE_TO_HOME)

    @property
    def formal_care(self) -> int:
        return sum(self.outcomes.get(o, 0) for o in FORMAL_CARE)


@dataclass
class Figures:
    current: PeriodFigures
    previous: PeriodFigures
    open: int = 0
    waiting: int = 0


def _nonzero(values: dict[Any, int]) -> dict[Any, int]:
    return {key: value for key, value in values.items() if value}


def median_of_histogram(histogram: dict[int, int]) -> float | None:
    """The median (as PostgreSQL's percentile_cont(0.5)) of values given as counts."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        for position in wanted[len(found) :]:
            if position < seen + count:
                found.append(value)
        seen += count
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


def _add(into: dict[Any, int], values: dict[Any, int]) -> None:
    for key, value in values.items():
        into[key] = into.get(key, 0) + value


def _merge_period(parts: list[PeriodFigures]) -> PeriodFigures:
    total = PeriodFigures()
    by_nbh_life: dict[int, dict[str, int]] = defaultdict(dict)
    for part in parts:
        for name in (
            "requests_by_month",
            "requests_by_neighbourhood",
            "requests_by_domain",
            "life_events",
            "outcomes",
            "formal_care_by_neighbourhood",
        ):
            _add(getattr(total, name), getattr(part, name))
        for nbh, counts in part.life_events_by_neighbourhood.items():
            _add(by_nbh_life[nbh], counts)
        for name in (
            "satisfaction_count",
            "satisfaction_sum",
            "deadlines_counted",
            "deadlines_on_time",
        ):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for kind, histogram in part.histograms.items():
            _add(total.histograms.setdefault(kind, {}), histogram)
    total.life_events_by_neighbourhood = dict(by_nbh_life)
    total.first_contact_median = median_of_histogram(
        total.histograms.get("contact", {})
    )
    total.plan_median = median_of_histogram(total.histograms.get("plan", {}))
    return total


def merge(parts: list[Figures]) -> Figures:
    """The figures of several municipalities together (medians from the added
    day counts, so they equal the median over all their requests)."""
    return Figures(
        current=_merge_period([p.current for p in parts]),
        previous=_merge_period([p.previous for p in parts]),
        open=sum(p.open for p in parts),
        waiting=sum(p.waiting for p in parts),
    )


def from_summaries(scope: Scope) -> Figures:
    """The figures of `scope` and of the period before it, from the summary tables
    (three queries)."""
    return merge(list(by_municipality(scope).values()))


def by_municipality(scope: Scope) -> dict[int, Figures]:
    """The figures of each municipality of `scope` (every one, with or without
    data), from the summary tables in three queries."""
    ids = list(scope.municipality_ids)
    found = {m: _Collected(scope) for m in ids}
    rows = (
        MonthlySummary.objects.filter(
            municipality_id__in=ids, domain=scope.domain, pilot=scope.pilot
        )
        .filter(
            Q(month__gte=scope.previous_start, month__lte=scope.end)
            | Q(open__gt=0)
            | Q(waiting__gt=0)
        )
        .values_list(
            "municipality_id",
            "neighbourhood_id",
            "month",
            "requests",
            "life_events",
            "open",
            "waiting",
            "outcomes",
            "satisfaction_count",
            "satisfaction_sum",
            "deadlines_counted",
            "deadlines_on_time",
        )
    )
    if scope.neighbourhood_ids is not None:
        rows = rows.filter(neighbourhood_id__in=scope.neighbourhood_ids)
    for municipality, *row in rows:
        found[municipality].add_row(*row)

    per_domain = MonthlySummary.objects.filter(
        municipality_id__in=ids,
        pilot=scope.pilot,
        month__gte=scope.start,
        month__lte=scope.end,
    ).exclude(domain=ALL_DOMAINS)
    if scope.domain != ALL_DOMAINS:
        per_domain = per_domain.filter(domain=scope.domain)
    if scope.neighbourhood_ids is not None:
        per_domain = per_domain.filter(neighbourhood_id__in=scope.neighbourhood_ids)
    for municipality, domain, total in (
        per_domain.values("municipality_id", "domain")
        .annotate(total=Sum("requests"))
        .values_list("municipality_id", "domain", "total")
    ):
        if total:
            found[municipality].domain_counts[domain] = total

    for municipality, period, kind, days, count in _duration_rows(scope):
        found[municipality].histograms[period][kind][days] = count
    return {m: collected.figures() for m, collected in found.items()}


Combo = tuple[str, int]


def by_neighbourhood(
    scope: Scope, combos: list[Combo]
) -> dict[Combo, dict[int, Figures]]:
    """The figures of every neighbourhood of the municipalities of `scope` (its
    neighbourhood filter left out), for each (domain, pilot) of `combos`, from the
    summary tables in three queries: what the dashboard suppresses jointly."""
    ids = list(scope.municipality_ids)
    domains = sorted({d for d, _p in combos})
    pilots = sorted({p for _d, p in combos})
    wanted = set(combos)
    found: dict[Combo, dict[int, _Collected]] = {c: {} for c in combos}

    def collected(domain: str, pilot: int, nbh: int) -> _Collected | None:
        if (domain, pilot) not in wanted:
            return None
        per = found[(domain, pilot)]
        if nbh not in per:
            per[nbh] = _Collected(scope)
        return per[nbh]

    rows = (
        MonthlySummary.objects.filter(
            municipality_id__in=ids, domain__in=domains, pilot__in=pilots
        )
        .filter(
            Q(month__gte=scope.previous_start, month__lte=scope.end)
            | Q(open__gt=0)
            | Q(waiting__gt=0)
        )
        .values_list(
            "domain",
            "pilot",
            "neighbourhood_id",
            "month",
            "requests",
            "life_events",
            "open",
            "waiting",
            "outcomes",
            "satisfaction_count",
            "satisfaction_sum",
            "deadlines_counted",
            "deadlines_on_time",
        )
    )
    for domain, pilot, *row in rows:
        target = collected(domain, pilot, row[0])
        if target is not None:
            target.add_row(*row)

    all_domains = ALL_DOMAINS in domains
    per_domain = MonthlySummary.objects.filter(
        municipality_id__in=ids,
        pilot__in=pilots,
        month__gte=scope.start,
        month__lte=scope.end,
    ).exclude(domain=ALL_DOMAINS)
    if not all_domains:
        per_domain = per_domain.filter(domain__in=domains)
    for domain, pilot, nbh, total in (
        per_domain.values("domain", "pilot", "neighbourhood_id")
        .annotate(total=Sum("requests"))
        .values_list("domain", "pilot", "neighbourhood_id", "total")
    ):
        if not total:
            continue
        # The domain chart of a view: all domains when it shows all, else its own.
        for combo_domain in (ALL_DOMAINS, domain):
            target = collected(combo_domain, pilot, nbh)
            if target is not None:
                target.domain_counts[domain] = total

    sql = """
        SELECT domain, pilot, neighbourhood_id,
               CASE WHEN month >= %(start)s THEN 'c' ELSE 'p' END, kind, days,
               SUM(count)
        FROM dashboards_durationsummary
        WHERE municipality_id = ANY(%(municipalities)s)
          AND domain = ANY(%(domains)s) AND pilot = ANY(%(pilots)s)
          AND month BETWEEN %(previous_start)s AND %(end)s
        GROUP BY 1, 2, 3, 4, 5, 6
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": scope.start,
                "municipalities": ids,
                "domains": domains,
                "pilots": pilots,
                "previous_start": scope.previous_start,
                "end": scope.end,
            },
        )
        for domain, pilot, nbh, period, kind, days, count in cursor.fetchall():
            target = collected(domain, pilot, nbh)
            if target is not None:
                target.histograms[period][kind][days] = int(count)
    return {
        combo: {nbh: c.figures() for nbh, c in per.items()}
        for combo, per in found.items()
    }


class _Collected:
    """The figures of one municipality, added up from its summary rows."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.current, self.previous = PeriodFigures(), PeriodFigures()
        self.life: dict[str, dict[str, int]] = {p: defaultdict(int) for p in "cp"}
        self.outcomes: dict[str, dict[str, int]] = {p: defaultdict(int) for p in "cp"}
        self.by_nbh_life: dict[int, dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self.by_nbh: dict[int, int] = defaultdict(int)
        self.formal_by_nbh: dict[int, int] = defaultdict(int)
        self.open = self.waiting = 0
        self.domain_counts: dict[str, int] = {}
        self.histograms: dict[str, dict[str, dict[int, int]]] = {
            p: {"contact": {}, "plan": {}} for p in "cp"
        }

    def add_row(
        self,
        nbh: int,
        month: date,
        requests: int,
        life_events: list[int],
        is_open: int,
        waiting: int,
        outcome_counts: list[int],
        sat_count: int,
        sat_sum: int,
        dl_counted: int,
        dl_on_time: int,
    ) -> None:
        scope = self.scope
        self.open += is_open
        self.waiting += waiting
        if month < scope.previous_start or month > scope.end:
            return
        key = "c" if month >= scope.start else "p"
        figures = self.current if key == "c" else self.previous
        if requests:
            figures.requests_by_month[month] = (
                figures.requests_by_month.get(month, 0) + requests
            )
        for name, count in zip(LIFE_EVENTS, life_events, strict=False):
            self.life[key][name] += count
            if key == "c":
                self.by_nbh_life[nbh][name] += count
        for name, count in zip(OUTCOMES, outcome_counts, strict=False):
            self.outcomes[key][name] += count
        if key == "c":
            self.by_nbh[nbh] += requests
            self.formal_by_nbh[nbh] += sum(
                count
                for name, count in zip(OUTCOMES, outcome_counts, strict=False)
                if name in FORMAL_CARE
            )
        figures.satisfaction_count += sat_count
        figures.satisfaction_sum += sat_sum
        figures.deadlines_counted += dl_counted
        figures.deadlines_on_time += dl_on_time

    def figures(self) -> Figures:
        current, previous = self.current, self.previous
        for key, figures in (("c", current), ("p", previous)):
            figures.life_events = _nonzero(self.life[key])
            figures.outcomes = _nonzero(self.outcomes[key])
            figures.histograms = self.histograms[key]
            figures.first_contact_median = median_of_histogram(
                self.histograms[key]["contact"]
            )
            figures.plan_median = median_of_histogram(self.histograms[key]["plan"])
        current.requests_by_neighbourhood = _nonzero(self.by_nbh)
        current.formal_care_by_neighbourhood = _nonzero(self.formal_by_nbh)
        current.life_events_by_neighbourhood = {
            nbh: _nonzero(counts)
            for nbh, counts in self.by_nbh_life.items()
            if any(counts.values())
        }
        current.requests_by_domain = dict(self.domain_counts)
        return Figures(
            current=current, previous=previous, open=self.open, waiting=self.waiting
        )


def _duration_rows(scope: Scope) -> list[tuple[int, str, str, int, int]]:
    sql = """
        SELECT municipality_id,
               CASE WHEN month >= %(start)s THEN 'c' ELSE 'p' END, kind, days,
               SUM(count)
        FROM dashboards_durationsummary
        WHERE municipality_id = ANY(%(municipalities)s) AND domain = %(domain)s
          AND pilot = %(pilot)s AND month BETWEEN %(previous_start)s AND %(end)s
          AND (%(all_nbh)s OR neighbourhood_id = ANY(%(nbh)s))
        GROUP BY 1, 2, 3, 4
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": scope.start,
                "municipalities": list(scope.municipality_ids),
                "domain": scope.domain,
                "pilot": scope.pilot,
                "previous_start": scope.previous_start,
                "end": scope.end,
                "all_nbh": scope.neighbourhood_ids is None,
                "nbh": list(scope.neighbourhood_ids or ()),
            },
        )
        return [
            (municipality, period, kind, days, int(count))
            for municipality, period, kind, days, count in cursor.fetchall()
        ]

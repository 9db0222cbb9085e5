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
    """A municipality, a period of whole months (first days of the first and last
    month) and the filters."""

    municipality_id: int
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


def from_summaries(scope: Scope) -> Figures:
    """The figures of `scope` and of the period before it, from the summary tables
    (three queries)."""
    current, previous = PeriodFigures(), PeriodFigures()
    cells = MonthlySummary.objects.filter(
        municipality_id=scope.municipality_id, domain=scope.domain, pilot=scope.pilot
    )
    if scope.neighbourhood_ids is not None:
        cells = cells.filter(neighbourhood_id__in=scope.neighbourhood_ids)
    life = {p: defaultdict(int) for p in ("c", "p")}
    outcomes = {p: defaultdict(int) for p in ("c", "p")}
    by_nbh_life: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_nbh: dict[int, int] = defaultdict(int)
    formal_by_nbh: dict[int, int] = defaultdict(int)
    open_total = waiting_total = 0
    domain_counts: dict[str, int] = defaultdict(int)
    period_filter = Q(month__gte=scope.previous_start, month__lte=scope.end)
    rows = cells.filter(period_filter | Q(open__gt=0) | Q(waiting__gt=0)).values_list(
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
    for (
        nbh,
        month,
        requests,
        life_events,
        is_open,
        waiting,
        outcome_counts,
        sat_count,
        sat_sum,
        dl_counted,
        dl_on_time,
    ) in rows:
        open_total += is_open
        waiting_total += waiting
        if month < scope.previous_start or month > scope.end:
            continue
        key = "c" if month >= scope.start else "p"
        figures = current if key == "c" else previous
        if requests:
            figures.requests_by_month[month] = (
                figures.requests_by_month.get(month, 0) + requests
            )
        for name, count in zip(LIFE_EVENTS, life_events, strict=False):
            life[key][name] += count
            if key == "c":
                by_nbh_life[nbh][name] += count
        for name, count in zip(OUTCOMES, outcome_counts, strict=False):
            outcomes[key][name] += count
        if key == "c":
            by_nbh[nbh] += requests
            formal_by_nbh[nbh] += sum(
                count
                for name, count in zip(OUTCOMES, outcome_counts, strict=False)
                if name in FORMAL_CARE
            )
        figures.satisfaction_count += sat_count
        figures.satisfaction_sum += sat_sum
        figures.deadlines_counted += dl_counted
        figures.deadlines_on_time += dl_on_time
    for key, figures in (("c", current), ("p", previous)):
        figures.life_events = _nonzero(life[key])
        figures.outcomes = _nonzero(outcomes[key])
    current.requests_by_neighbourhood = _nonzero(by_nbh)
    current.formal_care_by_neighbourhood = _nonzero(formal_by_nbh)
    current.life_events_by_neighbourhood = {
        nbh: _nonzero(counts)
        for nbh, counts in by_nbh_life.items()
        if any(counts.values())
    }

    per_domain = MonthlySummary.objects.filter(
        municipality_id=scope.municipality_id,
        pilot=scope.pilot,
        month__gte=scope.start,
        month__lte=scope.end,
    ).exclude(domain=ALL_DOMAINS)
    if scope.domain != ALL_DOMAINS:
        per_domain = per_domain.filter(domain=scope.domain)
    if scope.neighbourhood_ids is not None:
        per_domain = per_domain.filter(neighbourhood_id__in=scope.neighbourhood_ids)
    for domain, total in (
        per_domain.values("domain")
        .annotate(total=Sum("requests"))
        .values_list("domain", "total")
    ):
        domain_counts[domain] = total
    current.requests_by_domain = _nonzero(domain_counts)

    medians = _duration_medians(scope)
    current.first_contact_median = medians.get(("c", "contact"))
    current.plan_median = medians.get(("c", "plan"))
    previous.first_contact_median = medians.get(("p", "contact"))
    previous.plan_median = medians.get(("p", "plan"))
    return Figures(
        current=current, previous=previous, open=open_total, waiting=waiting_total
    )


def _duration_medians(scope: Scope) -> dict[tuple[str, str], float | None]:
    sql = """
        SELECT CASE WHEN month >= %(start)s THEN 'c' ELSE 'p' END, kind, days,
               SUM(count)
        FROM dashboards_durationsummary
        WHERE municipality_id = %(municipality)s AND domain = %(domain)s
          AND pilot = %(pilot)s AND month BETWEEN %(previous_start)s AND %(end)s
          AND (%(all_nbh)s OR neighbourhood_id = ANY(%(nbh)s))
        GROUP BY 1, 2, 3
    """
    histograms: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "start": scope.start,
                "municipality": scope.municipality_id,
                "domain": scope.domain,
                "pilot": scope.pilot,
                "previous_start": scope.previous_start,
                "end": scope.end,
                "all_nbh": scope.neighbourhood_ids is None,
                "nbh": list(scope.neighbourhood_ids or ()),
            },
        )
        for period, kind, days, count in cursor.fetchall():
            histograms[(period, kind)][days] = int(count)
    return {key: median_of_histogram(h) for key, h in histograms.items()}

"""Keeping the summary tables current.

Triggers note every changed help request in `DirtyRequest`. `refresh()` takes those
ids, rebuilds their fact rows from the live tables, and re-aggregates only the
(neighbourhood, month) cells the old and new facts touch. A deadline that passes
unmet changes a figure without any row changing, so each run also takes the
requests whose open deadlines fell due since the previous run. With many changes
(a bulk load) it rebuilds everything instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from citizens.models import OPEN_STATUSES, Status
from dashboards.figures import LIFE_EVENTS, OUTCOMES
from dashboards.models import PilotSummary, RefreshState

FULL_REBUILD_ABOVE = 20_000
LOCK_KEY = 0x6B5F64617368  # pg_advisory_xact_lock: one refresh at a time

_OPEN = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
_ENDED = f"'{Status.CLOSED}', '{Status.WITHDRAWN}'"

# Pilots a help request takes part in: participants enrolled from the request.
PILOTS_OF_REQUEST = """COALESCE((
    SELECT array_agg(DISTINCT pp.pilot_id ORDER BY pp.pilot_id)
    FROM pilots_participant pp WHERE pp.help_request_id = hr.id), '{}'::bigint[])"""

FACTS_SQL = f"""
INSERT INTO dashboards_requestfact (
    help_request_id, municipality_id, neighbourhood_id, submitted_month,
    closed_month, domains, life_events, pilots, first_contact_days, plan_days,
    outcome, satisfaction, is_open, is_waiting)
SELECT hr.id, hr.municipality_id, hr.neighbourhood_id,
    date_trunc('month', hr.submitted_at AT TIME ZONE %(tz)s)::date,
    CASE WHEN hr.status IN ({_ENDED}) AND hr.closed_at IS NOT NULL
         THEN date_trunc('month', hr.closed_at AT TIME ZONE %(tz)s)::date END,
    COALESCE(ARRAY(SELECT DISTINCT x FROM unnest(t.domains) AS x ORDER BY x), '{{}}'),
    ARRAY(SELECT DISTINCT x FROM unnest(hr.life_events) AS x ORDER BY x),
    __PILOTS__,
    CASE WHEN fc.first_day IS NOT NULL THEN greatest(
        0, fc.first_day - (hr.submitted_at AT TIME ZONE %(tz)s)::date) END,
    CASE WHEN pl.first_day IS NOT NULL THEN greatest(
        0, pl.first_day - (hr.submitted_at AT TIME ZONE %(tz)s)::date) END,
    CASE WHEN hr.status IN ({_ENDED}) AND hr.closed_at IS NOT NULL
         THEN hr.outcome ELSE '' END,
    CASE WHEN hr.status = '{Status.CLOSED}' AND hr.closed_at IS NOT NULL
         THEN hr.satisfaction_score END,
    hr.status IN ({_OPEN}),
    hr.status IN ({_OPEN}) AND hr.contact_person_id IS NULL
FROM citizens_helprequest hr
LEFT JOIN casework_triage t ON t.help_request_id = hr.id
LEFT JOIN (
    SELECT help_request_id, min(happened_on) AS first_day
    FROM casework_contactmoment WHERE __IDS_CM__ GROUP BY help_request_id
) fc ON fc.help_request_id = hr.id
LEFT JOIN (
    SELECT m.help_request_id, min((g.created_at AT TIME ZONE %(tz)s)::date) AS first_day
    FROM casework_householdmembership m
    JOIN casework_plangoal g ON g.household_id = m.household_id
    WHERE __IDS_M__ GROUP BY m.help_request_id
) pl ON pl.help_request_id = hr.id
WHERE __IDS_HR__
"""


def facts_sql(*, ids: bool) -> str:
    """The fact rows of all requests, or of those in %(ids)s."""
    return (
        FACTS_SQL.replace("__PILOTS__", PILOTS_OF_REQUEST)
        .replace("__IDS_CM__", "help_request_id = ANY(%(ids)s)" if ids else "TRUE")
        .replace("__IDS_M__", "m.help_request_id = ANY(%(ids)s)" if ids else "TRUE")
        .replace("__IDS_HR__", "hr.id = ANY(%(ids)s)" if ids else "TRUE")
    )


DEADLINE_FACTS_SQL = """
INSERT INTO dashboards_deadlinefact (
    deadline_id, help_request_id, neighbourhood_id, due_month, counted, on_time)
SELECT d.id, d.help_request_id, hr.neighbourhood_id,
    date_trunc('month', d.due)::date,
    d.met_at IS NOT NULL OR (d.suspended_since IS NULL AND d.due < %(today)s),
    d.met_at IS NOT NULL AND (d.met_at AT TIME ZONE %(tz)s)::date <= d.due
FROM casework_deadline d
JOIN citizens_helprequest hr ON hr.id = d.help_request_id
WHERE {ids_d}
"""

_UNNEST = """
CROSS JOIN LATERAL (SELECT DISTINCT x FROM unnest(ARRAY['']::varchar[] || f.domains)
                    AS x) AS dm(domain)
CROSS JOIN LATERAL (SELECT DISTINCT x FROM unnest(ARRAY[0]::bigint[] || f.pilots)
                    AS x) AS pl(pilot)
"""
_CELLS_TABLE = "unnest(%(cell_n)s::bigint[], %(cell_m)s::date[]) AS c(n, m)"


def _source(table: str, nbh: str, month: str, cells: bool) -> str:
    """`table`, joined to the cells to rebuild when there are any: a join (not
    `(a, b) IN (...)`) lets PostgreSQL use the (neighbourhood, month) indexes."""
    if not cells:
        return table
    return f"{_CELLS_TABLE} JOIN {table} ON {nbh} = c.n AND {month} = c.m"


def _zeros(n: int) -> str:
    return ", ".join(["0"] * n)


def _summary_sql(cells: bool) -> str:
    requests_by = {
        month: _source("dashboards_requestfact f", "f.neighbourhood_id", month, cells)
        for month in ("f.submitted_month", "f.closed_month")
    }
    deadlines = _source(
        "dashboards_deadlinefact df", "df.neighbourhood_id", "df.due_month", cells
    )

    life = ", ".join(
        f"count(*) FILTER (WHERE '{event}' = ANY(f.life_events))"
        for event in LIFE_EVENTS
    )
    outcomes = ", ".join(
        f"count(*) FILTER (WHERE f.outcome = '{outcome}')" for outcome in OUTCOMES
    )
    n_life, n_out = len(LIFE_EVENTS), len(OUTCOMES)
    life_sums = ", ".join(f"SUM(le{i})" for i in range(n_life))
    out_sums = ", ".join(f"SUM(oc{i})" for i in range(n_out))
    columns = ", ".join(
        ["municipality_id", "neighbourhood_id", "month", "domain", "pilot", "requests"]
        + [f"le{i}" for i in range(n_life)]
        + ["open", "waiting"]
        + [f"oc{i}" for i in range(n_out)]
        + ["sc", "ss", "dc", "dt"]
    )
    return f"""
INSERT INTO dashboards_monthlysummary (
    municipality_id, neighbourhood_id, month, domain, pilot, requests, life_events,
    open, waiting, outcomes, satisfaction_count, satisfaction_sum,
    deadlines_counted, deadlines_on_time)
SELECT municipality_id, neighbourhood_id, month, domain, pilot, SUM(requests)::int,
    ARRAY[{life_sums}]::int[], SUM(open)::int, SUM(waiting)::int,
    ARRAY[{out_sums}]::int[], SUM(sc)::int, SUM(ss)::int, SUM(dc)::int, SUM(dt)::int
FROM (
    SELECT f.municipality_id, f.neighbourhood_id, f.submitted_month, dm.domain,
        pl.pilot, count(*), {life},
        count(*) FILTER (WHERE f.is_open), count(*) FILTER (WHERE f.is_waiting),
        {_zeros(n_out)}, 0, 0, 0, 0
    FROM {requests_by["f.submitted_month"]} {_UNNEST}
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT f.municipality_id, f.neighbourhood_id, f.closed_month, dm.domain,
        pl.pilot, 0, {_zeros(n_life)}, 0, 0, {outcomes},
        count(f.satisfaction), COALESCE(SUM(f.satisfaction), 0), 0, 0
    FROM {requests_by["f.closed_month"]} {_UNNEST}
    WHERE f.closed_month IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT f.municipality_id, df.neighbourhood_id, df.due_month, dm.domain,
        pl.pilot, 0, {_zeros(n_life)}, 0, 0, {_zeros(n_out)}, 0, 0,
        count(*) FILTER (WHERE df.counted),
        count(*) FILTER (WHERE df.counted AND df.on_time)
    FROM {deadlines}
    JOIN dashboards_requestfact f ON f.help_request_id = df.help_request_id
    {_UNNEST}
    GROUP BY 1, 2, 3, 4, 5
) AS parts ({columns})
GROUP BY 1, 2, 3, 4, 5
-- Rows that a dashboard reads together lie together (its index order).
ORDER BY municipality_id, domain, pilot, month
"""


def _durations_sql(cells: bool) -> str:
    source = _source(
        "dashboards_requestfact f", "f.neighbourhood_id", "f.submitted_month", cells
    )
    return f"""
INSERT INTO dashboards_durationsummary (
    municipality_id, neighbourhood_id, month, domain, pilot, kind, days, count)
SELECT f.municipality_id, f.neighbourhood_id, f.submitted_month, dm.domain,
    pl.pilot, k.kind, k.days, count(*)
FROM {source} {_UNNEST}
CROSS JOIN LATERAL (VALUES ('contact', f.first_contact_days), ('plan', f.plan_days))
    AS k(kind, days)
WHERE k.days IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY 1, 4, 5, 3
"""


CELLS_OF_IDS_SQL = """
SELECT neighbourhood_id, submitted_month FROM dashboards_requestfact
WHERE help_request_id = ANY(%(ids)s)
UNION
SELECT neighbourhood_id, closed_month FROM dashboards_requestfact
WHERE help_request_id = ANY(%(ids)s) AND closed_month IS NOT NULL
UNION
SELECT neighbourhood_id, due_month FROM dashboards_deadlinefact
WHERE help_request_id = ANY(%(ids)s)
"""


@dataclass
class RefreshResult:
    full: bool
    requests: int
    cells: int
    seconds: float


def _params(today: date) -> dict[str, object]:
    return {"tz": settings.TIME_ZONE, "today": today}


def refresh(*, today: date | None = None, full: bool = False) -> RefreshResult:
    """Bring the summary tables up to date. Safe to run at any time and more than
    once at a time: a transaction-level advisory lock makes a second run wait."""
    started = time.monotonic()
    today = today or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # The planner's guesses for the unnested domains and pilots run into the
        # millions, which switches on JIT compilation: 0.3-0.6 s per statement for
        # queries that take milliseconds.
        cursor.execute("SET LOCAL jit = off")
        state, _created = RefreshState.objects.select_for_update().get_or_create(pk=1)
        if full or state.refreshed_at is None:
            result = _full(cursor, today)
        else:
            cursor.execute("SELECT count(*) FROM dashboards_dirtyrequest")
            if cursor.fetchone()[0] > FULL_REBUILD_ABOVE:
                result = _full(cursor, today)
            else:
                result = _incremental(cursor, today, state.deadlines_checked_on)
        refresh_pilots()
        state.deadlines_checked_on = today
        state.refreshed_at = timezone.now()
        state.save()
    result.seconds = time.monotonic() - started
    return result


def _full(cursor: object, today: date) -> RefreshResult:
    params = _params(today)
    cursor.execute("DELETE FROM dashboards_dirtyrequest")
    cursor.execute("TRUNCATE dashboards_requestfact, dashboards_deadlinefact")
    cursor.execute(
        facts_sql(ids=False),
        params,
    )
    count = cursor.rowcount
    cursor.execute(DEADLINE_FACTS_SQL.format(ids_d="TRUE"), params)
    cursor.execute("ANALYZE dashboards_requestfact")
    cursor.execute("ANALYZE dashboards_deadlinefact")
    cursor.execute("DELETE FROM dashboards_monthlysummary")
    cursor.execute("DELETE FROM dashboards_durationsummary")
    cursor.execute(_summary_sql(cells=False), params)
    cells = cursor.rowcount
    cursor.execute(_durations_sql(cells=False), params)
    cursor.execute("ANALYZE dashboards_monthlysummary")
    cursor.execute("ANALYZE dashboards_durationsummary")
    return RefreshResult(full=True, requests=count, cells=cells, seconds=0.0)


def _incremental(cursor: object, today: date, checked_on: date | None) -> RefreshResult:
    params = _params(today)
    cursor.execute("DELETE FROM dashboards_dirtyrequest RETURNING help_request_id")
    ids = {row[0] for row in cursor.fetchall()}
    if checked_on is not None and checked_on < today:
        # Open deadlines that fell due since the last run now count as missed.
        cursor.execute(
            """SELECT DISTINCT help_request_id FROM casework_deadline
               WHERE met_at IS NULL AND suspended_since IS NULL
                 AND due >= %s AND due < %s""",
            [checked_on, today],
        )
        ids.update(row[0] for row in cursor.fetchall())
    if not ids:
        return RefreshResult(full=False, requests=0, cells=0, seconds=0.0)
    id_list = sorted(ids)
    params["ids"] = id_list
    cursor.execute(CELLS_OF_IDS_SQL, params)
    cells = set(cursor.fetchall())
    cursor.execute(
        "DELETE FROM dashboards_requestfact WHERE help_request_id = ANY(%(ids)s)",
        params,
    )
    cursor.execute(
        "DELETE FROM dashboards_deadlinefact WHERE help_request_id = ANY(%(ids)s)",
        params,
    )
    cursor.execute(
        facts_sql(ids=True),
        params,
    )
    cursor.execute(
        DEADLINE_FACTS_SQL.format(ids_d="d.help_request_id = ANY(%(ids)s)"), params
    )
    cursor.execute(CELLS_OF_IDS_SQL, params)
    cells |= set(cursor.fetchall())
    params["cell_n"] = [n for n, _m in cells]
    params["cell_m"] = [m for _n, m in cells]
    for table in ("dashboards_monthlysummary", "dashboards_durationsummary"):
        cursor.execute(
            f"DELETE FROM {table} AS t USING {_CELLS_TABLE} "
            "WHERE t.neighbourhood_id = c.n AND t.month = c.m",
            params,
        )
    cursor.execute(_summary_sql(cells=True), params)
    cursor.execute(_durations_sql(cells=True), params)
    return RefreshResult(full=False, requests=len(ids), cells=len(cells), seconds=0.0)


def refresh_pilots() -> int:
    """Rebuild every pilot's summary: pilots are few, and their phase, budget and
    measurements change without touching a help request."""
    from pilots.models import Participant, Pilot
    from pilots.models.register import budget_overview
    from pilots.outcomes import pilot_outcome

    today = timezone.localdate()
    active = {
        row["pilot_id"]: row["n"]
        for row in Participant.objects.filter(left_on__isnull=True)
        .values("pilot_id")
        .annotate(n=models.Count("pk"))
    }
    summaries = []
    for pilot in Pilot.objects.order_by("pk"):
        budget = budget_overview(pilot, today)
        outcomes = [
            {
                "label": f"{row.instrument_label}: {row.label}",
                "n": row.n,
                "baseline": str(row.baseline) if row.shown else None,
                "follow_up": str(row.follow_up) if row.shown else None,
                "change": str(row.change) if row.shown else None,
                "target": str(row.target) if row.target is not None else None,
                "target_met": row.target_met,
            }
            for row in pilot_outcome(pilot)
        ]
        summaries.append(
            PilotSummary(
                pilot_id=pilot.pk,
                municipality_id=pilot.municipality_id,
                title=pilot.title,
                phase=pilot.phase,
                participants=active.get(pilot.pk, 0),
                planned=budget["planned"],
                spent=budget["spent"],
                outcomes=outcomes,
            )
        )
    PilotSummary.objects.all().delete()
    PilotSummary.objects.bulk_create(summaries)
    return len(summaries)

"""The dashboard's figures computed straight from help requests, triage, deadlines,
contact moments and plans: what the summary tables must equal (tests), and what the
dashboard would cost without them (benchmark). Never used by a page."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from citizens.models import OPEN_STATUSES, Status
from dashboards.figures import (
    FORMAL_CARE,
    LIFE_EVENTS,
    Figures,
    PeriodFigures,
    Scope,
)
from dashboards.models import ALL_DOMAINS, ALL_PILOTS
from dashboards.refresh import PILOTS_OF_REQUEST

_OPEN = ", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES))
_ENDED = f"'{Status.CLOSED}', '{Status.WITHDRAWN}'"
_LIFE = ", ".join(
    f"count(*) FILTER (WHERE '{event}' = ANY(hr.life_events))" for event in LIFE_EVENTS
)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _where(scope: Scope) -> str:
    clauses = ["hr.municipality_id = ANY(%(municipalities)s)"]
    if scope.neighbourhood_ids is not None:
        clauses.append("hr.neighbourhood_id = ANY(%(nbh)s)")
    if scope.domain != ALL_DOMAINS:
        clauses.append("%(domain)s = ANY(t.domains)")
    if scope.pilot != ALL_PILOTS:
        clauses.append(f"%(pilot)s = ANY({PILOTS_OF_REQUEST})")
    return " AND ".join(clauses)


def figures(scope: Scope, *, today: date) -> Figures:
    params: dict[str, Any] = {
        "municipalities": list(scope.municipality_ids),
        "nbh": list(scope.neighbourhood_ids or ()),
        "domain": scope.domain,
        "pilot": scope.pilot,
        "tz": settings.TIME_ZONE,
        "today": today,
        "from": _moment(scope.previous_start),
        "current": _moment(scope.start),
        "to": _moment(scope.after_end),
        "previous_start": scope.previous_start,
        "start": scope.start,
        "after_end": scope.after_end,
    }
    where = _where(scope)
    base = "citizens_helprequest hr LEFT JOIN casework_triage t ON t.help_request_id = hr.id"
    current, previous = PeriodFigures(), PeriodFigures()
    period = {True: current, False: previous}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT date_trunc('month', hr.submitted_at AT TIME ZONE %(tz)s)::date,
                       hr.neighbourhood_id, count(*), {_LIFE}
                FROM {base}
                WHERE {where} AND hr.submitted_at >= %(from)s AND hr.submitted_at < %(to)s
                GROUP BY 1, 2""",
            params,
        )
        life: dict[bool, dict[str, int]] = {
            True: defaultdict(int),
            False: defaultdict(int),
        }
        for month, nbh, count, *events in cursor.fetchall():
            is_current = month >= scope.start
            figures_ = period[is_current]
            figures_.requests_by_month[month] = (
                figures_.requests_by_month.get(month, 0) + count
            )
            if is_current:
                current.requests_by_neighbourhood[nbh] = (
                    current.requests_by_neighbourhood.get(nbh, 0) + count
                )
            for name, n in zip(LIFE_EVENTS, events, strict=True):
                if not n:
                    continue
                life[is_current][name] += n
                if is_current:
                    current.life_events_by_neighbourhood.setdefault(nbh, {})
                    per = current.life_events_by_neighbourhood[nbh]
                    per[name] = per.get(name, 0) + n
        current.life_events = dict(life[True])
        previous.life_events = dict(life[False])

        cursor.execute(
            f"""SELECT hr.closed_at >= %(current)s, hr.neighbourhood_id, hr.outcome,
                       count(*),
                       count(hr.satisfaction_score) FILTER (WHERE hr.status = 'closed'),
                       COALESCE(SUM(hr.satisfaction_score)
                                FILTER (WHERE hr.status = 'closed'), 0)
                FROM {base}
                WHERE {where} AND hr.status IN ({_ENDED})
                  AND hr.closed_at >= %(from)s AND hr.closed_at < %(to)s
                GROUP BY 1, 2, 3""",
            params,
        )
        for is_current, nbh, outcome, count, sat_count, sat_sum in cursor.fetchall():
            figures_ = period[is_current]
            if outcome:
                figures_.outcomes[outcome] = figures_.outcomes.get(outcome, 0) + count
            figures_.satisfaction_count += sat_count
            figures_.satisfaction_sum += int(sat_sum)
            if is_current and outcome in FORMAL_CARE:
                current.formal_care_by_neighbourhood[nbh] = (
                    current.formal_care_by_neighbourhood.get(nbh, 0) + count
                )

        cursor.execute(
            f"""SELECT d.due >= %(start)s,
                  count(*) FILTER (WHERE d.met_at IS NOT NULL
                                   OR (d.suspended_since IS NULL AND d.due < %(today)s)),
                  count(*) FILTER (WHERE d.met_at IS NOT NULL
                                   AND (d.met_at AT TIME ZONE %(tz)s)::date <= d.due)
                FROM casework_deadline d
                JOIN citizens_helprequest hr ON hr.id = d.help_request_id
                LEFT JOIN casework_triage t ON t.help_request_id = hr.id
                WHERE {where} AND d.due >= %(previous_start)s AND d.due < %(after_end)s
                GROUP BY 1""",
            params,
        )
        for is_current, counted, on_time in cursor.fetchall():
            period[is_current].deadlines_counted = counted
            period[is_current].deadlines_on_time = on_time

        cursor.execute(
            f"""WITH firsts AS (
                  SELECT hr.submitted_at >= %(current)s AS is_current,
                    (hr.submitted_at AT TIME ZONE %(tz)s)::date AS submitted,
                    (SELECT min(cm.happened_on) FROM casework_contactmoment cm
                     WHERE cm.help_request_id = hr.id) AS contact,
                    (SELECT min((g.created_at AT TIME ZONE %(tz)s)::date)
                     FROM casework_householdmembership m
                     JOIN casework_plangoal g ON g.household_id = m.household_id
                     WHERE m.help_request_id = hr.id) AS plan
                  FROM {base}
                  WHERE {where} AND hr.submitted_at >= %(from)s
                    AND hr.submitted_at < %(to)s),
                days AS (
                  SELECT is_current,
                    CASE WHEN contact IS NOT NULL
                         THEN greatest(0, contact - submitted) END AS contact,
                    CASE WHEN plan IS NOT NULL
                         THEN greatest(0, plan - submitted) END AS plan
                  FROM firsts)
                SELECT is_current,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY contact),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY plan)
                FROM days GROUP BY 1""",
            params,
        )
        for is_current, contact, plan in cursor.fetchall():
            period[is_current].first_contact_median = contact
            period[is_current].plan_median = plan

        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE hr.status IN ({_OPEN})),
                  count(*) FILTER (WHERE hr.status IN ({_OPEN})
                                   AND hr.contact_person_id IS NULL)
                FROM {base} WHERE {where}""",
            params,
        )
        open_, waiting = cursor.fetchone()

        domain_filter = "AND d = %(domain)s" if scope.domain != ALL_DOMAINS else ""
        cursor.execute(
            f"""SELECT d, count(*) FROM {base}
                CROSS JOIN LATERAL (SELECT DISTINCT x FROM unnest(t.domains) AS x)
                    AS dm(d)
                WHERE {where} {domain_filter} AND hr.submitted_at >= %(current)s
                  AND hr.submitted_at < %(to)s
                GROUP BY 1""",
            params,
        )
        current.requests_by_domain = dict(cursor.fetchall())
    return Figures(current=current, previous=previous, open=open_, waiting=waiting)

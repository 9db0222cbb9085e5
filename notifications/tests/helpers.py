"""Builders for the reminder tests: requests with deadlines and referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import User
from casework.models import Deadline, DeadlineKind, Referral
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from notifications.registry import day_start
from tests.fixtures.personas import Place


def request_for(place: Place, caseworker: User | None, **fields: object) -> HelpRequest:
    values: dict[str, object] = {
        "neighbourhood": place.neighbourhood,
        "team": place.team,
        "contact_person": caseworker,
        "in_progress": True,
    }
    values.update(fields)
    return HelpRequestFactory(**values)


def deadline_for(
    place: Place, caseworker: User | None, due: date, **fields: object
) -> Deadline:
    request = request_for(place, caseworker)
    return Deadline.objects.create(
        help_request=request,
        kind=DeadlineKind.WMO_INVESTIGATION,
        start=due - timedelta(weeks=6),
        due=due,
        **fields,
    )


def referral_for(place: Place, caseworker: User, sent: datetime) -> Referral:
    request = request_for(place, caseworker)
    return Referral.objects.create(
        help_request=request,
        organisation=place.organisation,
        question="Kan iemand helpen met de administratie?",
        created_by=caseworker,
        created_at=sent,
    )


def overdue_deadlines(place: Place, *, requests: int, caseworker: User) -> int:
    """Every deadline kind on `requests` requests of `place`'s team, all passed
    (due three weeks ago): the team leads' escalations are due now, whatever the
    time of day. Returns the number of deadlines."""
    due = timezone.localdate() - timedelta(days=21)
    deadlines = []
    for _ in range(requests):
        request = request_for(place, caseworker, history=False)
        deadlines += [
            Deadline(help_request=request, kind=kind, start=due, due=due)
            for kind in DeadlineKind.values
        ]
    Deadline.objects.bulk_create(deadlines)
    return len(deadlines)


def at(day: date, hour: int = 9) -> datetime:
    return day_start(day) + timedelta(hours=hour - 7)

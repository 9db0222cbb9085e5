"""The summary tables give exactly the figures computed live from the case tables,
after a full rebuild and after incremental refreshes of all kinds of changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from casework.models import (
    ContactKind,
    ContactMoment,
    Deadline,
    Domain,
    Household,
    HouseholdMembership,
    PlanGoal,
    Triage,
)
from citizens.models import HelpRequest, Outcome, Status
from citizens.tests.factories import HelpRequestFactory
from dashboards import live
from dashboards.figures import Scope, add_months, from_summaries
from dashboards.generator import Generator, places
from dashboards.models import DirtyRequest, MonthlySummary
from dashboards.refresh import refresh
from municipalities.models import Municipality, Neighbourhood
from municipalities.tests.factories import NeighbourhoodFactory
from pilots.models import Participant, Pilot
from pilots.models.participation import EnrolledVia
from pilots.tests.factories import ParticipantFactory, PilotFactory
from tests.fixtures.personas import Place

pytestmark = pytest.mark.django_db


def _scopes(today: dt.date) -> list[Scope]:
    end = today.replace(day=1)
    scopes = []
    for municipality in Municipality.objects.all():
        nbh = list(
            Neighbourhood.objects.filter(
                district__municipality=municipality
            ).values_list("pk", "district_id")
        )
        districts = sorted({d for _n, d in nbh})
        for start in (add_months(end, -11), add_months(end, -2), add_months(end, -23)):
            scopes.append(Scope((municipality.pk,), start, end))
        start = add_months(end, -11)
        for domain in Domain.values:
            scopes.append(Scope((municipality.pk,), start, end, domain=domain))
        scopes.append(
            Scope(
                (municipality.pk,),
                start,
                end,
                neighbourhood_ids=tuple(n for n, d in nbh if d == districts[0]),
            )
        )
        scopes.append(
            Scope(
                (municipality.pk,),
                start,
                end,
                neighbourhood_ids=(nbh[-1][0],),
                domain=Domain.WMO,
            )
        )
        for pilot in Pilot.objects.filter(municipality=municipality):
            scopes.append(Scope((municipality.pk,), start, end, pilot=pilot.pk))
            scopes.append(
                Scope(
                    (municipality.pk,), start, end, pilot=pilot.pk, domain=Domain.DEBT
                )
            )
        # A period in the past, ending before the newest data.
        scopes.append(
            Scope((municipality.pk,), add_months(end, -8), add_months(end, -6))
        )
    # A region: the municipalities together, as a regional manager sees them.
    region = tuple(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    assert len(region) > 1
    start = add_months(end, -11)
    scopes += [
        Scope(region, start, end),
        Scope(region, add_months(end, -23), end),
        Scope(region, start, end, domain=Domain.DEBT),
        Scope(region, add_months(end, -2), end, domain=Domain.WMO),
    ]
    return scopes


def _assert_equal(today: dt.date) -> int:
    checked = 0
    for scope in _scopes(today):
        summary = from_summaries(scope)
        computed = live.figures(scope, today=today)
        assert summary == computed, scope
        checked += 1
    return checked


def _snapshot() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT neighbourhood_id, month, domain, pilot, requests, life_events,
                      open, waiting, outcomes, satisfaction_count, satisfaction_sum,
                      deadlines_counted, deadlines_on_time
               FROM dashboards_monthlysummary ORDER BY 1, 2, 3, 4"""
        )
        monthly = cursor.fetchall()
        cursor.execute(
            """SELECT neighbourhood_id, month, domain, pilot, kind, days, count
               FROM dashboards_durationsummary ORDER BY 1, 2, 3, 4, 5, 6"""
        )
        return monthly + cursor.fetchall()


@pytest.fixture
def generated(den_helder: Place, lelystad: Place, caseworker) -> dt.date:  # type: ignore[no-untyped-def]
    for place in (den_helder, lelystad):
        for n in range(3):
            NeighbourhoodFactory(district=place.district, population=1000 + 500 * n)
            NeighbourhoodFactory(district=place.other_district, population=2000 + n)
    now = timezone.now()
    Generator(seed=7, places=places(), now=now, window_days=730).run(3_000)
    # Two pilots in Den Helder with participants enrolled from help requests.
    requests = list(
        HelpRequest.objects.filter(municipality=den_helder.municipality).order_by("pk")
    )
    for index, pilot in enumerate(
        PilotFactory.create_batch(2, municipality=den_helder.municipality, running=True)
    ):
        for request in requests[index * 40 : index * 40 + 60]:
            ParticipantFactory(
                pilot=pilot,
                help_request=request,
                enrolled_via=EnrolledVia.HELP_REQUEST,
            )
    return timezone.localdate(now)


def test_a_full_rebuild_equals_the_live_figures(generated: dt.date) -> None:
    refresh(full=True, today=generated)

    assert MonthlySummary.objects.filter(requests__gt=0).exists()
    assert _assert_equal(generated) > 20


def test_incremental_refresh_follows_every_kind_of_change(
    generated: dt.date, den_helder: Place
) -> None:
    today = generated
    refresh(full=True, today=today)
    assert not DirtyRequest.objects.exists()
    now = timezone.now()

    open_requests = list(
        HelpRequest.objects.filter(
            status__in=[Status.IN_REVIEW, Status.IN_PROGRESS],
            municipality=den_helder.municipality,
            household_link__isnull=True,
        ).order_by("pk")[:6]
    )
    closing, moving, retriaged, planned, contacted, deleted = open_requests
    closing.status = Status.CLOSED
    closing.closed_at = now
    closing.outcome = Outcome.NEIGHBOURHOOD_NETWORK
    closing.satisfaction_score = 9
    closing.save()
    moving.neighbourhood = den_helder.neighbourhood
    moving.save()
    Triage.objects.update_or_create(
        help_request=retriaged, defaults={"domains": [Domain.DEBT, Domain.YOUTH]}
    )
    household = Household.objects.create(municipality=den_helder.municipality)
    HouseholdMembership.objects.create(household=household, help_request=planned)
    PlanGoal.objects.create(household=household, domain="finances", description="Rust")
    ContactMoment.objects.create(
        help_request=contacted,
        kind=ContactKind.PHONE,
        happened_on=today - dt.timedelta(days=40),
        summary="Gebeld",
    )
    deleted.delete()
    joined = ParticipantFactory(
        pilot=PilotFactory(municipality=den_helder.municipality, running=True),
        help_request=moving,
        enrolled_via=EnrolledVia.HELP_REQUEST,
    )
    left = (
        Participant.objects.exclude(pk=joined.pk)
        .filter(help_request__isnull=False)
        .first()
    )
    left.delete()
    deadline = Deadline.objects.filter(met_at__isnull=True).first()
    deadline.met_at = now
    deadline.save()
    HelpRequestFactory(neighbourhood=den_helder.neighbourhood, submitted_at=now)
    assert DirtyRequest.objects.count() >= 8

    result = refresh(today=today)

    assert not result.full
    assert 9 <= result.requests < 50
    assert _assert_equal(today) > 20
    incremental = _snapshot()
    refresh(full=True, today=today)
    assert _snapshot() == incremental


def test_deadlines_that_pass_unmet_count_as_missed_without_any_change(
    generated: dt.date,
) -> None:
    refresh(full=True, today=generated)
    later = generated + dt.timedelta(days=30)
    assert Deadline.objects.filter(
        met_at__isnull=True,
        suspended_since__isnull=True,
        due__gte=generated,
        due__lt=later,
    ).exists()

    result = refresh(today=later)

    assert result.requests > 0 and not result.full
    assert _assert_equal(later) > 20


def test_a_refresh_without_changes_touches_nothing(generated: dt.date) -> None:
    refresh(full=True, today=generated)
    before = _snapshot()

    result = refresh(today=generated)

    assert result.requests == 0
    assert _snapshot() == before

"""The purge at the edges of the relation walk, with planted markers: a resident who
is also a volunteer, rows two steps away from a request (a match's history, a pilot
participation's measurements, the reminders planned for a match), and a household
plan whose member requests are gone. On and after the moment no marker is left; a
day before everything is still there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from freezegun import freeze_time
from pytest_django.fixtures import Settings

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from casework.models import Household, HouseholdMembership, PlanAction, PlanGoal
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from networks.models import (
    Match,
    MatchChange,
    MatchStatus,
    Need,
    Volunteer,
    VolunteerStatus,
)
from networks.tests.factories import VolunteerFactory
from notifications.models import Delivery, DeliveryState, Notification
from pilots.models import Phase
from pilots.models.participation import Instrument, Measurement, MeasurementMoment
from pilots.tests.factories import ParticipantFactory, PilotFactory
from privacy import services
from privacy.models import Rule
from privacy.tests.helpers import plant, tables_containing
from tests.fixtures.personas import Place

CLOSED_AT = dt.datetime(2020, 3, 10, 14, 0, tzinfo=dt.UTC)
LAST_LOGIN = dt.datetime(2021, 5, 4, 9, 30, tzinfo=dt.UTC)
OFFSETS = [-1, 0, 1]


@pytest.fixture(autouse=True)
def private_media(settings: Settings, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


def _purge_at(moment: dt.datetime, capture) -> None:  # type: ignore[no-untyped-def]
    with freeze_time(moment), capture(execute=True):
        services.purge_personal_data()


def _volunteer(place: Place, marker: str) -> Volunteer:
    """A resident without requests who volunteers, with an ended match on a
    neighbour's request that is kept."""
    user = UserFactory(
        role=Role.RESIDENT,
        municipality=place.municipality,
        email=f"{marker.lower()}@example.test",
        full_name=f"{marker} Jansen",
        last_login=LAST_LOGIN,
    )
    volunteer = VolunteerFactory(
        user=user,
        neighbourhood=place.neighbourhood,
        about=f"{marker} over mij",
        phone="0687654321",
        screening_note=f"{marker} intake",
    )
    kept = HelpRequestFactory(
        in_progress=True, neighbourhood=place.neighbourhood, team=place.team
    )
    Match.objects.create(
        help_request=kept,
        volunteer=volunteer,
        task="Boodschappen",
        need=Need.SHOPPING,
        first_name="Lotte",
        status=MatchStatus.COMPLETED,
    )
    return volunteer


def _account_moment() -> dt.datetime:
    return LAST_LOGIN + dt.timedelta(
        days=settings.PRIVACY_RETENTION_DAYS[Rule.RESIDENT_ACCOUNT]
    )


@pytest.mark.parametrize("offset_days", OFFSETS)
def test_a_volunteers_row_goes_with_the_anonymised_account(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    offset_days: int,
) -> None:
    volunteer = _volunteer(den_helder, "MARKERVOLUNTEERX")
    assert set(tables_containing("MARKERVOLUNTEERX")) == {
        "accounts_user",
        "networks_volunteer",
    }
    assert tables_containing("0687654321") == {"networks_volunteer": 1}

    _purge_at(
        _account_moment() + dt.timedelta(days=offset_days),
        django_capture_on_commit_callbacks,
    )

    volunteer.refresh_from_db()
    if offset_days < 0:
        assert len(tables_containing("MARKERVOLUNTEERX")) == 2
        assert volunteer.status == VolunteerStatus.ACTIVE
        return
    assert tables_containing("MARKERVOLUNTEERX") == {}
    assert tables_containing("0687654321") == {}
    # The row stays (its matches are part of other residents' cases), stopped.
    assert volunteer.status == VolunteerStatus.STOPPED
    assert volunteer.matches.count() == 1


def test_a_volunteer_with_an_open_match_stops_and_the_match_ends(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    volunteer = _volunteer(den_helder, "MARKEROPENMATCHX")
    match = Match.objects.create(
        help_request=HelpRequestFactory(
            in_progress=True,
            neighbourhood=den_helder.neighbourhood,
            team=den_helder.team,
        ),
        volunteer=volunteer,
        task="Samen wandelen",
        need=Need.COMPANY,
        first_name="Kees",
        status=MatchStatus.ACTIVE,
    )

    _purge_at(_account_moment(), django_capture_on_commit_callbacks)

    match.refresh_from_db()
    assert match.status == MatchStatus.STOPPED
    assert tables_containing("MARKEROPENMATCHX") == {}


def _two_steps_away(place: Place, marker: str, volunteer: Volunteer) -> HelpRequest:
    """A closed request with rows one and two steps away holding the marker."""
    help_request = plant(place, marker, closed_at=CLOSED_AT, domains=None)
    match = Match.objects.create(
        help_request=help_request,
        volunteer=volunteer,
        task=f"{marker} taak",
        need=Need.SHOPPING,
        first_name=marker,
        status=MatchStatus.COMPLETED,
        reason=f"{marker} reden",
        feedback=f"{marker} verslag",
    )
    MatchChange.objects.create(
        match=match, to_status=MatchStatus.COMPLETED, note=f"{marker} afgerond"
    )
    pilot = PilotFactory(municipality=place.municipality, phase=Phase.RUNNING)
    participant = ParticipantFactory(
        pilot=pilot,
        help_request=help_request,
        name=f"{marker} Deelnemer",
        consent_note=f"{marker} toestemming",
    )
    Measurement.objects.create(
        participant=participant,
        instrument=Instrument.LIFE_SATISFACTION,
        moment=MeasurementMoment.BASELINE,
        taken_on=CLOSED_AT.date(),
        scores={"life_satisfaction": 6},
    )
    # The reminder the volunteer had for this match, with the first name in it.
    delivery = Delivery.objects.create(
        kind="networks.volunteer_appointment",
        object_id=str(match.pk),
        due_at=CLOSED_AT - dt.timedelta(days=30),
        recipient=volunteer.user,
        recipient_key=f"u{volunteer.user.pk}",
        municipality=place.municipality,
        params={"match": str(match.public_id), "first_name": marker, "at": "x"},
        state=DeliveryState.SENT,
    )
    Notification.objects.create(
        delivery=delivery,
        recipient=volunteer.user,
        kind=delivery.kind,
        params=delivery.params,
    )
    return help_request


@pytest.mark.parametrize("offset_days", OFFSETS)
def test_rows_two_steps_from_a_request_lose_their_text_with_it(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    offset_days: int,
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    marker = "MARKERTWOSTEPSX"
    _two_steps_away(den_helder, marker, volunteer)
    planted = tables_containing(marker)
    assert {
        "networks_match",
        "networks_matchchange",
        "pilots_participant",
        "notifications_delivery",
        "notifications_notification",
        "casework_referral",
        "casework_plangoal",
    } <= set(planted)
    moment = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS[Rule.OTHER])

    _purge_at(
        moment + dt.timedelta(days=offset_days), django_capture_on_commit_callbacks
    )

    if offset_days < 0:
        assert tables_containing(marker) == planted
        return
    assert tables_containing(marker) == {}
    # Counts and scores stay for the figures; the volunteer keeps the match row.
    assert Match.objects.filter(volunteer=volunteer).count() == 1
    assert Measurement.objects.filter(scores__life_satisfaction=6).count() == 1


def test_a_household_plan_without_members_goes_at_the_next_purge(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    marker = "MARKERORPHANPLANX"
    household = Household.objects.create(municipality=den_helder.municipality)
    member = HelpRequestFactory(
        closed=True, neighbourhood=den_helder.neighbourhood, team=den_helder.team
    )
    HouseholdMembership.objects.create(household=household, help_request=member)
    goal = PlanGoal.objects.create(
        household=household, domain="finances", description=f"{marker} doel"
    )
    PlanAction.objects.create(
        goal=goal, description=f"{marker} actie", owner="resident", due=CLOSED_AT
    )
    # A household with a member keeps its plan whatever the date.
    kept = Household.objects.create(municipality=den_helder.municipality)
    HouseholdMembership.objects.create(
        household=kept,
        help_request=HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood, team=den_helder.team
        ),
    )
    PlanGoal.objects.create(
        household=kept, domain="finances", description="MARKERKEPTPLANX doel"
    )
    # The member's request is removed (a database clean-up, a deleted test case):
    # the membership goes with it, the plan hangs on with nobody to reach it.
    HouseholdMembership.objects.filter(help_request=member).delete()
    assert set(tables_containing(marker)) == {
        "casework_plangoal",
        "casework_planaction",
    }

    _purge_at(CLOSED_AT, django_capture_on_commit_callbacks)

    assert tables_containing(marker) == {}
    assert not Household.objects.filter(pk=household.pk).exists()
    assert tables_containing("MARKERKEPTPLANX") == {"casework_plangoal": 1}


def test_a_second_run_finds_nothing_more_to_do(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    volunteer = _volunteer(den_helder, "MARKERSECONDRUNX")
    _two_steps_away(den_helder, "MARKERSECONDRUNY", volunteer)
    Household.objects.create(municipality=den_helder.municipality)
    moment = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS[Rule.OTHER])
    moment = max(moment, _account_moment())

    with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
        first = services.purge_personal_data()
        second = services.purge_personal_data()

    assert first.total() > 0
    assert second.total() == 0
    assert User.objects.get(pk=volunteer.user_id).is_active is False

"""Enrolling participants (by the owner, or by a caseworker from a help request, with
consent), leaving, measurements by staff and by the resident's single-use link, the
outcome with its n >= 5 rule, and the follow-ups due for reminders."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from pilots.models import Measurement, Participant, Phase, Pilot
from pilots.outcomes import MIN_PARTICIPANTS, pilot_outcome
from pilots.services import follow_ups_due
from pilots.tests.factories import (
    MeasurementFactory,
    ParticipantFactory,
    PilotFactory,
    measured_participants,
)
from pilots.tests.helpers import submit
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db


def _pilot(owner: User, **kwargs: object):  # type: ignore[no-untyped-def]
    return PilotFactory(
        municipality=owner.municipality, owner=owner, running=True, **kwargs
    )


def test_owner_enrols_a_resident_with_consent_who_then_sees_it(
    pilot_owner: User, resident: User
) -> None:
    pilot = _pilot(pilot_owner)

    response = submit(
        client_for(pilot_owner),
        pilot.get_absolute_url(),
        match="/enrol/",
        **{
            "enrol-name": "Sanne de Vries",
            "enrol-email": resident.email.upper(),
            "enrol-consent": "on",
            "enrol-consent_note": "Mondeling bij de clinic",
        },
    )

    participant = Participant.objects.get()
    mine = client_for(resident).get("/pilots/mine/").content.decode()
    assert response.status_code == 302
    assert participant.resident == resident
    assert participant.consent_at is not None
    assert pilot.title in mine


def test_enrolling_without_consent_is_refused_and_keeps_the_name(
    pilot_owner: User,
) -> None:
    pilot = _pilot(pilot_owner)

    response = submit(
        client_for(pilot_owner),
        pilot.get_absolute_url(),
        match="/enrol/",
        **{"enrol-name": "Piet Visser", "enrol-email": "geen-adres"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "id_enrol-consent_error" in html
    assert "id_enrol-email_error" in html
    assert "Piet Visser" in html
    assert not Participant.objects.exists()


def test_a_resident_is_enrolled_only_once(pilot_owner: User, resident: User) -> None:
    pilot = _pilot(pilot_owner)
    ParticipantFactory(pilot=pilot, resident=resident)

    response = client_for(pilot_owner).post(
        f"{pilot.get_absolute_url()}enrol/",
        {
            "enrol-name": "Sanne",
            "enrol-email": resident.email,
            "enrol-joined_on": "2026-01-01",
            "enrol-consent": "on",
            "enrol-consent_note": "ja",
        },
    )

    assert response.status_code == 400
    assert Participant.objects.count() == 1


def test_caseworker_enrols_the_resident_of_a_request_in_their_team(
    caseworker: User, pilot_owner: User, resident: User, den_helder: Place
) -> None:
    pilot = _pilot(pilot_owner)
    help_request = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood, resident=resident
    )

    response = submit(
        client_for(caseworker),
        f"/pilots/enrol/?reference={help_request.reference}",
        match="main",
        pilot=str(pilot.pk),
        consent="on",
        consent_note="Gevraagd tijdens het keukentafelgesprek",
    )

    participant = Participant.objects.get()
    assert response.status_code == 302
    assert participant.help_request == help_request
    assert participant.resident == resident
    assert participant.enrolled_by == caseworker


def test_caseworker_cannot_enrol_from_a_request_outside_their_team(
    other_team_caseworker: User, pilot_owner: User, den_helder: Place
) -> None:
    pilot = _pilot(pilot_owner)
    help_request = HelpRequestFactory(neighbourhood=den_helder.neighbourhood)

    response = client_for(other_team_caseworker).post(
        "/pilots/enrol/",
        {
            "reference": help_request.reference,
            "pilot": str(pilot.pk),
            "consent": "on",
            "consent_note": "ja",
        },
    )

    assert response.status_code == 400
    assert "id_reference_error" in response.content.decode()
    assert not Participant.objects.exists()


def test_caseworker_of_another_municipality_cannot_pick_the_pilot(
    lelystad_caseworker: User, pilot_owner: User, lelystad: Place
) -> None:
    pilot = _pilot(pilot_owner)
    help_request = HelpRequestFactory(
        neighbourhood=lelystad.neighbourhood, team=lelystad.team
    )

    response = client_for(lelystad_caseworker).post(
        "/pilots/enrol/",
        {
            "reference": help_request.reference,
            "pilot": str(pilot.pk),
            "consent": "on",
            "consent_note": "ja",
        },
    )

    assert response.status_code == 400
    assert "id_pilot_error" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_pilot_owner_cannot_use_the_caseworkers_enrol_page(
    pilot_owner: User,
) -> None:
    assert client_for(pilot_owner).get("/pilots/enrol/").status_code == 403


def test_a_participant_leaves_and_the_resident_can_leave_themselves(
    pilot_owner: User, resident: User, other_resident: User
) -> None:
    pilot = _pilot(pilot_owner)
    by_owner = ParticipantFactory(pilot=pilot)
    own = ParticipantFactory(pilot=pilot, resident=resident)
    url = f"{pilot.get_absolute_url()}participants/{by_owner.public_id}/"

    left = submit(
        client_for(pilot_owner),
        url,
        match="leave",
        **{"leave-reason": "Verhuisd"},
    )
    stranger = client_for(other_resident).post(f"/pilots/mine/{own.public_id}/leave/")
    myself = client_for(resident).post(f"/pilots/mine/{own.public_id}/leave/")

    by_owner.refresh_from_db()
    own.refresh_from_db()
    assert left.status_code == 302
    assert by_owner.left_on == timezone.localdate()
    assert by_owner.leave_reason == "Verhuisd"
    assert stranger.status_code == 404
    assert myself.status_code == 302
    assert own.left_on == timezone.localdate()


def test_resident_sees_only_their_own_participation(
    pilot_owner: User, resident: User, other_resident: User
) -> None:
    pilot = _pilot(pilot_owner, title="Lessen in geluk")
    ParticipantFactory(pilot=pilot, resident=resident, name="Sanne de Vries")

    other = client_for(other_resident).get("/pilots/mine/").content.decode()

    assert "Lessen in geluk" not in other
    assert "Sanne" not in other


def test_staff_enter_a_measurement_and_bad_scores_are_refused(
    pilot_owner: User,
) -> None:
    participant = ParticipantFactory(pilot=_pilot(pilot_owner))
    client = client_for(pilot_owner)
    url = f"{participant.pilot.get_absolute_url()}participants/{participant.public_id}/"

    bad = submit(
        client,
        f"{url}?instrument=positive_health",
        match="measure",
        **{
            "measure-score_bodily_functions": "11",
            "measure-score_mental_wellbeing": "7",
        },
    )
    good = submit(
        client,
        f"{url}?instrument=zrm",
        match="measure",
        **{f"measure-score_{d}": "3" for d in _zrm_domains()},
    )

    measurement = Measurement.objects.get()
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "id_measure-score_bodily_functions_error" in html
    assert "id_measure-score_meaningfulness_error" in html
    assert 'value="7"' in html
    assert good.status_code == 302
    assert measurement.instrument == "zrm"
    assert len(measurement.scores) == 13
    assert measurement.entered_by == pilot_owner


def _zrm_domains() -> list[str]:
    from casework.models import ZrmDomain

    return list(ZrmDomain.values)


def test_outcome_shows_only_from_five_participants(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    client = client_for(pilot_owner)
    measured_participants(pilot, MIN_PARTICIPANTS - 1, before=4, after=7)
    # A participant with only a baseline does not count.
    MeasurementFactory(participant=ParticipantFactory(pilot=pilot))

    few = client.get(pilot.get_absolute_url()).content.decode()
    assert pilot_outcome(pilot)[0].n == MIN_PARTICIPANTS - 1
    assert "te weinig deelnemers om te tonen" in few

    measured_participants(pilot, 1, before=5, after=8)
    enough = client.get(pilot.get_absolute_url()).content.decode()
    row = pilot_outcome(pilot)[0]
    assert (row.n, str(row.baseline), str(row.follow_up), str(row.change)) == (
        5,
        "4.2",
        "7.2",
        "3.0",
    )
    assert "te weinig deelnemers om te tonen" not in enough
    assert "+3,0" in enough


def test_outcome_uses_the_latest_follow_up(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    participants = measured_participants(pilot, 5, before=4, after=6)
    for participant in participants:
        MeasurementFactory(
            participant=participant,
            moment="follow_up",
            taken_on=timezone.localdate() + dt.timedelta(days=1),
            scores={"score": 9},
        )

    row = pilot_outcome(pilot)[0]

    assert (row.n, str(row.follow_up), str(row.change)) == (5, "9.0", "5.0")


def test_the_residents_link_works_once_and_shows_no_name(
    pilot_owner: User,
) -> None:
    participant = ParticipantFactory(pilot=_pilot(pilot_owner), name="Karin Zwart")
    client = client_for(pilot_owner)
    url = f"{participant.pilot.get_absolute_url()}participants/{participant.public_id}/"

    planned = submit(
        client,
        url,
        match="plan",
        **{
            "plan-instrument": "life_satisfaction",
            "plan-moment": "follow_up",
            "plan-due_on": "2026-05-01",
        },
    )
    page = client.get(url).content.decode()
    link = re.search(r"(/pilots/measure/[\w-]+/)", page).group(1)
    anonymous = Client()
    form = anonymous.get(link)
    wrong = anonymous.post(link, {"score_score": "12"})
    answered = anonymous.post(link, {"score_score": "8"})
    again = anonymous.post(link, {"score_score": "2"})

    measurement = Measurement.objects.get()
    assert planned.status_code == 302
    assert form.status_code == 200
    assert "Karin" not in form.content.decode()
    assert wrong.status_code == 400
    assert answered.status_code == 200
    assert again.status_code == 404
    assert measurement.scores == {"score": 8}
    assert measurement.entered_by_resident
    assert measurement.token_hash is None
    assert client.get(link).status_code == 404


def test_a_link_of_someone_who_left_no_longer_works(pilot_owner: User) -> None:
    measurement = MeasurementFactory(planned_follow_up=True)
    token = measurement.issue_link_token()
    measurement.participant.left_on = timezone.localdate()
    measurement.participant.save()

    response = Client().post(f"/pilots/measure/{token}/", {"score_score": "8"})

    measurement.refresh_from_db()
    assert response.status_code == 404
    assert measurement.taken_on is None


def test_follow_ups_due_lists_open_follow_ups_with_owner_id_and_date(
    pilot_owner: User,
) -> None:
    today = timezone.localdate()
    pilot = _pilot(pilot_owner)
    due = MeasurementFactory(
        participant=ParticipantFactory(pilot=pilot),
        planned_follow_up=True,
        due_on=today - dt.timedelta(days=1),
    )
    MeasurementFactory(
        participant=ParticipantFactory(pilot=pilot),
        planned_follow_up=True,
        due_on=today + dt.timedelta(days=30),
    )
    left = ParticipantFactory(pilot=pilot, left_on=today)
    MeasurementFactory(participant=left, planned_follow_up=True, due_on=today)
    stopped = PilotFactory(municipality=pilot.municipality, stopped=True)
    MeasurementFactory(
        participant=ParticipantFactory(pilot=stopped),
        planned_follow_up=True,
        due_on=today,
    )
    MeasurementFactory(participant=ParticipantFactory(pilot=pilot))

    items = follow_ups_due(today)

    assert [(item.object_id, item.due_on, item.owner) for item in items] == [
        (due.public_id, due.due_on, pilot_owner)
    ]
    assert items[0].pilot_id == pilot.public_id

    due.scores = {"score": 6}
    due.taken_on = today
    due.save()
    assert follow_ups_due(today) == []


def test_filling_in_a_planned_follow_up_completes_it(pilot_owner: User) -> None:
    from pilots.services import measurement_record

    planned = MeasurementFactory(
        participant=ParticipantFactory(pilot=_pilot(pilot_owner)),
        planned_follow_up=True,
    )

    measurement_record(
        participant=planned.participant,
        instrument=planned.instrument,
        moment="follow_up",
        taken_on=timezone.localdate(),
        scores={"score": 7},
        by=pilot_owner,
    )

    assert Measurement.objects.count() == 1
    assert follow_ups_due(timezone.localdate()) == []


@pytest.mark.parametrize("persona", ["lelystad_admin", "alderman"])
def test_participant_pages_are_closed_to_other_municipalities_and_to_aldermen(
    persona: str, everyone: dict[str, User]
) -> None:
    owner = everyone["pilot_owner"]
    participant = ParticipantFactory(pilot=_pilot(owner), name="Karin Zwart")
    url = f"{participant.pilot.get_absolute_url()}participants/{participant.public_id}/"
    client = client_for(everyone[persona])

    read = client.get(url)
    written = client.post(
        url, {"form": "leave", "leave-left_on": "2026-01-01", "leave-reason": "x"}
    )

    participant.refresh_from_db()
    assert read.status_code == (404 if persona == "lelystad_admin" else 403)
    assert written.status_code in (403, 404)
    assert participant.left_on is None


def test_phase_filter_keeps_stopped_pilots_out_of_enrolment(
    caseworker: User, pilot_owner: User
) -> None:
    running = _pilot(pilot_owner)
    PilotFactory(municipality=pilot_owner.municipality, stopped=True)

    html = client_for(caseworker).get("/pilots/enrol/").content.decode()

    stopped = Pilot.objects.get(phase=Phase.STOPPED)
    assert running.title in html
    assert stopped.title not in html


def test_the_outcome_is_compared_with_the_kpi_target(pilot_owner: User) -> None:
    from decimal import Decimal

    from pilots.models import Goal
    from pilots.models.participation import LIFE_SATISFACTION_DOMAIN, Instrument

    pilot = _pilot(pilot_owner)
    goal = Goal.objects.create(
        pilot=pilot,
        description="Jongeren zijn tevredener met hun leven",
        indicator="Gemiddelde levenstevredenheid",
        baseline=Decimal("4.0"),
        target=Decimal("7.0"),
        instrument=Instrument.LIFE_SATISFACTION,
        domain=LIFE_SATISFACTION_DOMAIN,
    )
    measured_participants(pilot, 5, before=4, after=6)

    row = pilot_outcome(pilot)[0]
    assert (row.target, row.follow_up, row.target_met) == (
        Decimal("7.00"),
        Decimal("6.0"),
        False,
    )
    page = client_for(pilot_owner).get(pilot.get_absolute_url()).content.decode()
    assert 'text-bg-secondary">nog niet<' in page
    assert 'text-bg-success">gehaald<' not in page

    Goal.objects.filter(pk=goal.pk).update(target=Decimal("6.0"))
    row = pilot_outcome(pilot)[0]
    assert row.target_met is True
    page = client_for(pilot_owner).get(pilot.get_absolute_url()).content.decode()
    assert 'text-bg-success">gehaald<' in page

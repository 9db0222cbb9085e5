"""The queue filtered on a pilot: the requests whose resident takes part in it
through that request; only the municipality's own pilots can be chosen."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from citizens.models import HelpRequest
from citizens.tests.factories import HelpRequestFactory
from pilots.models.participation import EnrolledVia
from pilots.tests.factories import ParticipantFactory, PilotFactory
from tests.fixtures.personas import Place, client_for

QUEUE = "/casework/queue/"


def _request(place: Place) -> HelpRequest:
    return HelpRequestFactory(
        municipality=place.municipality, neighbourhood=place.neighbourhood
    )


def _enrol(pilot, help_request: HelpRequest, **fields: object) -> None:  # type: ignore[no-untyped-def]
    ParticipantFactory(
        pilot=pilot,
        help_request=help_request,
        enrolled_via=EnrolledVia.HELP_REQUEST,
        **fields,
    )


def _shown(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row.reference for row in response.context["page"].rows}


def test_the_queue_shows_only_the_requests_in_the_chosen_pilot(
    den_helder: Place, lelystad: Place, caseworker: User
) -> None:
    clinics = PilotFactory(
        municipality=den_helder.municipality, running=True, title="Basketbalclinics"
    )
    walk_in = PilotFactory(
        municipality=den_helder.municipality, running=True, title="Geldinloop"
    )
    elsewhere = PilotFactory(
        municipality=lelystad.municipality, running=True, title="Lelystad-pilot"
    )
    in_clinics, in_walk_in, left, outside = (_request(den_helder) for _ in range(4))
    _enrol(clinics, in_clinics)
    _enrol(walk_in, in_walk_in)
    _enrol(clinics, left, left_on=dt.date(2026, 1, 1), leave_reason="Verhuisd")
    _enrol(elsewhere, _request(lelystad))
    client = client_for(caseworker)

    page = client.get(QUEUE)
    choices = dict(page.context["form"].fields["pilot"].choices)
    assert set(choices) == {"", str(clinics.public_id), str(walk_in.public_id)}

    response = client.get(QUEUE, {"pilot": str(clinics.public_id)})
    assert response.status_code == 200
    assert _shown(response) == {in_clinics.reference}
    assert outside.reference in _shown(client.get(QUEUE))


@pytest.mark.parametrize("value", ["nonsense", "lelystad"])
def test_a_pilot_that_is_no_choice_is_refused_at_the_field(
    value: str, den_helder: Place, lelystad: Place, caseworker: User
) -> None:
    elsewhere = PilotFactory(municipality=lelystad.municipality, running=True)
    _enrol(elsewhere, _request(lelystad))
    pilot = str(elsewhere.public_id) if value == "lelystad" else value

    response = client_for(caseworker).get(QUEUE, {"pilot": pilot})

    assert response.status_code == 400
    assert 'id="id_pilot_error"' in response.content.decode()
    assert response.context["page"] is None


def test_the_pilot_filter_costs_no_query(den_helder: Place, caseworker: User) -> None:
    pilot = PilotFactory(municipality=den_helder.municipality, running=True)
    for _ in range(3):
        _enrol(pilot, _request(den_helder))
    client = client_for(caseworker)
    client.get(QUEUE)

    counts = []
    for params in ({}, {"pilot": str(pilot.public_id)}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE, params).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]

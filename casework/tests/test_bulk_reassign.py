"""A team lead gives requests to a colleague in bulk: chosen in the queue, or all
open requests of one caseworker; only within their own team, always confirmed."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.models import HelpRequest, Status
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place, client_for

URL = "/casework/team/reassign/"


@pytest.fixture
def colleague(den_helder: Place) -> User:
    return UserFactory(
        caseworker=True,
        team=den_helder.team,
        full_name="Petra de Wit",
        email="petra@example.test",
    )


def _requests(place: Place, contact_person: User | None, count: int, **fields: Any):  # type: ignore[no-untyped-def]
    return [
        HelpRequestFactory(
            municipality=place.municipality,
            neighbourhood=place.neighbourhood,
            contact_person=contact_person,
            team=place.team if contact_person else None,
            **fields,
        )
        for _ in range(count)
    ]


def _contact_people(requests: list[HelpRequest]) -> list[int | None]:
    return [HelpRequest.objects.get(pk=r.pk).contact_person_id for r in requests]


def test_all_open_requests_of_a_caseworker_move_after_confirmation(
    den_helder: Place, team_lead: User, caseworker: User, colleague: User
) -> None:
    open_ones = _requests(den_helder, caseworker, 3, status=Status.IN_REVIEW)
    closed = _requests(den_helder, caseworker, 1, status=Status.CLOSED)
    client = client_for(team_lead)
    data = {"from_caseworker": caseworker.pk, "to_caseworker": colleague.pk}

    check = client.post(URL, data)

    assert check.status_code == 200
    page = check.content.decode()
    assert 'data-testid="reassign-confirm"' in page
    for help_request in open_ones:
        assert help_request.reference in page
    assert closed[0].reference not in page
    assert _contact_people(open_ones) == [caseworker.pk] * 3  # nothing moved yet

    done = client.post(URL, {**data, "confirmed": "1"}, follow=True)

    assert done.redirect_chain[-1][0] == "/casework/queue/"
    assert "3 hulpvragen zijn gegeven aan Petra de Wit." in done.content.decode()
    assert _contact_people(open_ones) == [colleague.pk] * 3
    assert _contact_people(closed) == [caseworker.pk]


def test_requests_chosen_in_the_queue_move_and_no_others(
    den_helder: Place, team_lead: User, caseworker: User, colleague: User
) -> None:
    chosen = _requests(den_helder, caseworker, 2, status=Status.IN_REVIEW)
    unassigned = _requests(den_helder, None, 1)
    others = _requests(den_helder, caseworker, 2, status=Status.IN_REVIEW)
    client = client_for(team_lead)
    references = [r.reference for r in chosen + unassigned]

    queue = client.get("/casework/queue/").content.decode()
    assert 'form="bulk-reassign"' in queue
    shown = client.get(URL, {"requests": references})
    assert shown.status_code == 200
    for reference in references:
        assert f'value="{reference}"' in shown.content.decode()

    data = {"requests": references, "to_caseworker": colleague.pk}
    assert client.post(URL, data).status_code == 200
    response = client.post(URL, {**data, "confirmed": "1"})

    assert response.status_code == 302
    assert _contact_people(chosen + unassigned) == [colleague.pk] * 3
    assert _contact_people(others) == [caseworker.pk] * 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (lambda cw, col, other: {"from_caseworker": cw.pk}, "to_caseworker"),
        (lambda cw, col, other: {"to_caseworker": col.pk}, "from_caseworker"),
        (
            lambda cw, col, other: {"from_caseworker": cw.pk, "to_caseworker": cw.pk},
            "to_caseworker",
        ),
        (
            lambda cw, col, other: {"from_caseworker": cw.pk, "to_caseworker": "x"},
            "to_caseworker",
        ),
        # Someone of another team is no choice, on either side.
        (
            lambda cw, col, other: {
                "from_caseworker": cw.pk,
                "to_caseworker": other.pk,
            },
            "to_caseworker",
        ),
        (
            lambda cw, col, other: {
                "from_caseworker": other.pk,
                "to_caseworker": col.pk,
            },
            "from_caseworker",
        ),
        # Both a choice and a caseworker is ambiguous.
        (
            lambda cw, col, other: {
                "requests": ["MINE"],
                "from_caseworker": cw.pk,
                "to_caseworker": col.pk,
            },
            "from_caseworker",
        ),
        # A colleague who has nothing open to hand over.
        (
            lambda cw, col, other: {"from_caseworker": col.pk, "to_caseworker": cw.pk},
            "to_caseworker",
        ),
    ],
    ids=[
        "no colleague",
        "nothing chosen",
        "same person",
        "nonsense",
        "other team as colleague",
        "other team as source",
        "both",
        "nothing to move",
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_moves(
    data: Any,
    field: str,
    den_helder: Place,
    team_lead: User,
    caseworker: User,
    colleague: User,
    other_team_caseworker: User,
) -> None:
    mine = _requests(den_helder, caseworker, 2, status=Status.IN_REVIEW)
    posted = data(caseworker, colleague, other_team_caseworker)
    if posted.get("requests") == ["MINE"]:
        posted["requests"] = [mine[0].reference]

    for extra in ({}, {"confirmed": "1"}):
        response = client_for(team_lead).post(URL, {**posted, **extra})

        assert response.status_code == 400
        assert f'id="id_{field}_error"' in response.content.decode()
    assert _contact_people(mine) == [caseworker.pk] * 2


def test_requests_of_another_team_or_municipality_cannot_be_chosen(
    den_helder: Place,
    lelystad: Place,
    team_lead: User,
    caseworker: User,
    colleague: User,
    other_team_caseworker: User,
    lelystad_caseworker: User,
) -> None:
    other_team = HelpRequestFactory(
        municipality=den_helder.municipality,
        neighbourhood=den_helder.other_district.neighbourhoods.first(),
        contact_person=other_team_caseworker,
        team=den_helder.other_team,
        status=Status.IN_REVIEW,
    )
    elsewhere = _requests(lelystad, lelystad_caseworker, 1, status=Status.IN_REVIEW)[0]
    client = client_for(team_lead)

    for help_request in (other_team, elsewhere):
        response = client.post(
            URL,
            {
                "requests": [help_request.reference],
                "to_caseworker": colleague.pk,
                "confirmed": "1",
            },
        )
        assert response.status_code == 400
        assert 'id="id_requests_error"' in response.content.decode()

    assert _contact_people([other_team, elsewhere]) == [
        other_team_caseworker.pk,
        lelystad_caseworker.pk,
    ]


@pytest.mark.parametrize("persona", ["caseworker", "resident", "alderman"])
def test_only_team_leads_may_reassign_in_bulk(
    persona: str,
    everyone: dict[str, User],
    den_helder: Place,
    colleague: User,
) -> None:
    caseworker = everyone["caseworker"]
    mine = _requests(den_helder, caseworker, 1, status=Status.IN_REVIEW)
    client = client_for(everyone[persona])

    assert client.get(URL).status_code == 403
    response = client.post(
        URL,
        {
            "from_caseworker": caseworker.pk,
            "to_caseworker": colleague.pk,
            "confirmed": "1",
        },
    )

    assert response.status_code == 403
    assert _contact_people(mine) == [caseworker.pk]


def test_the_pages_run_a_fixed_number_of_queries(
    den_helder: Place,
    team_lead: User,
    caseworker: User,
    colleague: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(team_lead)
    client.get(URL)
    few = _requests(den_helder, caseworker, 2, status=Status.IN_REVIEW)
    many = few + _requests(den_helder, caseworker, 40, status=Status.IN_REVIEW)

    def data(requests: list[HelpRequest]) -> dict[str, Any]:
        return {
            "requests": [r.reference for r in requests],
            "to_caseworker": colleague.pk,
        }

    counts = []
    for requests in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.post(URL, data(requests)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.post(URL, {**data(many), "confirmed": "1"})
    assert _contact_people(many) == [colleague.pk] * 42

"""Claiming and assigning help requests; one winner among simultaneous claims."""

import threading

from django.db import connection
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.services import help_request_claim, help_requests_reassign
from citizens.models import HelpRequest, Status
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place


def _unassigned(place: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=place.municipality,
        neighbourhood=place.neighbourhood,
    )


def test_claiming_makes_the_caseworker_contact_person_and_tells_the_resident(
    caseworker: User, resident: User, den_helder: Place
) -> None:
    help_request = _unassigned(den_helder, resident)
    client = Client()
    client.force_login(caseworker)

    response = client.post(f"/casework/requests/{help_request.reference}/claim/")

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.contact_person == caseworker
    assert help_request.status == Status.IN_REVIEW
    resident_client = Client()
    resident_client.force_login(resident)
    page = resident_client.get(f"/my-requests/{help_request.reference}/")
    assert caseworker.full_name in page.content.decode()


def test_fifty_simultaneous_claims_have_exactly_one_winner(
    transactional_db: None, den_helder: Place, resident: User
) -> None:
    help_request = _unassigned(den_helder, resident)
    caseworkers = [
        UserFactory(caseworker=True, team=den_helder.team) for _ in range(50)
    ]
    barrier = threading.Barrier(len(caseworkers))
    results: list[bool] = []
    lock = threading.Lock()

    def claim(user: User) -> None:
        try:
            barrier.wait()
            won = help_request_claim(help_request=help_request, by=user)
            with lock:
                results.append(won)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in caseworkers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 50
    assert results.count(True) == 1
    help_request.refresh_from_db()
    assert help_request.contact_person in caseworkers
    assert help_request.status_changes.filter(to_status=Status.IN_REVIEW).count() == 1


def test_a_second_claim_is_refused_with_a_message(
    caseworker: User, team_lead: User, resident: User, den_helder: Place
) -> None:
    help_request = _unassigned(den_helder, resident)
    help_request_claim(help_request=help_request, by=team_lead)
    client = Client()
    client.force_login(caseworker)

    response = client.post(
        f"/casework/requests/{help_request.reference}/claim/", follow=True
    )

    # A colleague was faster: the caseworker is told so, and nothing changes.
    assert response.status_code == 200
    assert "al opgepakt" in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.contact_person == team_lead


def test_team_lead_assigns_to_a_caseworker_of_the_team_only(
    team_lead: User,
    caseworker: User,
    other_team_caseworker: User,
    lelystad_caseworker: User,
    resident: User,
    den_helder: Place,
) -> None:
    help_request = _unassigned(den_helder, resident)
    client = Client()
    client.force_login(team_lead)
    url = f"/casework/requests/{help_request.reference}/assign/"

    for outsider in (other_team_caseworker, lelystad_caseworker):
        refused = client.post(url, {"caseworker": outsider.pk})
        assert refused.status_code == 400
        assert 'id="id_caseworker_error"' in refused.content.decode()
    response = client.post(url, {"caseworker": caseworker.pk})

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.contact_person == caseworker


def test_caseworkers_cannot_assign(
    caseworker: User, team_lead: User, resident: User, den_helder: Place
) -> None:
    help_request = _unassigned(den_helder, resident)
    client = Client()
    client.force_login(caseworker)

    response = client.post(
        f"/casework/requests/{help_request.reference}/assign/",
        {"caseworker": team_lead.pk},
    )

    assert response.status_code == 403


def test_reassigning_moves_only_open_requests(
    caseworker: User, team_lead: User, resident: User, den_helder: Place
) -> None:
    open_requests = [_unassigned(den_helder, resident) for _ in range(3)]
    for help_request in open_requests:
        help_request_claim(help_request=help_request, by=caseworker)
    closed = _unassigned(den_helder, resident)
    help_request_claim(help_request=closed, by=caseworker)
    closed.refresh_from_db()
    closed.transition(Status.CLOSED, by=caseworker)

    moved = help_requests_reassign(
        by=team_lead, from_user=caseworker, to_user=team_lead
    )

    assert moved == 3
    assert set(
        HelpRequest.objects.filter(contact_person=team_lead).values_list(
            "pk", flat=True
        )
    ) == {r.pk for r in open_requests}
    closed.refresh_from_db()
    assert closed.contact_person == caseworker


def test_claims_outside_the_scope_are_404(
    lelystad_caseworker: User, resident: User, den_helder: Place
) -> None:
    help_request = _unassigned(den_helder, resident)
    client = Client()
    client.force_login(lelystad_caseworker)

    assert (
        client.post(f"/casework/requests/{help_request.reference}/claim/").status_code
        == 404
    )
    help_request.refresh_from_db()
    assert help_request.contact_person is None

"""Mijn hulpvragen runs a fixed number of queries, however many requests, messages,
status changes and documents a resident has."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.models import HelpRequest
from citizens.tests.factories import (
    AttachmentFactory,
    HelpRequestFactory,
    MessageFactory,
)
from municipalities.models import PostcodeArea
from tests.fixtures.personas import Place, client_for


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _grow_request(help_request: HelpRequest, place: Place, count: int) -> None:
    """More messages (from several people), internal notes and documents."""
    writers = [
        help_request.resident,
        help_request.contact_person,
        UserFactory(caseworker=True, team=place.team),
    ]
    for number in range(count):
        MessageFactory(help_request=help_request, author=writers[number % 3])
        MessageFactory(help_request=help_request, author=writers[1], for_resident=False)
        AttachmentFactory(help_request=help_request)


def _many_requests(resident: User, place: Place, count: int) -> None:
    states = ["received", "in_review", "appointment_planned", "in_progress"]
    for number in range(count):
        help_request = HelpRequestFactory(
            resident=resident,
            neighbourhood=place.neighbourhood,
            team=place.team,
            **{states[number % len(states)]: True},
        )
        _grow_request(help_request, place, 2)
    HelpRequestFactory(
        resident=None,
        filed_by=resident,
        relationship="family",
        subject_name="Opa Jan",
        neighbourhood=place.neighbourhood,
        closed=True,
    )


@pytest.fixture
def request_in_progress(resident: User, caseworker: User, den_helder: Place) -> str:
    help_request = HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        appointment_planned=True,
    )
    _grow_request(help_request, den_helder, 1)
    return help_request.reference


PAGES: dict[str, Callable[[str], str]] = {
    "list": lambda reference: "/my-requests/",
    "detail": lambda reference: f"/my-requests/{reference}/",
}
# Measured: the list runs 3 queries, the detail 6; a little room for the next feature.
BUDGETS = {"list": 4, "detail": 8}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_my_requests_pages_run_a_fixed_number_of_queries(
    page: str,
    resident: User,
    den_helder: Place,
    request_in_progress: str,
) -> None:
    client = client_for(resident)
    path = PAGES[page](request_in_progress)
    client.get(path)  # warm up: session and content types

    before = _queries(client, path)
    _many_requests(resident, den_helder, 12)
    help_request = HelpRequest.objects.get(reference=request_in_progress)
    _grow_request(help_request, den_helder, 15)
    help_request.transition("in_progress", by=help_request.contact_person)
    help_request.transition("appointment_planned", by=help_request.contact_person)
    after = _queries(client, path)

    assert after == before, f"{path}: {before} queries grew to {after}"
    assert before <= BUDGETS[page], f"{path} runs {before} queries"


def test_a_closed_request_with_a_score_form_runs_the_same_number_of_queries(
    resident: User, caseworker: User, den_helder: Place
) -> None:
    small = HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        closed=True,
    )
    large = HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        closed=True,
    )
    _grow_request(large, den_helder, 20)
    client = client_for(resident)
    client.get(f"/my-requests/{small.reference}/")

    assert _queries(client, f"/my-requests/{small.reference}/") == _queries(
        client, f"/my-requests/{large.reference}/"
    )


def test_sending_a_help_request_runs_a_fixed_number_of_queries(
    resident: User, den_helder: Place, den_helder_postcode: PostcodeArea
) -> None:
    """The submission is a benchmark target (bench/run.py, docs/performance.md):
    the session with its user, and one statement that reads the draft's checked
    values, finds the postcode's neighbourhood, claims the draft, counts the
    reference, writes the request with its search document, its first status, and
    the receipt's delivery, e-mail and wake-up."""
    from citizens.tests.factories import HelpRequestDraftFactory

    client = client_for(resident)
    counts = []
    for _ in range(2):
        draft = HelpRequestDraftFactory(owner=resident)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/help/{draft.public_id}/send/")
        assert response.status_code == 302
        assert "/help/sent/" in response["Location"]
        counts.append(len(captured))
        draft.refresh_from_db()
        assert draft.submitted_request is not None
    assert counts[0] == counts[1] == 2, [q["sql"][:90] for q in captured]

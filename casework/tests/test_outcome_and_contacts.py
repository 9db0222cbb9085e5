"""Closing needs an outcome; contacts and the intake are recorded for staff only."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from casework.models import ContactMoment
from citizens.models import HelpRequest, Outcome, Status
from citizens.services import help_request_withdraw
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _progress(client: Client, help_request: HelpRequest, **data: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/casework/requests/{help_request.reference}/",
        {"save_progress": "1", "next_step": "", **data},
    )


def test_closing_without_an_outcome_is_refused_at_the_field(
    help_request: HelpRequest, caseworker: User
) -> None:
    response = _progress(_client(caseworker), help_request, stage="closed")

    assert response.status_code == 400
    assert 'id="id_outcome_error"' in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == Status.RECEIVED


def test_closing_with_an_outcome_records_it_and_the_resident_sees_closed(
    help_request: HelpRequest, caseworker: User, resident: User
) -> None:
    response = _progress(
        _client(caseworker),
        help_request,
        stage="closed",
        outcome=Outcome.NEIGHBOURHOOD_NETWORK,
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == Status.CLOSED
    assert help_request.outcome == Outcome.NEIGHBOURHOOD_NETWORK
    page = _client(resident).get(f"/my-requests/{help_request.reference}/")
    assert page.context["help_request"].status == Status.CLOSED


def test_an_outcome_is_ignored_when_not_closing(
    help_request: HelpRequest, caseworker: User
) -> None:
    _progress(
        _client(caseworker),
        help_request,
        stage="triage",
        outcome=Outcome.REFERRED,
    )

    help_request.refresh_from_db()
    assert help_request.status == Status.IN_REVIEW
    assert help_request.outcome == ""


def test_withdrawing_sets_the_outcome_withdrawn(
    help_request: HelpRequest, resident: User
) -> None:
    help_request_withdraw(help_request=help_request, by=resident)

    help_request.refresh_from_db()
    assert help_request.outcome == Outcome.WITHDRAWN


def test_recording_the_intake_moves_the_request_to_working_on_it(
    help_request: HelpRequest, caseworker: User, resident: User
) -> None:
    response = _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/contacts/",
        {
            "kind": "home_visit",
            "happened_on": timezone.localdate().isoformat(),
            "summary": "Keukentafelgesprek: wil graag naar het buurthuis.",
            "is_intake": "on",
        },
    )

    assert response.status_code == 302
    [moment] = ContactMoment.objects.all()
    assert (moment.kind, moment.is_intake, moment.by) == (
        "home_visit",
        True,
        caseworker,
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS
    # The summary is staff-only: the resident's page does not show it.
    page = (
        _client(resident)
        .get(f"/my-requests/{help_request.reference}/")
        .content.decode()
    )
    assert "Keukentafelgesprek: wil graag" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "telepathy", "happened_on": "2026-11-01", "summary": "x"},
        {"kind": "phone", "happened_on": "not a date", "summary": "x"},
        {"kind": "phone", "happened_on": "2026-11-01", "summary": ""},
        {"kind": "phone", "happened_on": "2026-11-01", "summary": "x" * 3001},
    ],
)
def test_bad_contact_input_is_refused_at_the_field(
    data: dict[str, str], help_request: HelpRequest, caseworker: User
) -> None:
    response = _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/contacts/", data
    )

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_a_contact_cannot_lie_in_the_future(
    help_request: HelpRequest, caseworker: User
) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/contacts/",
        {"kind": "phone", "happened_on": tomorrow.isoformat(), "summary": "Gebeld"},
    )

    assert response.status_code == 400
    assert 'id="id_happened_on_error"' in response.content.decode()


def test_contacts_outside_the_scope_are_404(
    help_request: HelpRequest, lelystad_caseworker: User
) -> None:
    response = _client(lelystad_caseworker).post(
        f"/casework/requests/{help_request.reference}/contacts/",
        {"kind": "phone", "happened_on": "2026-11-01", "summary": "x"},
    )

    assert response.status_code == 404
    assert not ContactMoment.objects.exists()


def test_dates_are_shown_in_the_form_the_date_field_reads_and_survive_a_save(
    help_request: HelpRequest, caseworker: User
) -> None:
    help_request.next_step = "Huisbezoek"
    help_request.next_step_date = timezone.localdate() + timedelta(days=14)
    help_request.save()
    client = _client(caseworker)

    page = client.get(f"/casework/requests/{help_request.reference}/").content.decode()

    expected = help_request.next_step_date.isoformat()
    assert f'value="{expected}"' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page  # contact date: today
    assert page.count('id="id_version"') == 1
    # Saving the progress form as shown keeps the date.
    _progress(
        client,
        help_request,
        stage="new",
        next_step="Huisbezoek",
        next_step_date=expected,
    )
    help_request.refresh_from_db()
    assert help_request.next_step_date.isoformat() == expected

"""The caseworker records consent the resident gave orally, withdraws it when the
resident says so, and cannot refer once consent has expired or was withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import User
from casework.models import Referral
from casework.services import NoConsent, referral_send
from citizens.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecipient,
    HelpRequest,
    Message,
)
from citizens.tests.factories import ConsentFactory, HelpRequestFactory
from networks.models import OrganisationKind
from networks.tests.factories import OrganisationFactory
from tests.fixtures.personas import Place, client_for


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
    )


def _record_url(help_request: HelpRequest) -> str:
    return f"/casework/requests/{help_request.reference}/consents/"


def _withdraw_url(help_request: HelpRequest, consent: Consent) -> str:
    return f"{_record_url(help_request)}{consent.public_id}/withdraw/"


def _until(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _valid(**overrides: object) -> dict[str, object]:
    return {
        "recipient": ConsentRecipient.LOCAL_ORGANISATIONS,
        "organisation": "",
        "valid_until": _until(30),
        "confirmed": "on",
        **overrides,
    }


def test_the_case_page_shows_the_consents_and_the_form(
    help_request: HelpRequest, caseworker: User
) -> None:
    ConsentFactory(help_request=help_request)
    html = client_for(caseworker).get(f"/casework/requests/{help_request.reference}/")
    page = html.content.decode()
    assert 'data-testid="consents"' in page and 'data-state="valid"' in page
    assert 'data-testid="consent-form"' in page


def test_the_caseworker_records_oral_consent_for_one_organisation(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    debt_help = OrganisationFactory(
        municipality=den_helder.municipality, kind=OrganisationKind.DEBT_HELP
    )
    response = client_for(caseworker).post(
        _record_url(help_request),
        _valid(
            recipient=ConsentRecipient.ORGANISATION,
            organisation=debt_help.pk,
            valid_until=_until(10),
        ),
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.recipient, consent.organisation, consent.purpose) == (
        ConsentRecipient.ORGANISATION,
        debt_help,
        ConsentPurpose.REFERRAL,
    )
    assert (consent.method, consent.recorded_by) == (ConsentMethod.ORALLY, caseworker)
    assert consent.valid_until == timezone.localdate() + dt.timedelta(days=10)
    note = Message.objects.get(help_request=help_request)
    assert not note.for_resident and debt_help.name in note.body


def test_a_kind_of_recipient_drops_a_chosen_organisation(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    client_for(caseworker).post(
        _record_url(help_request),
        _valid(
            recipient=ConsentRecipient.VOLUNTEERS,
            organisation=den_helder.organisation.pk,
        ),
    )
    consent = Consent.objects.get()
    assert consent.organisation is None
    assert consent.purpose == ConsentPurpose.VOLUNTEER_HELP


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"recipient": ""}, "recipient", "Kies wie de gegevens mag krijgen."),
        ({"recipient": "everyone"}, "recipient", None),
        (
            {"recipient": ConsentRecipient.ORGANISATION},
            "organisation",
            "Kies de organisatie.",
        ),
        (
            {"valid_until": ""},
            "valid_until",
            "Vul in tot wanneer de toestemming geldt.",
        ),
        ({"valid_until": "morgen"}, "valid_until", None),
        ({"valid_until": _until(-1)}, "valid_until", "Kies een datum vanaf vandaag."),
        ({"valid_until": _until(400)}, "valid_until", "Toestemming geldt hoogstens"),
        (
            {"confirmed": ""},
            "confirmed",
            "Leg toestemming alleen vast als de inwoner ermee instemde.",
        ),
    ],
)
def test_bad_input_is_refused_at_the_field(
    help_request: HelpRequest,
    caseworker: User,
    settings: Settings,
    data: dict[str, object],
    field: str,
    message: str | None,
) -> None:
    settings.CONSENT_VALID_DAYS = 365
    response = client_for(caseworker).post(_record_url(help_request), _valid(**data))

    assert response.status_code == 400
    errors = response.context["consent_form"].errors
    assert field in errors
    if message:
        assert message in " ".join(errors[field])
        assert message in response.content.decode()
    assert not Consent.objects.exists()


def test_an_organisation_of_another_municipality_is_not_a_choice(
    help_request: HelpRequest, caseworker: User, lelystad: Place
) -> None:
    response = client_for(caseworker).post(
        _record_url(help_request),
        _valid(
            recipient=ConsentRecipient.ORGANISATION,
            organisation=lelystad.organisation.pk,
        ),
    )
    assert response.status_code == 400
    assert "organisation" in response.context["consent_form"].errors
    assert not Consent.objects.exists()


def test_a_second_consent_while_one_holds_is_refused_at_the_field(
    help_request: HelpRequest, caseworker: User
) -> None:
    ConsentFactory(help_request=help_request, recipient=ConsentRecipient.VOLUNTEERS)
    response = client_for(caseworker).post(
        _record_url(help_request), _valid(recipient=ConsentRecipient.VOLUNTEERS)
    )
    assert response.status_code == 400
    assert "Er is al een geldige toestemming" in " ".join(
        response.context["consent_form"].errors["recipient"]
    )
    assert Consent.objects.count() == 1


def test_after_withdrawal_consent_can_be_recorded_again(
    help_request: HelpRequest, caseworker: User
) -> None:
    old = ConsentFactory(help_request=help_request, withdrawn_at=timezone.now())
    response = client_for(caseworker).post(
        _record_url(help_request), _valid(recipient=ConsentRecipient.VOLUNTEERS)
    )
    assert response.status_code == 302
    assert Consent.objects.exclude(pk=old.pk).get().state == "valid"


@pytest.mark.parametrize("who", ["other_team_caseworker", "lelystad_caseworker"])
def test_outside_the_scope_nothing_is_recorded_or_withdrawn(
    help_request: HelpRequest, who: str, request: pytest.FixtureRequest
) -> None:
    consent = ConsentFactory(help_request=help_request)
    client = client_for(request.getfixturevalue(who))
    assert client.post(_record_url(help_request), _valid()).status_code == 404
    assert client.post(_withdraw_url(help_request, consent)).status_code == 404
    assert Consent.objects.count() == 1
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.parametrize("who", ["resident", "partner", "functional_admin"])
def test_other_roles_cannot_record_consent(
    help_request: HelpRequest, who: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.post(_record_url(help_request), _valid()).status_code == 403
    assert not Consent.objects.exists()


def test_the_caseworker_withdraws_for_the_resident(
    help_request: HelpRequest, caseworker: User
) -> None:
    consent = ConsentFactory(help_request=help_request)
    response = client_for(caseworker).post(_withdraw_url(help_request, consent))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == caseworker


def test_a_consent_of_another_request_is_not_found_under_this_one(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    other = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood, team=den_helder.team
    )
    foreign = ConsentFactory(help_request=other)
    response = client_for(caseworker).post(_withdraw_url(help_request, foreign))
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None


# ------------------------------------------------------------------ referrals


def _refer(client: Client, help_request: HelpRequest, organisation_pk: int):  # noqa: ANN202
    return client.post(
        f"/casework/requests/{help_request.reference}/referrals/",
        {"organisation": organisation_pk, "question": "Kunnen jullie helpen?"},
    )


@pytest.mark.parametrize("ended", ["expired", "withdrawn"])
def test_no_referral_once_consent_has_ended_message_at_the_field(
    help_request: HelpRequest, caseworker: User, den_helder: Place, ended: str
) -> None:
    now = timezone.now()
    ConsentFactory(
        help_request=help_request,
        recipient=ConsentRecipient.COMMUNITY_CENTRES,
        given_at=now - dt.timedelta(days=30),
        expires_at=now - dt.timedelta(days=1)
        if ended == "expired"
        else now + dt.timedelta(days=30),
        withdrawn_at=now if ended == "withdrawn" else None,
    )
    response = _refer(client_for(caseworker), help_request, den_helder.organisation.pk)

    assert response.status_code == 400
    errors = response.context["referral_form"].errors["organisation"]
    assert "geen geldige toestemming" in " ".join(errors)
    assert not Referral.objects.exists()


def test_a_referral_under_valid_consent_is_sent(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    ConsentFactory(
        help_request=help_request, recipient=ConsentRecipient.COMMUNITY_CENTRES
    )
    response = _refer(client_for(caseworker), help_request, den_helder.organisation.pk)
    assert response.status_code == 302
    assert Referral.objects.get().organisation == den_helder.organisation


def test_the_service_refuses_a_referral_without_consent_too(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    """Consent withdrawn between showing the form and sending: the service checks."""
    with pytest.raises(NoConsent):
        referral_send(
            help_request=help_request,
            by=caseworker,
            organisation=den_helder.organisation,
            question="Koffie?",
        )
    assert not Referral.objects.exists()

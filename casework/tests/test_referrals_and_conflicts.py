"""Referrals to the social map (with the resident's consent) and edit conflicts."""

import pytest
from django.test import Client

from accounts.models import User
from casework.models import Referral, ReferralStatus
from casework.services import InvalidReferralAnswer, referral_answer
from citizens.models import HelpRequest, Message, Status
from citizens.tests.factories import HelpRequestFactory
from networks.models import OrganisationKind
from networks.tests.factories import OrganisationFactory
from tests.fixtures.personas import Place


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        share_with_community_centre=True,
        share_with_local_organisations=False,
    )


@pytest.fixture
def client(caseworker: User) -> Client:
    client = Client()
    client.force_login(caseworker)
    return client


def _url(help_request: HelpRequest, suffix: str = "") -> str:
    return f"/casework/requests/{help_request.reference}/{suffix}"


def test_referral_to_a_community_centre_the_resident_agreed_to(
    client: Client, help_request: HelpRequest, den_helder: Place
) -> None:
    response = client.post(
        _url(help_request, "referrals/"),
        {"organisation": den_helder.organisation.pk, "question": "Koffieochtend?"},
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.organisation, referral.status) == (
        den_helder.organisation,
        ReferralStatus.SENT,
    )
    assert "Koffieochtend?" in client.get(_url(help_request)).content.decode()


def test_referral_without_the_residents_consent_is_refused_at_the_field(
    client: Client, help_request: HelpRequest, den_helder: Place
) -> None:
    debt_help = OrganisationFactory(
        municipality=den_helder.municipality, kind=OrganisationKind.DEBT_HELP
    )

    response = client.post(
        _url(help_request, "referrals/"),
        {"organisation": debt_help.pk, "question": "Schuldhulp"},
    )

    assert response.status_code == 400
    assert 'id="id_organisation_error"' in response.content.decode()
    assert not Referral.objects.exists()


def test_referral_to_another_municipalitys_organisation_is_refused(
    client: Client, help_request: HelpRequest, lelystad: Place
) -> None:
    response = client.post(
        _url(help_request, "referrals/"),
        {"organisation": lelystad.organisation.pk, "question": "x"},
    )

    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_the_partners_answer_lands_in_the_case_timeline(
    help_request: HelpRequest, den_helder: Place, partner: User, caseworker: User
) -> None:
    referral = Referral.objects.create(
        help_request=help_request,
        organisation=den_helder.organisation,
        question="Koffieochtend?",
        created_by=caseworker,
    )

    referral_answer(
        referral=referral, by=partner, status=ReferralStatus.ACCEPTED, answer="Welkom!"
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    note = Message.objects.get(help_request=help_request)
    assert not note.for_resident
    assert "Welkom!" in note.body and den_helder.organisation.name in note.body
    with pytest.raises(InvalidReferralAnswer):
        referral_answer(
            referral=referral, by=partner, status=ReferralStatus.SENT, answer=""
        )


def test_two_caseworkers_saving_progress_from_the_same_page_conflict(
    help_request: HelpRequest, caseworker: User, team_lead: User
) -> None:
    first, second = Client(), Client()
    first.force_login(caseworker)
    second.force_login(team_lead)
    shown = help_request.version
    data = {"save_progress": "1", "version": str(shown), "next_step": ""}

    saved = first.post(_url(help_request), {**data, "stage": "triage"})
    conflict = second.post(
        _url(help_request),
        {
            **data,
            "stage": "closed",
            "outcome": "referred",
            "next_step": "Mijn tekst",
        },
    )

    assert saved.status_code == 302
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Mijn tekst" in page  # what the second person typed is kept
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_REVIEW
    assert help_request.version == shown + 1
    # Sent again from the conflict page (which carries the new version) it saves.
    again = second.post(
        _url(help_request),
        {
            **data,
            "version": str(help_request.version),
            "stage": "closed",
            "outcome": "referred",
        },
    )
    assert again.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == Status.CLOSED


def test_triage_from_an_old_page_conflicts_too(
    client: Client, help_request: HelpRequest, den_helder: Place
) -> None:
    triage = {"domains": ["wmo"], "urgency": "normal", "team": den_helder.team.pk}
    assert (
        client.post(
            _url(help_request, "triage/"), {**triage, "version": "1"}
        ).status_code
        == 302
    )

    stale = client.post(_url(help_request, "triage/"), {**triage, "version": "1"})

    assert stale.status_code == 409

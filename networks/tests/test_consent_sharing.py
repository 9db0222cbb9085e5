"""What partners and volunteers see follows the resident's consent: with a valid
consent the first name, neighbourhood and question or task; after it expired or was
withdrawn nothing of the resident, a clear message, and nothing new goes ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import Referral, ReferralStatus
from citizens.models import Consent, ConsentRecipient, HelpRequest
from citizens.services import consent_withdraw
from citizens.tests.factories import ConsentFactory, HelpRequestFactory
from networks.models import Match, MatchStatus, Need
from networks.reminders import VolunteerAppointmentTomorrow
from networks.tests.factories import VolunteerFactory
from tests.fixtures.personas import Place, client_for

STORY_NAME = "Zwaantje Oosterbeek"
QUESTION = "Graag een plek bij de buurtmaaltijd op dinsdag."
TASK = "Samen boodschappen doen op vrijdagochtend."


@pytest.fixture
def help_request(den_helder: Place, caseworker: User) -> HelpRequest:
    resident = UserFactory(full_name=STORY_NAME, municipality=den_helder.municipality)
    return HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
    )


@pytest.fixture
def centre_consent(help_request: HelpRequest) -> Consent:
    return ConsentFactory(
        help_request=help_request, recipient=ConsentRecipient.COMMUNITY_CENTRES
    )


@pytest.fixture
def volunteer_consent(help_request: HelpRequest) -> Consent:
    return ConsentFactory(
        help_request=help_request, recipient=ConsentRecipient.VOLUNTEERS
    )


@pytest.fixture
def referral(
    help_request: HelpRequest, den_helder: Place, caseworker: User
) -> Referral:
    return Referral.objects.create(
        help_request=help_request,
        organisation=den_helder.organisation,
        question=QUESTION,
        created_by=caseworker,
    )


@pytest.fixture
def volunteer_user(den_helder: Place) -> User:
    return UserFactory(full_name="Gerrit Boon", municipality=den_helder.municipality)


@pytest.fixture
def match(help_request: HelpRequest, volunteer_user: User, den_helder: Place) -> Match:
    volunteer = VolunteerFactory(
        user=volunteer_user, neighbourhood=den_helder.neighbourhood
    )
    return Match.objects.create(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task=TASK,
        first_name="Zwaantje",
    )


def _referral_url(referral: Referral) -> str:
    return f"/networks/partner/referrals/{referral.public_id}/"


def _match_url(match: Match) -> str:
    return f"/networks/volunteer/matches/{match.public_id}/"


def _end(consent: Consent, how: str) -> None:
    if how == "withdrawn":
        consent_withdraw(consent=consent, by=consent.help_request.resident)
    else:
        Consent.objects.filter(pk=consent.pk).update(
            given_at=timezone.now() - dt.timedelta(days=400),
            expires_at=timezone.now() - dt.timedelta(days=35),
        )


# ------------------------------------------------------------------ partner


def test_with_valid_consent_the_partner_sees_what_the_referral_needs(
    referral: Referral, centre_consent: Consent, partner: User, den_helder: Place
) -> None:
    client = client_for(partner)
    home = client.get("/networks/partner/").content.decode()
    page = client.get(_referral_url(referral)).content.decode()
    assert QUESTION in home and den_helder.neighbourhood.name in home
    assert "Zwaantje" in page and QUESTION in page
    assert 'data-testid="no-consent"' not in page + home


@pytest.mark.parametrize("how", ["withdrawn", "expired"])
def test_after_consent_ends_the_partner_sees_no_details_and_a_message(
    referral: Referral, centre_consent: Consent, partner: User, how: str
) -> None:
    _end(centre_consent, how)
    client = client_for(partner)
    home = client.get("/networks/partner/").content.decode()
    response = client.get(_referral_url(referral))
    page = response.content.decode()

    assert response.status_code == 200
    assert 'data-testid="no-consent"' in home and 'data-testid="no-consent"' in page
    for detail in ("Zwaantje", QUESTION, STORY_NAME):
        assert detail not in home and detail not in page


def test_without_consent_the_partner_cannot_accept_but_can_decline(
    referral: Referral, centre_consent: Consent, partner: User
) -> None:
    _end(centre_consent, "withdrawn")
    client = client_for(partner)
    refused = client.post(_referral_url(referral), {"to": ReferralStatus.ACCEPTED})
    assert refused.status_code == 400
    assert "toestemming" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT

    declined = client.post(
        _referral_url(referral),
        {"to": ReferralStatus.DECLINED, "text": "Geen toestemming meer."},
    )
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED


def test_consent_for_another_organisation_does_not_open_this_referral(
    referral: Referral, help_request: HelpRequest, partner: User, den_helder: Place
) -> None:
    from networks.tests.factories import OrganisationFactory

    other = OrganisationFactory(municipality=den_helder.municipality)
    ConsentFactory(
        help_request=help_request,
        recipient=ConsentRecipient.ORGANISATION,
        organisation=other,
    )
    page = client_for(partner).get(_referral_url(referral)).content.decode()
    assert 'data-testid="no-consent"' in page and QUESTION not in page


def test_the_partner_pages_run_a_fixed_number_of_queries(
    referral: Referral,
    centre_consent: Consent,
    partner: User,
    den_helder: Place,
    caseworker: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(partner)
    client.get("/networks/partner/")
    with django_assert_max_num_queries(10) as first:
        client.get("/networks/partner/")
    for _ in range(5):
        other = HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood, share_with_community_centre=True
        )
        Referral.objects.create(
            help_request=other,
            organisation=den_helder.organisation,
            question="Nog een vraag",
            created_by=caseworker,
        )
    with django_assert_max_num_queries(len(first)):
        client.get("/networks/partner/")
    with django_assert_max_num_queries(10):
        client.get(_referral_url(referral))


# ------------------------------------------------------------------ volunteer


def test_with_valid_consent_the_volunteer_sees_the_first_name_and_task(
    match: Match, volunteer_consent: Consent, volunteer_user: User
) -> None:
    client = client_for(volunteer_user)
    home = client.get("/networks/volunteer/").content.decode()
    page = client.get(_match_url(match)).content.decode()
    assert "Zwaantje" in home
    assert "Zwaantje" in page and TASK in page


@pytest.mark.parametrize("how", ["withdrawn", "expired"])
def test_after_consent_ends_the_volunteer_sees_no_details_and_a_message(
    match: Match, volunteer_consent: Consent, volunteer_user: User, how: str
) -> None:
    _end(volunteer_consent, how)
    client = client_for(volunteer_user)
    home = client.get("/networks/volunteer/").content.decode()
    page = client.get(_match_url(match)).content.decode()
    assert 'data-testid="no-consent"' in home and 'data-testid="no-consent"' in page
    for detail in ("Zwaantje", TASK, STORY_NAME):
        assert detail not in home and detail not in page


def test_without_consent_the_volunteer_cannot_accept_but_can_decline(
    match: Match, volunteer_consent: Consent, volunteer_user: User
) -> None:
    _end(volunteer_consent, "expired")
    client = client_for(volunteer_user)
    refused = client.post(_match_url(match), {"to": MatchStatus.ACCEPTED})
    assert refused.status_code == 400
    assert "toestemming" in refused.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    declined = client.post(
        _match_url(match), {"to": MatchStatus.DECLINED, "text": "Dan niet."}
    )
    assert declined.status_code == 302


def test_no_new_match_after_withdrawal_message_on_the_form(
    help_request: HelpRequest,
    volunteer_consent: Consent,
    caseworker: User,
    den_helder: Place,
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    _end(volunteer_consent, "withdrawn")
    response = client_for(caseworker).post(
        f"/networks/cases/{help_request.reference}/",
        {"volunteer": volunteer.public_id, "need": Need.SHOPPING, "task": "x"},
    )
    assert response.status_code == 400
    assert "geen geldige toestemming" in response.content.decode()
    assert not Match.objects.exists()


def test_the_volunteer_pages_run_a_fixed_number_of_queries(
    match: Match,
    volunteer_consent: Consent,
    volunteer_user: User,
    den_helder: Place,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(volunteer_user)
    client.get("/networks/volunteer/")
    with django_assert_max_num_queries(10) as first:
        client.get("/networks/volunteer/")
    for _ in range(4):
        Match.objects.create(
            help_request=HelpRequestFactory(
                neighbourhood=den_helder.neighbourhood, share_with_volunteers=True
            ),
            volunteer=match.volunteer,
            need=Need.COMPANY,
            task="Koffie",
            first_name="Piet",
        )
    with django_assert_max_num_queries(len(first)):
        client.get("/networks/volunteer/")
    with django_assert_max_num_queries(10):
        client.get(_match_url(match))


def test_no_appointment_reminder_with_the_name_once_consent_ended(
    match: Match, volunteer_consent: Consent
) -> None:
    Match.objects.filter(pk=match.pk).update(
        status=MatchStatus.ACCEPTED,
        appointment_at=timezone.now() + dt.timedelta(days=2),
    )
    kind = VolunteerAppointmentTomorrow()
    with freeze_time(timezone.now()):
        planned = kind.desired(kind.load([match.pk]), now=timezone.now())
        assert len(planned[str(match.pk)]) == 1
        _end(volunteer_consent, "withdrawn")
        assert kind.desired(kind.load([match.pk]), now=timezone.now()) == {
            str(match.pk): []
        }

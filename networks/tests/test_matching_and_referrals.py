"""Matching volunteers and answering referrals: consent, minimum data, lifecycle,
and feedback into the case and to the resident."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import Referral, ReferralStatus
from citizens.models import ConsentRecipient, HelpRequest, Message
from citizens.tests.factories import HelpRequestFactory
from networks.models import Match, MatchChange, MatchStatus, Need, OrganisationKind
from networks.services import NotAllowed, match_propose, volunteer_suggestions
from networks.tests.factories import (
    OrganisationFactory,
    ServiceFactory,
    VolunteerFactory,
)
from tests.fixtures.personas import Place, client_for


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        story="Ik heb schulden en ben somber sinds mijn scheiding.",
        share_with_volunteers=True,
        share_with_community_centre=True,
        share_with_local_organisations=True,
    )


@pytest.fixture
def volunteer_user(den_helder: Place) -> User:
    return UserFactory(
        full_name="Gerrit Boon",
        email="gerrit@example.test",
        municipality=den_helder.municipality,
    )


@pytest.fixture
def volunteer(volunteer_user: User, den_helder: Place):  # noqa: ANN201
    return VolunteerFactory(
        user=volunteer_user,
        neighbourhood=den_helder.neighbourhood,
        offers=[Need.SHOPPING, Need.COMPANY],
    )


def _network_url(help_request: HelpRequest) -> str:
    return f"/networks/cases/{help_request.reference}/"


def test_suggestions_rank_neighbourhood_and_availability_first(
    help_request: HelpRequest, volunteer, den_helder: Place, caseworker: User
) -> None:
    far = VolunteerFactory(
        neighbourhood=den_helder.other_district.neighbourhoods.get(),
        offers=[Need.SHOPPING],
    )
    busy = VolunteerFactory(
        neighbourhood=den_helder.neighbourhood, offers=[Need.SHOPPING]
    )
    match_propose(
        help_request=HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood, share_with_volunteers=True
        ),
        volunteer=busy,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    VolunteerFactory(neighbourhood=den_helder.neighbourhood, applied=True)
    VolunteerFactory(neighbourhood=den_helder.neighbourhood, paused=True)
    VolunteerFactory(neighbourhood=den_helder.neighbourhood, offers=[Need.LANGUAGE])

    ranked = volunteer_suggestions(help_request=help_request, need=Need.SHOPPING)

    assert [s.item for s in ranked] == [volunteer, busy, far]


def test_suggestions_take_a_fixed_number_of_queries(
    help_request: HelpRequest, den_helder: Place
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            volunteer_suggestions(help_request=help_request, need=Need.SHOPPING)
        return len(queries)

    VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    before = count()
    for _ in range(5):
        VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    assert count() == before


def test_caseworker_sees_suggestions_and_proposes_a_match(
    help_request: HelpRequest, volunteer, caseworker: User, den_helder: Place
) -> None:
    debt_help = OrganisationFactory(
        municipality=den_helder.municipality,
        name="Schuldhulp Den Helder",
        kind=OrganisationKind.DEBT_HELP,
        serves_whole_municipality=True,
        domains=["debt"],
    )
    ServiceFactory(organisation=debt_help, needs=[Need.MONEY])
    client = client_for(caseworker)

    page = client.get(_network_url(help_request), {"need": Need.SHOPPING})
    assert "Gerrit Boon" in page.content.decode()
    money = client.get(_network_url(help_request), {"need": Need.MONEY})
    assert "Schuldhulp Den Helder" in money.content.decode()

    response = client.post(
        _network_url(help_request),
        {
            "volunteer": volunteer.public_id,
            "need": Need.SHOPPING,
            "task": "Eén keer per week samen boodschappen doen.",
        },
    )

    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.status, match.first_name) == (MatchStatus.PROPOSED, "Sanne")
    assert MatchChange.objects.get().to_status == MatchStatus.PROPOSED
    note = Message.objects.get(help_request=help_request)
    assert not note.for_resident and "Gerrit Boon" in note.body
    case_page = client.get(f"/casework/requests/{help_request.reference}/")
    assert "Gerrit Boon" in case_page.content.decode()


def test_no_match_without_the_residents_consent_for_volunteers(
    help_request: HelpRequest, volunteer, caseworker: User
) -> None:
    help_request.consents.filter(recipient=ConsentRecipient.VOLUNTEERS).delete()
    client = client_for(caseworker)

    page = client.get(_network_url(help_request), {"need": Need.SHOPPING})
    assert 'data-testid="no-volunteer-consent"' in page.content.decode()
    assert "Gerrit Boon" not in page.content.decode()

    response = client.post(
        _network_url(help_request),
        {"volunteer": volunteer.public_id, "need": Need.SHOPPING, "task": "x"},
    )
    assert response.status_code == 400
    assert not Match.objects.exists()


def test_unscreened_or_other_municipality_volunteers_cannot_be_matched(
    help_request: HelpRequest, caseworker: User, lelystad: Place, den_helder: Place
) -> None:
    applied = VolunteerFactory(neighbourhood=den_helder.neighbourhood, applied=True)
    elsewhere = VolunteerFactory(neighbourhood=lelystad.neighbourhood)
    client = client_for(caseworker)
    for candidate in (applied, elsewhere):
        response = client.post(
            _network_url(help_request),
            {"volunteer": candidate.public_id, "need": Need.SHOPPING, "task": "x"},
        )
        assert response.status_code == 400
        assert 'id="id_volunteer_error"' in response.content.decode()
    with pytest.raises(NotAllowed):
        match_propose(
            help_request=help_request,
            volunteer=applied,
            need=Need.SHOPPING,
            task="x",
            by=caseworker,
        )
    assert not Match.objects.exists()


def test_propose_form_with_bad_input_keeps_what_was_typed(
    help_request: HelpRequest, caseworker: User
) -> None:
    response = client_for(caseworker).post(
        _network_url(help_request),
        {"volunteer": "", "need": "nonsense", "task": "Boodschappen op dinsdag"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_volunteer_error"' in page and 'id="id_need_error"' in page
    assert "Boodschappen op dinsdag" in page


def test_the_volunteer_sees_only_first_name_neighbourhood_and_task(
    help_request: HelpRequest, volunteer, volunteer_user: User, caseworker: User
) -> None:
    match = match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Samen boodschappen doen.",
        by=caseworker,
    )
    client = client_for(volunteer_user)

    page = client.get(
        f"/networks/volunteer/matches/{match.public_id}/"
    ).content.decode()

    assert "Sanne" in page and "Samen boodschappen doen." in page
    assert help_request.neighbourhood.name in page
    for private in (
        "de Vries",
        help_request.reference,
        "schulden",
        help_request.postcode,
        help_request.resident.email,
    ):
        assert private not in page


def test_the_match_lifecycle_reaches_case_and_resident(
    help_request: HelpRequest,
    volunteer,
    volunteer_user: User,
    caseworker: User,
    resident: User,
) -> None:
    match = match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    client = client_for(volunteer_user)
    url = f"/networks/volunteer/matches/{match.public_id}/"
    tomorrow = timezone.localtime() + dt.timedelta(days=1)

    assert (
        client.post(
            url,
            {
                "to": MatchStatus.ACCEPTED,
                "appointment_at": tomorrow.strftime("%Y-%m-%dT%H:%M"),
            },
        ).status_code
        == 302
    )
    assert client.post(url, {"to": MatchStatus.ACTIVE}).status_code == 302
    bad = client.post(url, {"to": MatchStatus.COMPLETED, "text": ""})
    assert bad.status_code == 400 and 'id="id_text_error"' in bad.content.decode()
    done = client.post(url, {"to": MatchStatus.COMPLETED, "text": "Fijne gesprekken."})
    assert done.status_code == 302

    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert match.feedback == "Fijne gesprekken."
    assert match.appointment_at is not None
    assert [c.to_status for c in match.changes.all()] == [
        MatchStatus.PROPOSED,
        MatchStatus.ACCEPTED,
        MatchStatus.ACTIVE,
        MatchStatus.COMPLETED,
    ]
    internal = Message.objects.filter(help_request=help_request, for_resident=False)
    assert any("Fijne gesprekken." in m.body for m in internal)
    resident_page = (
        client_for(resident)
        .get(f"/my-requests/{help_request.reference}/")
        .content.decode()
    )
    assert "Gerrit" in resident_page
    assert "Boon" not in resident_page  # first name only, to the resident as well
    # A closed match is no longer open to the volunteer.
    assert client.get(url).status_code == 404


def test_a_volunteer_declines_with_a_reason(
    help_request: HelpRequest, volunteer, volunteer_user: User, caseworker: User
) -> None:
    match = match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    client = client_for(volunteer_user)
    url = f"/networks/volunteer/matches/{match.public_id}/"

    no_reason = client.post(url, {"to": MatchStatus.DECLINED})
    assert no_reason.status_code == 400
    assert (
        client.post(
            url, {"to": MatchStatus.DECLINED, "text": "Ik ben op vakantie."}
        ).status_code
        == 302
    )

    match.refresh_from_db()
    assert (match.status, match.reason) == (MatchStatus.DECLINED, "Ik ben op vakantie.")
    # Declining a proposal is not news for the resident.
    assert not Message.objects.filter(
        help_request=help_request, for_resident=True
    ).exists()


def test_a_volunteer_cannot_open_someone_elses_match(
    help_request: HelpRequest, volunteer, caseworker: User, den_helder: Place
) -> None:
    match = match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    other_volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    client = client_for(other_volunteer.user)
    url = f"/networks/volunteer/matches/{match.public_id}/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"to": MatchStatus.ACCEPTED}).status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


# ---------------------------------------------------------------- referrals


@pytest.fixture
def referral(
    help_request: HelpRequest, den_helder: Place, caseworker: User
) -> Referral:
    return Referral.objects.create(
        help_request=help_request,
        organisation=den_helder.organisation,
        question="Graag een plek bij de buurtmaaltijd.",
        created_by=caseworker,
    )


def test_the_partner_sees_what_the_referral_needs_and_nothing_more(
    referral: Referral, partner: User, help_request: HelpRequest
) -> None:
    client = client_for(partner)
    home = client.get("/networks/partner/").content.decode()
    assert "Graag een plek bij de buurtmaaltijd." in home

    page = client.get(
        f"/networks/partner/referrals/{referral.public_id}/"
    ).content.decode()

    assert "Sanne" in page and "Graag een plek bij de buurtmaaltijd." in page
    for private in (
        "de Vries",
        "schulden",
        help_request.reference,
        help_request.postcode,
    ):
        assert private not in page


def test_the_partner_accepts_and_reports_back_which_reaches_case_and_resident(
    referral: Referral, partner: User, resident: User, caseworker: User
) -> None:
    client = client_for(partner)
    url = f"/networks/partner/referrals/{referral.public_id}/"

    assert client.post(url, {"to": ReferralStatus.ACCEPTED}).status_code == 302
    empty = client.post(url, {"to": ReferralStatus.COMPLETED, "text": " "})
    assert empty.status_code == 400 and 'id="id_text_error"' in empty.content.decode()
    assert (
        client.post(
            url, {"to": ReferralStatus.COMPLETED, "text": "Komt elke donderdag eten."}
        ).status_code
        == 302
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.feedback == "Komt elke donderdag eten."
    assert referral.completed_at is not None
    case_page = (
        client_for(caseworker)
        .get(f"/casework/requests/{referral.help_request.reference}/")
        .content.decode()
    )
    assert "Komt elke donderdag eten." in case_page
    resident_page = (
        client_for(resident)
        .get(f"/my-requests/{referral.help_request.reference}/")
        .content.decode()
    )
    assert referral.organisation.name in resident_page
    # Closed: no longer the partner's to read.
    assert client.get(url).status_code == 404
    assert "Graag een plek" not in client.get("/networks/partner/").content.decode()


def test_declining_needs_a_reason(referral: Referral, partner: User) -> None:
    client = client_for(partner)
    url = f"/networks/partner/referrals/{referral.public_id}/"

    response = client.post(url, {"to": ReferralStatus.DECLINED, "text": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    client.post(url, {"to": ReferralStatus.DECLINED, "text": "Vol tot maart."})
    referral.refresh_from_db()
    assert (referral.status, referral.answer) == (
        ReferralStatus.DECLINED,
        "Vol tot maart.",
    )


def test_a_partner_reaches_no_referral_of_another_organisation(
    referral: Referral, den_helder: Place, lelystad: Place
) -> None:
    colleague_elsewhere = UserFactory(
        partner=True,
        organisation=OrganisationFactory(municipality=den_helder.municipality),
    )
    lelystad_partner = UserFactory(partner=True, organisation=lelystad.organisation)
    for partner in (colleague_elsewhere, lelystad_partner):
        client = client_for(partner)
        url = f"/networks/partner/referrals/{referral.public_id}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"to": ReferralStatus.ACCEPTED}).status_code == 404
        assert "buurtmaaltijd" not in client.get("/networks/partner/").content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_case_network_page_is_scoped_like_the_case(
    help_request: HelpRequest,
    lelystad_caseworker: User,
    partner: User,
    resident: User,
) -> None:
    url = _network_url(help_request)
    assert client_for(lelystad_caseworker).get(url).status_code == 404
    assert client_for(partner).get(url).status_code == 403
    assert client_for(resident).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_case_network_page_has_a_fixed_number_of_queries(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    client = client_for(caseworker)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_network_url(help_request)).status_code == 200
        return len(queries)

    VolunteerFactory(neighbourhood=den_helder.neighbourhood, offers=[Need.COMPANY])
    client.get(_network_url(help_request))  # warm up: the session's first write
    before = count()
    for _ in range(4):
        volunteer = VolunteerFactory(
            neighbourhood=den_helder.neighbourhood, offers=[Need.COMPANY]
        )
        Match.objects.create(
            help_request=help_request,
            volunteer=volunteer,
            need=Need.COMPANY,
            task="Bezoek",
            first_name="Sanne",
        )
        OrganisationFactory(municipality=den_helder.municipality, domains=["debt"])
    assert count() == before


def test_partners_and_volunteers_reach_nothing_of_the_request_itself(
    referral: Referral, volunteer, volunteer_user: User, caseworker: User, partner: User
) -> None:
    help_request = referral.help_request
    match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    volunteer_client = client_for(volunteer_user)
    partner_client = client_for(partner)

    assert (
        volunteer_client.get(f"/my-requests/{help_request.reference}/").status_code
        == 404
    )
    assert "schulden" not in volunteer_client.get("/my-requests/").content.decode()
    for client in (volunteer_client, partner_client):
        assert (
            client.get(f"/casework/requests/{help_request.reference}/").status_code
            == 403
        )
        assert client.get(_network_url(help_request)).status_code == 403
        assert client.get("/casework/queue/").status_code == 403


def test_the_case_page_leads_to_the_network_and_to_pilot_enrolment(
    help_request: HelpRequest, caseworker: User
) -> None:
    page = (
        client_for(caseworker)
        .get(f"/casework/requests/{help_request.reference}/")
        .content.decode()
    )

    assert f'href="/networks/cases/{help_request.reference}/"' in page
    assert f'href="/pilots/enrol/?reference={help_request.reference}"' in page


def test_stopping_a_match_is_scoped_like_the_case(
    help_request: HelpRequest,
    volunteer,
    caseworker: User,
    lelystad_caseworker: User,
    partner: User,
) -> None:
    match = match_propose(
        help_request=help_request,
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    url = f"/networks/cases/{help_request.reference}/matches/{match.public_id}/stop/"

    assert client_for(lelystad_caseworker).post(url, {"reason": "x"}).status_code == 404
    assert client_for(partner).post(url, {"reason": "x"}).status_code == 403
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED

    assert (
        client_for(caseworker).post(url, {"reason": "Andere hulp gevonden"}).status_code
        == 302
    )
    match.refresh_from_db()
    assert (match.status, match.reason) == (MatchStatus.STOPPED, "Andere hulp gevonden")

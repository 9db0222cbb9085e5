"""Residents sign up as volunteers; a coordinator screens them before any match; a
volunteer pauses or stops."""

import datetime as dt

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.tests.factories import HelpRequestFactory
from networks.models import (
    Match,
    MatchStatus,
    Need,
    OrganisationKind,
    VogStatus,
    Volunteer,
    VolunteerStatus,
)
from networks.services import match_propose
from networks.tests.factories import OrganisationFactory, VolunteerFactory
from tests.fixtures.personas import Place, client_for


@pytest.fixture
def coordinator(den_helder: Place) -> User:
    return UserFactory(
        partner=True,
        full_name="Coördinator",
        organisation=OrganisationFactory(
            municipality=den_helder.municipality,
            name="Vrijwilligerspunt",
            kind=OrganisationKind.VOLUNTEER_ORGANISATION,
        ),
    )


def _sign_up_data(place: Place) -> dict[str, object]:
    return {
        "neighbourhood": place.neighbourhood.pk,
        "neighbourhoods": [place.neighbourhood.pk],
        "offers": [Need.SHOPPING, Need.TRANSPORT],
        "availability": ["weekday_morning"],
        "phone": "06 12345678",
        "about": "Gepensioneerd, heb een auto.",
        "screening_agreed": "on",
    }


def test_a_resident_signs_up_and_waits_for_screening(
    resident: User, den_helder: Place
) -> None:
    client = client_for(resident)
    assert client.get("/networks/volunteer/").status_code == 302

    response = client.post("/networks/volunteer/sign-up/", _sign_up_data(den_helder))

    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=resident)
    assert volunteer.status == VolunteerStatus.APPLIED
    assert volunteer.municipality == den_helder.municipality
    assert list(volunteer.neighbourhoods.all()) == [den_helder.neighbourhood]
    page = client.get("/networks/volunteer/").content.decode()
    assert "coordinator" in page.lower() or "coördinator" in page.lower()


def test_sign_up_with_bad_input_explains_each_field(
    resident: User, lelystad: Place
) -> None:
    response = client_for(resident).post(
        "/networks/volunteer/sign-up/",
        {
            "neighbourhood": lelystad.neighbourhood.pk,  # another municipality
            "offers": ["flying"],
            "phone": "bel me",
            "about": "Ik help graag",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    for field in (
        "neighbourhood",
        "neighbourhoods",
        "offers",
        "availability",
        "phone",
        "screening_agreed",
    ):
        assert f'id="id_{field}_error"' in page, field
    assert "Ik help graag" in page
    assert not Volunteer.objects.exists()


def test_a_resident_without_municipality_chooses_one_first(den_helder: Place) -> None:
    newcomer = UserFactory(municipality=None)
    client = client_for(newcomer)

    choose = client.get("/networks/volunteer/sign-up/")
    assert "?municipality=den-helder" in choose.content.decode()
    form = client.get("/networks/volunteer/sign-up/", {"municipality": "den-helder"})
    assert den_helder.neighbourhood.name in form.content.decode()


def test_the_coordinator_screens_before_approval(
    coordinator: User, den_helder: Place
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood, applied=True)
    client = client_for(coordinator)
    url = f"/networks/volunteers/{volunteer.public_id}/screening/"
    assert (
        volunteer.user.full_name in client.get("/networks/volunteers/").content.decode()
    )

    early = client.post(url, {"vog_status": VogStatus.REQUESTED, "approve": "on"})
    assert early.status_code == 400
    page = early.content.decode()
    assert 'id="id_vog_status_error"' in page and 'id="id_intake_on_error"' in page
    future = client.post(
        url,
        {
            "vog_status": VogStatus.RECEIVED,
            "intake_on": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert future.status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED

    done = client.post(
        url,
        {
            "vog_status": VogStatus.RECEIVED,
            "intake_on": dt.date.today().isoformat(),
            "screening_note": "Goed gesprek.",
            "approve": "on",
        },
    )

    assert done.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.screened_by == coordinator


def test_a_refused_certificate_of_conduct_stops_the_volunteer(
    coordinator: User, den_helder: Place
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood, applied=True)
    client_for(coordinator).post(
        f"/networks/volunteers/{volunteer.public_id}/screening/",
        {"vog_status": VogStatus.REFUSED, "intake_on": dt.date.today().isoformat()},
    )
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.STOPPED


def test_only_coordinators_of_the_municipality_screen(
    partner: User, lelystad: Place, den_helder: Place, resident: User
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood, applied=True)
    url = f"/networks/volunteers/{volunteer.public_id}/screening/"
    lelystad_coordinator = UserFactory(
        partner=True,
        organisation=OrganisationFactory(
            municipality=lelystad.municipality,
            kind=OrganisationKind.VOLUNTEER_ORGANISATION,
        ),
    )
    # A community centre partner is not a coordinator.
    assert client_for(partner).get("/networks/volunteers/").status_code == 403
    assert client_for(partner).get(url).status_code == 403
    assert client_for(resident).get(url).status_code == 403
    other = client_for(lelystad_coordinator)
    assert other.get(url).status_code == 404
    assert (
        other.post(url, {"vog_status": VogStatus.RECEIVED, "approve": "on"}).status_code
        == 404
    )
    assert (
        volunteer.user.full_name
        not in other.get("/networks/volunteers/").content.decode()
    )


def test_a_volunteer_pauses_resumes_and_stops_which_ends_open_matches(
    den_helder: Place, caseworker: User
) -> None:
    volunteer = VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    match = match_propose(
        help_request=HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood, share_with_volunteers=True
        ),
        volunteer=volunteer,
        need=Need.SHOPPING,
        task="Boodschappen",
        by=caseworker,
    )
    client = client_for(volunteer.user)

    client.post("/networks/volunteer/status/", {"status": VolunteerStatus.PAUSED})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PAUSED
    client.post("/networks/volunteer/status/", {"status": VolunteerStatus.ACTIVE})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    client.post("/networks/volunteer/status/", {"status": VolunteerStatus.STOPPED})

    volunteer.refresh_from_db()
    match.refresh_from_db()
    assert volunteer.status == VolunteerStatus.STOPPED
    assert match.status == MatchStatus.STOPPED
    # Stopped is final.
    client.post("/networks/volunteer/status/", {"status": VolunteerStatus.ACTIVE})
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.STOPPED


@pytest.mark.parametrize(
    "role", ["caseworker", "partner", "pilot_owner", "alderman", "functional_admin"]
)
def test_staff_are_not_volunteers_here(role: str, everyone: dict[str, User]) -> None:
    client = client_for(everyone[role])
    assert client.get("/networks/volunteer/").status_code == 403
    assert client.get("/networks/volunteer/sign-up/").status_code == 403


def test_anonymous_visitors_are_asked_to_log_in_for_volunteering(db: None) -> None:
    response = Client().get("/networks/volunteer/sign-up/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Match.objects.exists()

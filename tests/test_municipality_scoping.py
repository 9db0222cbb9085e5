"""Pages show nothing of another municipality: names planted there never appear."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory
from municipalities.tests.factories import NeighbourhoodFactory, TeamFactory
from networks.tests.factories import OrganisationFactory
from tests.fixtures.personas import HOME_PAGES, Place

MARKER = "ZZ-LELYSTAD-MARKER"


@pytest.fixture
def planted_in_lelystad(lelystad: Place) -> None:
    """Lelystad data whose names must never show up on a Den Helder page."""
    NeighbourhoodFactory(district=lelystad.district, name=f"{MARKER} buurt")
    TeamFactory(district=lelystad.district, name=f"{MARKER} team")
    OrganisationFactory(municipality=lelystad.municipality, name=f"{MARKER} buurthuis")
    UserFactory(caseworker=True, team=lelystad.team, full_name=f"{MARKER} consulent")
    UserFactory(municipality=lelystad.municipality, full_name=f"{MARKER} inwoner")


@pytest.mark.parametrize("persona", sorted(HOME_PAGES))
def test_home_pages_show_nothing_of_another_municipality(
    persona: str, everyone: dict[str, User], planted_in_lelystad: None
) -> None:
    client = Client()
    client.force_login(everyone[persona])

    page = client.get(HOME_PAGES[persona]).content.decode()

    assert MARKER not in page
    assert "Lelystad" not in page


def test_caseworker_home_shows_own_team_and_neighbourhoods(
    caseworker: User, team_lead: User, other_team_caseworker: User, den_helder: Place
) -> None:
    client = Client()
    client.force_login(caseworker)

    page = client.get("/casework/").content.decode()

    assert den_helder.team.name in page
    assert den_helder.neighbourhood.name in page
    assert team_lead.full_name in page
    assert other_team_caseworker.full_name not in page


def test_functional_admin_sees_own_municipality_staff_counts_and_no_residents(
    everyone: dict[str, User], den_helder: Place
) -> None:
    client = Client()
    client.force_login(everyone["functional_admin"])

    response = client.get("/accounts/administration/")

    rows = {row["role"]: row["count"] for row in response.context["staff_by_role"]}
    assert rows == {
        "caseworker": 2,
        "team_lead": 1,
        "partner": 1,
        "pilot_owner": 1,
        "alderman": 1,
        "regional_manager": 1,
        "functional_admin": 1,
    }


def test_alderman_overview_counts_only_own_municipality(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    client = Client()
    client.force_login(everyone["alderman"])

    response = client.get("/dashboard/")

    assert response.context["team_count"] == 2
    assert response.context["organisation_count"] == 1
    assert [d.name for d in response.context["districts"]] == sorted(
        [den_helder.district.name, den_helder.other_district.name]
    )

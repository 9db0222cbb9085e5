"""The public social map, neighbourhood pages, and who may maintain them."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from networks.models import (
    KeyContact,
    Match,
    MatchStatus,
    Need,
    Organisation,
    OrganisationKind,
    Service,
)
from networks.tests.factories import (
    OrganisationFactory,
    ServiceFactory,
    VolunteerFactory,
)
from tests.fixtures.personas import Place, client_for


@pytest.fixture
def debt_walk_in(den_helder: Place) -> Service:
    debt_help = OrganisationFactory(
        municipality=den_helder.municipality,
        name="Schuldhulp Kop van Noord-Holland",
        kind=OrganisationKind.DEBT_HELP,
        serves_whole_municipality=True,
    )
    return ServiceFactory(
        organisation=debt_help,
        name="Inloop geldzaken",
        description="Loop binnen met uw post en rekeningen.",
        keywords="rekeningen, schulden, aanmaning, deurwaarder",
        needs=[Need.MONEY, Need.PAPERWORK],
    )


def test_a_resident_finds_help_in_plain_words_without_logging_in(
    client: Client, debt_walk_in: Service, den_helder: Place
) -> None:
    ServiceFactory(organisation=den_helder.organisation, name="Koffieochtend")

    response = client.get("/networks/social-map/den-helder/", {"q": "schulden"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Inloop geldzaken" in page
    assert "Koffieochtend" not in page


def test_search_matches_the_start_of_a_word_and_dutch_word_forms(
    client: Client, debt_walk_in: Service
) -> None:
    for words in ("rekening", "aanman", "Deurwaarders"):
        response = client.get("/networks/social-map/den-helder/", {"q": words})
        assert "Inloop geldzaken" in response.content.decode(), words


def test_search_by_need_and_neighbourhood(
    client: Client, debt_walk_in: Service, den_helder: Place
) -> None:
    elsewhere = OrganisationFactory(
        municipality=den_helder.municipality,
        neighbourhood=None,
        name="Geldcafé De Schooten",
    )
    other_neighbourhood = den_helder.other_district.neighbourhoods.get()
    elsewhere.neighbourhoods_served.set([other_neighbourhood])
    ServiceFactory(organisation=elsewhere, name="Geldcafé", needs=[Need.MONEY])

    response = client.get(
        "/networks/social-map/den-helder/",
        {"need": Need.MONEY, "neighbourhood": den_helder.neighbourhood.cbs_code},
    )

    page = response.content.decode()
    assert "Inloop geldzaken" in page  # serves the whole municipality
    assert "Geldcafé" not in page  # serves only De Schooten


def test_search_stays_within_the_municipality(
    client: Client, debt_walk_in: Service, lelystad: Place
) -> None:
    response = client.get("/networks/social-map/lelystad/", {"q": "schulden"})

    assert "Inloop geldzaken" not in response.content.decode()


def test_search_with_odd_input_never_fails(
    client: Client, debt_walk_in: Service
) -> None:
    for words in ("'; drop table", "a & b | !c", ":*", "<script>", "x" * 100, "é"):
        response = client.get("/networks/social-map/den-helder/", {"q": words})
        assert response.status_code == 200
    response = client.get(
        "/networks/social-map/den-helder/", {"neighbourhood": "BU99999999"}
    )
    assert response.status_code == 200
    assert 'id="id_neighbourhood_error"' in response.content.decode()


def test_search_page_has_a_fixed_number_of_queries(
    client: Client, debt_walk_in: Service, den_helder: Place
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get("/networks/social-map/den-helder/", {"q": "koffie"})
        return len(queries)

    before = count()
    for index in range(5):
        ServiceFactory(organisation=den_helder.organisation, name=f"Koffie {index}")
    assert count() == before


def test_organisation_and_service_pages_are_public_unless_hidden(
    client: Client, debt_walk_in: Service
) -> None:
    organisation = debt_walk_in.organisation
    org_url = f"/networks/social-map/den-helder/organisations/{organisation.public_id}/"
    service_url = f"/networks/social-map/den-helder/services/{debt_walk_in.public_id}/"
    assert "Inloop geldzaken" in client.get(org_url).content.decode()
    assert client.get(service_url).status_code == 200
    # Under another municipality's address: not found.
    assert client.get(org_url.replace("den-helder", "lelystad")).status_code == 404

    Organisation.objects.filter(pk=organisation.pk).update(is_published=False)

    assert client.get(org_url).status_code == 404
    assert client.get(service_url).status_code == 404


def test_neighbourhood_page_shows_the_network_and_its_strength(
    client: Client, den_helder: Place, caseworker: User
) -> None:
    neighbourhood = den_helder.neighbourhood
    Organisation.objects.filter(pk=den_helder.organisation.pk).update(
        neighbourhood=neighbourhood
    )
    OrganisationFactory(
        municipality=den_helder.municipality,
        name="Buurtgroep Visbuurt Samen",
        kind=OrganisationKind.INFORMAL_GROUP,
        neighbourhood=neighbourhood,
    )
    KeyContact.objects.create(
        neighbourhood=neighbourhood, name="Marloes Kok", role="Opbouwwerker"
    )
    helper = VolunteerFactory(neighbourhood=neighbourhood, offers=[Need.SHOPPING])
    VolunteerFactory(neighbourhood=neighbourhood, applied=True)  # not screened
    help_request = HelpRequestFactory(
        neighbourhood=neighbourhood, share_with_volunteers=True
    )
    Match.objects.create(
        help_request=help_request,
        volunteer=helper,
        need=Need.SHOPPING,
        task="Boodschappen",
        first_name="Sanne",
        status=MatchStatus.ACTIVE,
    )

    response = client.get(f"/networks/neighbourhoods/{neighbourhood.cbs_code}/")

    page = response.content.decode()
    assert den_helder.organisation.name in page
    assert "Buurtgroep Visbuurt Samen" in page
    assert "Marloes Kok" in page
    assert 'data-testid="active-volunteers">1<' in page
    assert 'data-testid="organisations-count">2<' in page
    assert 'data-testid="matches-quarter">1<' in page
    # Volunteers are counted, never named.
    assert helper.user.full_name not in page
    assert "Sanne" not in page


def test_neighbourhood_page_has_a_fixed_number_of_queries(
    client: Client, den_helder: Place
) -> None:
    url = f"/networks/neighbourhoods/{den_helder.neighbourhood.cbs_code}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        OrganisationFactory(
            municipality=den_helder.municipality, neighbourhood=den_helder.neighbourhood
        )
        VolunteerFactory(neighbourhood=den_helder.neighbourhood)
    assert count() == before


# ---------------------------------------------------------------- maintaining


def test_a_partner_edits_only_its_own_organisation(
    partner: User, den_helder: Place
) -> None:
    client = client_for(partner)
    other = OrganisationFactory(municipality=den_helder.municipality, name="Anders")
    own_url = f"/networks/map/organisations/{den_helder.organisation.public_id}/"

    response = client.post(
        own_url,
        {"description": "Een huiskamer voor de buurt.", "opening_hours": "Ma–vr"},
    )

    assert response.status_code == 302
    den_helder.organisation.refresh_from_db()
    assert den_helder.organisation.description == "Een huiskamer voor de buurt."
    assert (
        client.get(f"/networks/map/organisations/{other.public_id}/").status_code == 404
    )
    response = client.post(
        f"/networks/map/organisations/{other.public_id}/", {"description": "gekaapt"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.description == ""


def test_a_partner_adds_and_edits_its_services_which_become_searchable(
    partner: User, den_helder: Place, client: Client
) -> None:
    staff = client_for(partner)
    response = staff.post(
        f"/networks/map/organisations/{den_helder.organisation.public_id}/services/new/",
        {
            "name": "Repair café",
            "description": "Samen kapotte spullen maken.",
            "keywords": "fiets, stofzuiger, repareren",
            "needs": [Need.ODD_JOBS],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(name="Repair café")

    search = client.get("/networks/social-map/den-helder/", {"q": "stofzuiger"})
    assert "Repair café" in search.content.decode()

    other_service = ServiceFactory(
        organisation=OrganisationFactory(municipality=den_helder.municipality)
    )
    assert (
        staff.get(f"/networks/map/services/{other_service.public_id}/").status_code
        == 404
    )
    assert staff.get(f"/networks/map/services/{service.public_id}/").status_code == 200


def test_service_form_with_bad_input_explains_at_the_field(
    partner: User, den_helder: Place
) -> None:
    response = client_for(partner).post(
        f"/networks/map/organisations/{den_helder.organisation.public_id}/services/new/",
        {"name": "", "description": "", "needs": ["nonsense"]},
    )

    page = response.content.decode()
    assert response.status_code == 400
    for field in ("name", "description", "needs"):
        assert f'id="id_{field}_error"' in page
    assert not Service.objects.exists()


def test_the_functional_admin_maintains_their_own_municipalitys_map(
    functional_admin: User, lelystad_admin: User, den_helder: Place
) -> None:
    client = client_for(functional_admin)
    response = client.post(
        "/networks/map/organisations/new/",
        {
            "name": "Sportclub Julianadorp",
            "kind": OrganisationKind.SPORTS_CLUB,
            "domains": ["youth"],
            "serves_whole_municipality": "on",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Sportclub Julianadorp")
    assert created.municipality == den_helder.municipality

    duplicate = client.post(
        "/networks/map/organisations/new/",
        {"name": "sportclub julianadorp", "kind": OrganisationKind.SPORTS_CLUB},
    )
    assert duplicate.status_code == 400
    assert 'id="id_name_error"' in duplicate.content.decode()

    other = client_for(lelystad_admin)
    assert (
        other.get(f"/networks/map/organisations/{created.public_id}/").status_code
        == 404
    )
    assert (
        "Sportclub Julianadorp"
        not in other.get("/networks/map/organisations/").content.decode()
    )


def test_key_contact_needs_a_way_to_reach_them(
    functional_admin: User, den_helder: Place
) -> None:
    client = client_for(functional_admin)
    response = client.post(
        "/networks/map/key-contacts/new/",
        {
            "neighbourhood": den_helder.neighbourhood.pk,
            "name": "Marloes Kok",
            "role": "Opbouwwerker",
        },
    )
    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()
    response = client.post(
        "/networks/map/key-contacts/new/",
        {
            "neighbourhood": den_helder.neighbourhood.pk,
            "name": "Marloes Kok",
            "role": "Opbouwwerker",
            "phone": "0223 612 341",
        },
    )
    assert response.status_code == 302
    assert KeyContact.objects.get().name == "Marloes Kok"


@pytest.mark.parametrize(
    "role", ["resident", "caseworker", "team_lead", "pilot_owner", "alderman"]
)
def test_other_roles_cannot_maintain_the_map(
    role: str, everyone: dict[str, User], den_helder: Place
) -> None:
    client = client_for(everyone[role])
    assert client.get("/networks/map/organisations/").status_code == 403
    assert client.get("/networks/map/organisations/new/").status_code == 403
    url = f"/networks/map/organisations/{den_helder.organisation.public_id}/"
    assert client.post(url, {"description": "x"}).status_code == 403


def test_search_finds_services_by_the_organisations_name(
    client: Client, debt_walk_in: Service
) -> None:
    response = client.get("/networks/social-map/den-helder/", {"q": "Kop van Noord"})

    assert "Inloop geldzaken" in response.content.decode()

"""Lists, searches, exports and dashboards show nothing of another municipality or
another resident: unique markers are planted in the free-text and name fields of
Lelystad's objects, of a second Den Helder resident's request and of a request in
Hollands Kroon (in the regional manager's region: its figures are shown, never its
requests), then every parameterless GET route of the policy table is fetched as each
Den Helder role, with and without the marker as search term. New routes join
automatically."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from casework.models import SavedFilter
from citizens.tests.factories import HelpRequestFactory, MessageFactory
from networks.tests.factories import OrganisationFactory, ServiceFactory
from pilots.tests.factories import IdeaFactory, PilotFactory
from privacy.tests.helpers import plant
from tests.fixtures.personas import Place, client_for
from tests.test_access_policy import POLICY, ROLES

# The search term is planted next to the marker but is not the marker: a page may echo
# the term it was asked for, never the text it found.
SEARCH_WORD = "zqxzoekwoord"
MUNICIPALITY_MARKER = f"ZQXLELYSTADMARKER {SEARCH_WORD}"
RESIDENT_MARKER = f"ZQXOTHERRESIDENTMARKER {SEARCH_WORD}"
# Personal data in the regional manager's region outside Den Helder: the regional
# manager sees its figures, never a request, and nobody else sees anything of it.
REGION_MARKER = f"ZQXREGIONPERSONMARKER {SEARCH_WORD}"
SEARCH_PARAMETERS = ("q", "search", "query")


def _parameterless_routes() -> list[str]:
    names = []
    for name in POLICY:
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        names.append(name)
    return sorted(names)


ROUTES = _parameterless_routes()


def _plant_in_other_municipality(lelystad: Place, lelystad_caseworker: User) -> None:
    marker = MUNICIPALITY_MARKER
    closed = plant(
        lelystad, marker, closed_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), domains=None
    )
    open_request = HelpRequestFactory(
        neighbourhood=lelystad.neighbourhood,
        team=lelystad.team,
        story=f"{marker} open verhaal",
        subject_name=f"{marker} Naam",
    )
    open_request.refresh_search_document()
    MessageFactory(help_request=open_request, body=f"{marker} bericht")
    assert closed.pk != open_request.pk
    organisation = OrganisationFactory(
        municipality=lelystad.municipality, name=f"{marker} Buurthuis"
    )
    ServiceFactory(
        organisation=organisation,
        name=f"{marker} Koffie",
        description=f"{marker} omschrijving",
        keywords=marker.lower(),
    )
    PilotFactory(
        municipality=lelystad.municipality,
        title=f"{marker} Pilot",
        description=f"{marker} pilotomschrijving",
    )
    IdeaFactory(
        neighbourhood=lelystad.neighbourhood,
        title=f"{marker} Idee",
        description=f"{marker} ideeomschrijving",
    )
    SavedFilter.objects.create(
        user=lelystad_caseworker, name=f"{marker} filter", query=f"q={marker}"
    )


def _plant_for_other_resident(den_helder: Place, other_resident: User) -> None:
    help_request = HelpRequestFactory(
        resident=other_resident,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        story=f"{RESIDENT_MARKER} verhaal",
        subject_name=f"{RESIDENT_MARKER} Naam",
    )
    help_request.refresh_search_document()
    MessageFactory(help_request=help_request, body=f"{RESIDENT_MARKER} bericht")


def _plant_in_region(hollands_kroon: Place) -> None:
    help_request = HelpRequestFactory(
        neighbourhood=hollands_kroon.neighbourhood,
        team=hollands_kroon.team,
        story=f"{REGION_MARKER} verhaal",
        subject_name=f"{REGION_MARKER} Naam",
    )
    help_request.refresh_search_document()
    MessageFactory(help_request=help_request, body=f"{REGION_MARKER} bericht")


def _leaks(client, role: str, name: str, markers: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    path = reverse(name)
    queries = [{}] + [{key: SEARCH_WORD} for key in SEARCH_PARAMETERS]
    found = []
    for query in queries:
        response = client.get(path, query)
        assert response.status_code < 500, f"{role} {path} {query}"
        body = b"".join(response) if response.streaming else response.content
        for marker in markers:
            if marker.split()[0].encode() in body:
                found.append(f"{role} GET {path} {query}: {marker}")
    return found


@pytest.mark.parametrize("name", ROUTES)
def test_no_route_shows_another_municipalitys_or_residents_marker(
    name: str,
    everyone: dict[str, User],
    den_helder: Place,
    lelystad: Place,
    hollands_kroon: Place,
) -> None:
    _plant_in_other_municipality(lelystad, everyone["lelystad_caseworker"])
    _plant_for_other_resident(den_helder, everyone["other_resident"])
    _plant_in_region(hollands_kroon)
    leaks = []
    for role in ROLES:
        markers = (MUNICIPALITY_MARKER, REGION_MARKER)
        if role == "resident":
            markers += (RESIDENT_MARKER,)
        leaks += _leaks(client_for(everyone[role]), role, name, markers)
    assert leaks == []


def test_the_sweep_finds_a_marker_that_is_shown(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    _plant_in_other_municipality(lelystad, everyone["lelystad_caseworker"])
    leaks = _leaks(
        client_for(everyone["lelystad_caseworker"]),
        "lelystad_caseworker",
        "casework:queue",
        (MUNICIPALITY_MARKER,),
    )
    assert leaks


def test_the_route_list_covers_lists_searches_and_exports() -> None:
    assert {
        "casework:queue",
        "networks:organisation_list",
        "dashboards:research_export",
        "citizens:request_list",
        "citizens:my_data_export",
    } <= set(ROUTES)

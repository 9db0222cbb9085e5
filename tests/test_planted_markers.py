"""Lists, searches, exports and dashboards show nothing of another municipality or
another resident: unique markers are planted in the free-text and name fields of
Lelystad's objects (requests, messages, plans, organisations, services, pilots and
participants, ideas, volunteers and matches, staff accounts, access-log reasons, legal
holds, saved filters) and of a second Den Helder resident's request, volunteer row,
pilot participation and draft, then every parameterless GET route of the policy table
is fetched as each Den Helder role, with and without the marker as search term. New
routes join automatically. The routes with parameters, the report files and the
e-mails are swept in `test_planted_markers_*.py` with the same planting."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import SavedFilter
from citizens.models import AccessPurpose, FileAccess, HelpRequestDraft
from citizens.tests.factories import (
    HelpRequestFactory,
    MessageFactory,
    complete_answers,
)
from dashboards.models import ResearchExport
from networks.models import KeyContact, Match, MatchChange, MatchStatus, Need
from networks.tests.factories import (
    OrganisationFactory,
    ServiceFactory,
    VolunteerFactory,
)
from pilots.models import Goal, Phase
from pilots.tests.factories import IdeaFactory, ParticipantFactory, PilotFactory
from privacy.models import LegalHold
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


def plant_markers(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    """Everything the sweeps look for: Lelystad's objects and the other resident's."""
    _plant_in_other_municipality(lelystad, everyone["lelystad_caseworker"])
    _plant_for_other_resident(den_helder, everyone["other_resident"])


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
    colleague = UserFactory(
        caseworker=True,
        team=lelystad.team,
        full_name=f"{marker} Medewerker",
        email="zqxlelystadmarker@example.test",
    )
    FileAccess.objects.create(
        help_request=open_request,
        user=colleague,
        role=colleague.role,
        purpose=AccessPurpose.OUTSIDE_CASELOAD,
        reason=f"{marker} reden",
    )
    LegalHold.objects.create(
        help_request=closed,
        reason=f"{marker} bewaarreden",
        until=timezone.localdate() + dt.timedelta(days=30),
        set_by=colleague,
    )
    ResearchExport.objects.create(
        user=colleague,
        municipality=lelystad.municipality,
        purpose=f"{marker} onderzoeksdoel",
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 6, 1),
    )
    KeyContact.objects.create(
        neighbourhood=lelystad.neighbourhood,
        name=f"{marker} Sleutelfiguur",
        role=f"{marker} rol",
    )
    volunteer = VolunteerFactory(
        user=UserFactory(
            municipality=lelystad.municipality, full_name=f"{marker} Vrijwilliger"
        ),
        neighbourhood=lelystad.neighbourhood,
        about=f"{marker} over mij",
    )
    match = Match.objects.create(
        help_request=open_request,
        volunteer=volunteer,
        task=f"{marker} taak",
        need=Need.SHOPPING,
        first_name=marker.split()[0],
        status=MatchStatus.ACCEPTED,
        appointment_at=timezone.now() + dt.timedelta(days=1),
    )
    MatchChange.objects.create(
        match=match, to_status=MatchStatus.ACCEPTED, note=f"{marker} afspraak"
    )
    pilot = PilotFactory(
        municipality=lelystad.municipality,
        title=f"{marker} Lopende pilot",
        phase=Phase.RUNNING,
    )
    pilot.neighbourhoods.add(lelystad.neighbourhood)
    Goal.objects.create(
        pilot=pilot,
        description=f"{marker} doel",
        indicator=f"{marker} indicator",
        baseline=0,
        target=1,
    )
    ParticipantFactory(pilot=pilot, name=f"{marker} Deelnemer")


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
    VolunteerFactory(
        user=other_resident,
        neighbourhood=den_helder.neighbourhood,
        about=f"{RESIDENT_MARKER} over mij",
        phone="06 99999999",
    )
    pilot = PilotFactory(municipality=den_helder.municipality, phase=Phase.RUNNING)
    ParticipantFactory(
        pilot=pilot,
        resident=other_resident,
        help_request=help_request,
        name=f"{RESIDENT_MARKER} Deelnemer",
    )
    HelpRequestDraft.objects.create(
        owner=other_resident,
        answers=complete_answers(
            {"situation": {"story": f"{RESIDENT_MARKER} concept"}}
        ),
    )


def _plant_in_region(hollands_kroon: Place) -> None:
    help_request = HelpRequestFactory(
        neighbourhood=hollands_kroon.neighbourhood,
        team=hollands_kroon.team,
        story=f"{REGION_MARKER} verhaal",
        subject_name=f"{REGION_MARKER} Naam",
    )
    help_request.refresh_search_document()
    MessageFactory(help_request=help_request, body=f"{REGION_MARKER} bericht")


def markers_for(role: str) -> tuple[str, ...]:
    """What `role` (a Den Helder persona, or "anonymous") must never see."""
    if role in ("resident", "anonymous"):
        return (MUNICIPALITY_MARKER, REGION_MARKER, RESIDENT_MARKER)
    return (MUNICIPALITY_MARKER, REGION_MARKER)


def text_of(body: bytes) -> bytes:
    """The searchable text of a response: an XLSX (or any zip) unpacked, a PDF's
    compressed streams inflated, anything else as it is."""
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"\n".join(archive.read(name) for name in archive.namelist())
    if body.startswith(b"%PDF"):
        parts = [body]
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
            try:
                parts.append(zlib.decompress(stream))
            except zlib.error:
                continue
        return b"\n".join(parts)
    return body


def leaks_at(  # type: ignore[no-untyped-def]
    client, role: str, path: str, markers: tuple[str, ...]
) -> list[str]:
    """GET `path` plainly and with the search word under every usual parameter name;
    the markers found in any answer (HTML, CSV, JSON, XLSX, PDF)."""
    queries = [{}] + [{key: SEARCH_WORD} for key in SEARCH_PARAMETERS]
    found = []
    for query in queries:
        response = client.get(path, query)
        assert response.status_code < 500, f"{role} {path} {query}"
        body = text_of(b"".join(response) if response.streaming else response.content)
        for marker in markers:
            if marker.split()[0].encode() in body:
                found.append(f"{role} GET {path} {query}: {marker}")
    return found


def _leaks(client, role: str, name: str, markers: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    return leaks_at(client, role, reverse(name), markers)


@pytest.mark.parametrize("name", ROUTES)
def test_no_route_shows_another_municipalitys_or_residents_marker(
    name: str,
    everyone: dict[str, User],
    den_helder: Place,
    lelystad: Place,
    hollands_kroon: Place,
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    _plant_in_region(hollands_kroon)
    leaks = []
    for role in ROLES:
        leaks += _leaks(client_for(everyone[role]), role, name, markers_for(role))
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

"""Full-text search in the queue (Dutch configuration): words in any form, names,
references; never anything outside the caseworker's scope; the search document is
kept current when a request is sent or its resident erased."""

import html
import re

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.models import HelpRequest, Relationship
from citizens.privacy import resident_erase
from citizens.services import help_request_submit
from citizens.tests.factories import (
    HelpRequestDraftFactory,
    HelpRequestFactory,
    complete_answers,
    postcode_area,
)
from municipalities.models import Neighbourhood
from tests.fixtures.personas import Place, client_for

QUEUE = "/casework/queue/"


def searchable(place: Place, **fields: object) -> HelpRequest:
    fields.setdefault("neighbourhood", place.neighbourhood)
    help_request = HelpRequestFactory(municipality=place.municipality, **fields)
    help_request.refresh_search_document()
    return help_request


def found(user: User, q: str, **params: str) -> set[str]:
    response = client_for(user).get(QUEUE, {"q": q, **params})
    assert response.status_code == 200
    return set(re.findall(r'<tr data-reference="([^"]+)"', response.content.decode()))


@pytest.mark.parametrize(
    ("story", "q"),
    [
        ("Wij zoeken samen met de kinderen andere woningen.", "woning"),
        ("Mijn woning is te klein geworden.", "woningen"),
        ("De schulden lopen op sinds mijn scheiding.", "schuld"),
        ("Ik heb een schuld bij de energieleverancier.", "schulden"),
        ("Ik voel me eenzaam sinds mijn man overleed.", "eenzaamheid eenzaam"),
    ],
)
def test_search_finds_other_forms_of_a_dutch_word(
    caseworker: User, den_helder: Place, story: str, q: str
) -> None:
    match = searchable(den_helder, story=story)
    searchable(den_helder, story="Ik zoek hulp bij het invullen van formulieren.")

    assert found(caseworker, q) == {match.reference}


def test_search_finds_the_resident_and_the_person_concerned_by_name(
    caseworker: User, den_helder: Place
) -> None:
    resident = UserFactory(
        full_name="Fatima Bouzid", municipality=den_helder.municipality
    )
    own = searchable(den_helder, resident=resident)
    neighbour = UserFactory(municipality=den_helder.municipality)
    for_someone = searchable(
        den_helder,
        resident=None,
        filed_by=neighbour,
        relationship=Relationship.NEIGHBOUR,
        subject_name="Kees Verbeek",
    )

    assert found(caseworker, "Bouzid") == {own.reference}
    assert found(caseworker, "kees verbeek") == {for_someone.reference}


def test_search_finds_the_own_strength_and_network_help(
    caseworker: User, den_helder: Place
) -> None:
    strength = searchable(den_helder, own_strength="Ik loop elke dag naar de markt.")
    network = searchable(den_helder, network_help="Mijn buurvrouwen koken soms.")

    assert found(caseworker, "markten") == {strength.reference}
    assert found(caseworker, "buurvrouw") == {network.reference}


def test_search_finds_a_reference_exactly_in_any_case(
    caseworker: User, den_helder: Place
) -> None:
    wanted = searchable(den_helder)
    searchable(den_helder)

    assert found(caseworker, wanted.reference) == {wanted.reference}
    assert found(caseworker, f"  {wanted.reference.lower()} ") == {wanted.reference}


def test_search_understands_web_search_syntax(
    caseworker: User, den_helder: Place
) -> None:
    housing = searchable(den_helder, story="Mijn woning heeft schimmel.")
    both = searchable(den_helder, story="Schulden en een woning zonder verwarming.")

    assert found(caseworker, "woning -schulden") == {housing.reference}
    assert found(caseworker, '"woning zonder verwarming"') == {both.reference}
    assert found(caseworker, "schimmel or verwarming") == {
        housing.reference,
        both.reference,
    }


def test_search_combines_with_views_and_filters(
    caseworker: User, den_helder: Place
) -> None:
    mine = searchable(
        den_helder,
        story="Woning te klein.",
        status="in_review",
        contact_person=caseworker,
        team=den_helder.team,
    )
    searchable(den_helder, story="Woning te klein.")

    assert found(caseworker, "woning", view="mine") == {mine.reference}
    assert found(caseworker, "woning", view="unassigned") != {mine.reference}


def test_a_query_of_only_stop_words_finds_nothing_and_does_not_fail(
    caseworker: User, den_helder: Place
) -> None:
    searchable(den_helder, story="de het een")

    assert found(caseworker, "de het") == set()
    assert found(caseworker, "'\"&|!:*()") == set()


MARKER = "zeldzaamheidsmarker"


def test_search_never_finds_requests_outside_the_scope(
    caseworker: User,
    other_team_caseworker: User,
    lelystad_caseworker: User,
    den_helder: Place,
    lelystad: Place,
) -> None:
    elsewhere = Neighbourhood.objects.get(district=den_helder.other_district)
    other_team = searchable(
        den_helder, neighbourhood=elsewhere, story=f"Een {MARKER} in De Schooten."
    )
    other_municipality = searchable(lelystad, story=f"Een {MARKER} in Lelystad.")

    assert found(caseworker, MARKER) == set()
    assert found(caseworker, other_municipality.reference) == set()
    assert found(caseworker, other_team.reference) == set()
    for view in ("unassigned", "mine", "team", "overdue"):
        assert found(caseworker, MARKER, view=view) == set()
    # The marker is searchable: the people in scope find it.
    assert found(other_team_caseworker, MARKER) == {other_team.reference}
    assert found(lelystad_caseworker, MARKER) == {other_municipality.reference}


def test_a_sent_request_can_be_found_straight_away(
    caseworker: User, resident: User, den_helder: Place
) -> None:
    postcode_area(den_helder.neighbourhood, "1781")
    draft = HelpRequestDraftFactory(owner=resident, answers=complete_answers())

    help_request = help_request_submit(draft=draft, user=resident)

    assert found(caseworker, "woningcorporatie") == {help_request.reference}
    assert found(caseworker, "Vries") == {help_request.reference}
    assert found(caseworker, "zus") == {help_request.reference}


def test_an_erased_resident_can_no_longer_be_found(
    caseworker: User, resident: User, den_helder: Place
) -> None:
    help_request = searchable(
        den_helder, resident=resident, story="Een brief van de woningcorporatie."
    )
    assert found(caseworker, "woningcorporatie") == {help_request.reference}

    resident_erase(user=resident)

    assert found(caseworker, "woningcorporatie") == set()
    assert found(caseworker, "Sanne") == set()
    assert found(caseworker, help_request.reference, status="withdrawn") == {
        help_request.reference
    }


def test_the_command_refreshes_every_search_document_in_batches(
    caseworker: User, den_helder: Place
) -> None:
    stale = [
        HelpRequestFactory(
            municipality=den_helder.municipality,
            neighbourhood=den_helder.neighbourhood,
            story=f"Verhaal over huurtoeslag nummer {index}.",
        )
        for index in range(5)
    ]
    assert found(caseworker, "huurtoeslag") == set()

    call_command("refresh_search_documents", batch_size=2, verbosity=0)

    assert found(caseworker, "huurtoeslag") == {r.reference for r in stale}
    assert not HelpRequest.objects.filter(search_document__isnull=True).exists()


@pytest.mark.parametrize("q", ["50%", "%s", "%(x)s", "'; --", "$1"])
def test_search_text_that_looks_like_sql_or_placeholders_is_only_text(
    caseworker: User, q: str
) -> None:
    response = client_for(caseworker).get("/casework/queue/", {"q": q})

    # The page's SQL is kept with its values written in (socialdomain.lib.compiled):
    # the text must stay a value, whatever it looks like.
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geen hulpvragen passen bij deze filters." in page
    assert f'value="{html.escape(q)}"' in page

"""Every page runs a fixed number of queries, however much data there is."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from municipalities.tests.factories import NeighbourhoodFactory, TeamFactory
from networks.tests.factories import OrganisationFactory
from tests.fixtures.personas import HOME_PAGES, Place


def _grow(place: Place) -> None:
    for _ in range(5):
        NeighbourhoodFactory(district=place.district)
        team = TeamFactory(district=place.district)
        UserFactory(caseworker=True, team=place.team)
        UserFactory(caseworker=True, team=team)
        OrganisationFactory(
            municipality=place.municipality, neighbourhood=place.neighbourhood
        )
        UserFactory(partner=True, organisation=place.organisation)


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", sorted(HOME_PAGES))
def test_home_page_query_count_does_not_grow_with_data(
    persona: str, everyone: dict[str, User], den_helder: Place
) -> None:
    client = Client()
    client.force_login(everyone[persona])
    path = HOME_PAGES[persona]
    client.get(path)  # warm up: session and content types

    before = _queries(client, path)
    _grow(den_helder)
    after = _queries(client, path)

    assert after == before
    # Session, user, the page's own queries and, for staff, the notification badge.
    assert before <= 9, f"{path} runs {before} queries"

"""Every pilots page runs a fixed number of queries, however much data there is."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from pilots.models import (
    Activity,
    BudgetEntry,
    BudgetLine,
    Goal,
    IdeaComment,
    Interest,
    JournalEntry,
)
from pilots.services import library_publish, pilot_publish_results
from pilots.tests.factories import (
    IdeaFactory,
    ParticipantFactory,
    PilotFactory,
    measured_participants,
)
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200, path
    return len(captured)


def _grow(pilot, place: Place, resident: User) -> None:  # type: ignore[no-untyped-def]
    other = PilotFactory(municipality=pilot.municipality, running=True)
    other.neighbourhoods.add(place.neighbourhood)
    other.partners.add(place.organisation)
    measured_participants(pilot, 3)
    ParticipantFactory(pilot=other, resident=resident)
    line = BudgetLine.objects.create(pilot=pilot, name="Extra", planned=Decimal("5"))
    for day in range(3):
        BudgetEntry.objects.create(
            line=line,
            kind="spending",
            amount=Decimal("1"),
            on="2026-01-0" + str(day + 1),
            description="x",
        )
        Activity.objects.create(
            pilot=pilot, title="Clinic", on="2026-01-01", place="Hal", attendance=3
        )
        JournalEntry.objects.create(
            pilot=pilot, written_on="2026-01-01", tried="a", saw="b"
        )
        Goal.objects.create(
            pilot=pilot, description="d", indicator="i", baseline=1, target=2
        )
        idea = IdeaFactory(neighbourhood=place.neighbourhood)
        IdeaComment.objects.create(idea=idea, body="Goed idee")
    pilot_publish_results(pilot=other)
    library_publish(pilot=other, by=pilot.owner, approach="a", lessons="b")


def test_pilot_pages_do_not_grow_with_data(
    pilot_owner: User, caseworker: User, resident: User, den_helder: Place
) -> None:
    pilot = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, running=True
    )
    pilot.neighbourhoods.add(den_helder.neighbourhood)
    participant = ParticipantFactory(pilot=pilot)
    # With a line the page shows the booking form and its select: one query more.
    BudgetLine.objects.create(pilot=pilot, name="Trainers", planned=Decimal("5"))
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)
    HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    library_publish(pilot=pilot, by=pilot_owner, approach="a", lessons="b")
    entry = pilot.library_entry
    owner, staff, person, anonymous = (
        client_for(pilot_owner),
        client_for(caseworker),
        client_for(resident),
        Client(),
    )
    pages = [
        (owner, "/pilots/"),
        (owner, "/pilots/register/"),
        (owner, pilot.get_absolute_url()),
        (owner, f"{pilot.get_absolute_url()}edit/"),
        (owner, f"{pilot.get_absolute_url()}participants/{participant.public_id}/"),
        (owner, "/pilots/library/"),
        (owner, "/pilots/library/?q=pilot"),
        (owner, f"/pilots/library/{entry.public_id}/"),
        (owner, f"/pilots/ideas/{idea.public_id}/"),
        (staff, "/pilots/enrol/"),
        (person, "/pilots/mine/"),
        (person, f"/pilots/neighbourhoods/{den_helder.neighbourhood.cbs_code}/"),
        (anonymous, f"/pilots/neighbourhoods/{den_helder.neighbourhood.cbs_code}/"),
        (anonymous, "/pilots/neighbourhoods/"),
    ]
    for client, path in pages:
        client.get(path)  # warm up: session and content types

    before = [_queries(client, path) for client, path in pages]
    _grow(pilot, den_helder, resident)
    after = [_queries(client, path) for client, path in pages]

    assert after == before
    assert max(before) <= 25, dict(
        zip([path for _, path in pages], before, strict=True)
    )


def test_the_pilot_page_lists_what_belongs_to_this_pilot_only(
    pilot_owner: User, resident: User, den_helder: Place
) -> None:
    """The page's lists run SQL compiled once per process (pilots/views/register.py):
    each pilot's page shows its own rows, with the counts and names that come with
    them."""
    pilot = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, running=True
    )
    other = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, running=True
    )
    (measured,) = measured_participants(pilot, 1)
    ParticipantFactory(pilot=other, name="Alleen Elders")
    JournalEntry.objects.create(
        pilot=pilot, written_on="2026-01-01", tried="Spreekuur in de bieb", saw="b"
    )
    JournalEntry.objects.create(
        pilot=other, written_on="2026-01-01", tried="Iets heel anders", saw="b"
    )
    Interest.objects.create(pilot=pilot, resident=resident, note="Graag op dinsdag")
    client = client_for(pilot_owner)

    for _round in range(2):  # the second round runs the SQL the first compiled
        page = client.get(pilot.get_absolute_url()).content.decode()
        other_page = client.get(other.get_absolute_url()).content.decode()

        assert measured.name in page
        assert "2 metingen" in page
        assert "Spreekuur in de bieb" in page
        assert "Graag op dinsdag" in page and resident.email in page
        assert "Alleen Elders" not in page and "Iets heel anders" not in page
        assert "Alleen Elders" in other_page and "Iets heel anders" in other_page
        assert measured.name not in other_page and "Graag op dinsdag" not in other_page

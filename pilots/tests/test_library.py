"""The shared library: a pilot owner publishes; staff of every municipality read and
search it; only text and aggregates of at least five participants ever cross."""

import pytest

from accounts.models import User
from pilots.models import LibraryEntry
from pilots.tests.factories import (
    ParticipantFactory,
    PilotFactory,
    measured_participants,
)
from pilots.tests.helpers import submit
from tests.fixtures.personas import client_for

pytestmark = pytest.mark.django_db


def _published(owner: User, *, participants: int = 5):  # type: ignore[no-untyped-def]
    pilot = PilotFactory(
        municipality=owner.municipality,
        owner=owner,
        evaluation=True,
        title="Basketbalclinics met de Suns",
    )
    measured = measured_participants(pilot, participants, before=4, after=6)
    if measured:
        measured[0].name = "Geheime Naam"
        measured[0].save()
    response = submit(
        client_for(owner),
        pilot.get_absolute_url(),
        match="/library/",
        **{
            "library-approach": "Clinics door spelers, met een jeugdhulpverlener erbij.",
            "library-lessons": "Jongeren komen voor de sport en blijven voor het gesprek.",
        },
    )
    assert response.status_code == 302
    return pilot


def test_another_municipality_reads_and_searches_a_published_pilot(
    pilot_owner: User, lelystad_admin: User
) -> None:
    pilot = _published(pilot_owner)
    client = client_for(lelystad_admin)
    entry = LibraryEntry.objects.get()

    found = client.get("/pilots/library/?q=basketbal").content.decode()
    missing = client.get("/pilots/library/?q=moestuin").content.decode()
    detail = client.get(f"/pilots/library/{entry.public_id}/")

    html = detail.content.decode()
    assert pilot.title in found
    assert pilot.title not in missing
    assert detail.status_code == 200
    assert "Jongeren komen voor de sport" in html
    assert "Den Helder" in html
    assert "Geheime Naam" not in html
    assert client.get(pilot.get_absolute_url()).status_code == 404


def test_only_aggregates_cross_to_the_library(pilot_owner: User) -> None:
    _published(pilot_owner)

    entry = LibraryEntry.objects.get()

    assert entry.results == [
        {
            "instrument": "life_satisfaction",
            "domain": "score",
            "n": 5,
            "shown": True,
            "baseline": "4.0",
            "follow_up": "6.0",
            "change": "2.0",
        }
    ]
    assert "Geheime Naam" not in str(entry.__dict__)


def test_fewer_than_five_participants_give_no_figures_in_the_library(
    pilot_owner: User, lelystad_admin: User
) -> None:
    _published(pilot_owner, participants=3)
    entry = LibraryEntry.objects.get()

    html = client_for(lelystad_admin).get(f"/pilots/library/{entry.public_id}/")

    assert entry.results[0]["change"] is None
    assert entry.results[0]["baseline"] is None
    assert "te weinig deelnemers om te tonen" in html.content.decode()


def test_publishing_needs_lessons_and_an_approach(pilot_owner: User) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, owner=pilot_owner)
    ParticipantFactory(pilot=pilot)

    response = submit(
        client_for(pilot_owner), pilot.get_absolute_url(), match="/library/"
    )

    assert response.status_code == 400
    assert "id_library-lessons_error" in response.content.decode()
    assert not LibraryEntry.objects.exists()


def test_readers_and_other_municipalities_cannot_publish(
    pilot_owner: User, alderman: User, lelystad_admin: User
) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, owner=pilot_owner)
    data = {"library-approach": "a", "library-lessons": "b"}

    by_alderman = client_for(alderman).post(f"{pilot.get_absolute_url()}library/", data)
    by_lelystad = client_for(lelystad_admin).post(
        f"{pilot.get_absolute_url()}library/", data
    )

    assert by_alderman.status_code == 403
    assert by_lelystad.status_code == 404
    assert not LibraryEntry.objects.exists()


def test_residents_cannot_open_the_library(pilot_owner: User, resident: User) -> None:
    _published(pilot_owner)
    entry = LibraryEntry.objects.get()
    client = client_for(resident)

    assert client.get("/pilots/library/").status_code == 403
    assert client.get(f"/pilots/library/{entry.public_id}/").status_code == 403

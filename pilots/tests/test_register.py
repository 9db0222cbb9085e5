"""The pilot register: creating (also from an idea), editing, phases with history,
stopping as a result, and who may see or change what."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from pilots.models import Idea, IdeaStatus, Phase, PhaseChange, Pilot
from pilots.tests.factories import IdeaFactory, ParticipantFactory, PilotFactory
from pilots.tests.helpers import submit
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db


def test_pilot_owner_creates_a_pilot_with_neighbourhood_and_partner(
    pilot_owner: User, den_helder: Place
) -> None:
    client = client_for(pilot_owner)

    response = submit(
        client,
        "/pilots/new/",
        match="pilot",
        title="Basketbalclinics met de Suns",
        theme="social_activation",
        description="Clinics voor jongeren met de jeugdhulp.",
        neighbourhoods=[str(den_helder.neighbourhood.pk)],
        partners=[str(den_helder.organisation.pk)],
        starts_on="2026-01-01",
        ends_on="2026-12-31",
        target_group="Jongeren van 12 tot 18",
        hypotheses="Sporten helpt jongeren grip te krijgen.",
    )

    pilot = Pilot.objects.get()
    assert response.status_code == 302
    assert response.url == f"/pilots/{pilot.public_id}/"
    assert pilot.municipality == den_helder.municipality
    assert pilot.owner == pilot_owner
    assert pilot.phase == Phase.IDEA
    assert list(pilot.neighbourhoods.all()) == [den_helder.neighbourhood]
    assert list(pilot.partners.all()) == [den_helder.organisation]
    assert list(pilot.phase_changes.values_list("to_phase", flat=True)) == ["idea"]


def test_an_adopted_idea_becomes_a_pilot_linked_to_it(
    pilot_owner: User, den_helder: Place
) -> None:
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)
    client = client_for(pilot_owner)

    page = client.get(f"/pilots/new/?idea={idea.public_id}").content.decode()
    response = submit(
        client, f"/pilots/new/?idea={idea.public_id}", match="pilot", theme="other"
    )

    idea.refresh_from_db()
    pilot = Pilot.objects.get()
    assert idea.title in page
    assert response.status_code == 302
    assert pilot.idea == idea
    assert pilot.title == idea.title
    assert list(pilot.neighbourhoods.all()) == [den_helder.neighbourhood]
    assert idea.status == IdeaStatus.ADOPTED
    assert idea.answer


def test_creating_with_bad_input_shows_the_messages_and_keeps_what_was_typed(
    pilot_owner: User,
) -> None:
    client = client_for(pilot_owner)

    response = submit(
        client,
        "/pilots/new/",
        match="pilot",
        title="",
        theme="social_activation",
        description="Mijn beschrijving blijft staan",
        starts_on="2026-06-01",
        ends_on="2026-01-01",
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "id_title_error" in html
    assert "id_ends_on_error" in html
    assert "Mijn beschrijving blijft staan" in html
    assert not Pilot.objects.exists()


def test_another_municipality_cannot_use_an_idea_of_den_helder(
    lelystad_admin: User, den_helder: Place
) -> None:
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)

    response = client_for(lelystad_admin).get(f"/pilots/new/?idea={idea.public_id}")

    assert response.status_code == 404


def test_phase_changes_are_dated_and_kept_in_the_history(pilot_owner: User) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, owner=pilot_owner)
    client = client_for(pilot_owner)

    for phase in ("design", "running", "evaluation", "scaled_up"):
        response = submit(
            client,
            pilot.get_absolute_url(),
            match="/phase/",
            **{"phase-to": phase},
        )
        assert response.status_code == 302

    pilot.refresh_from_db()
    changes = list(pilot.phase_changes.values_list("from_phase", "to_phase", "on"))
    assert pilot.phase == Phase.SCALED_UP
    assert changes[-1] == ("evaluation", "scaled_up", timezone.localdate())
    assert len(changes) == 5


def test_stopping_needs_why_and_what_was_learned_and_keeps_the_pilot(
    pilot_owner: User,
) -> None:
    pilot = PilotFactory(
        municipality=pilot_owner.municipality, owner=pilot_owner, running=True
    )
    client = client_for(pilot_owner)

    refused = submit(
        client, pilot.get_absolute_url(), match="/phase/", **{"phase-to": "stopped"}
    )
    pilot.refresh_from_db()
    assert refused.status_code == 400
    assert "id_phase-stop_reason_error" in refused.content.decode()
    assert pilot.phase == Phase.RUNNING

    stopped = submit(
        client,
        pilot.get_absolute_url(),
        match="/phase/",
        **{
            "phase-to": "stopped",
            "phase-stop_reason": "Bijna niemand kwam naar het inloopspreekuur.",
            "phase-lessons": "Ga langs bij mensen thuis.",
        },
    )

    pilot.refresh_from_db()
    assert stopped.status_code == 302
    assert pilot.phase == Phase.STOPPED
    assert pilot.stop_reason.startswith("Bijna niemand")
    assert client.get(pilot.get_absolute_url()).status_code == 200
    assert pilot.allowed_phases() == []


def test_a_phase_cannot_be_skipped(pilot_owner: User) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, owner=pilot_owner)

    response = client_for(pilot_owner).post(
        f"{pilot.get_absolute_url()}phase/",
        {"phase-to": "scaled_up", "phase-on": "2026-03-01"},
    )

    pilot.refresh_from_db()
    assert response.status_code == 400
    assert pilot.phase == Phase.IDEA
    assert PhaseChange.objects.filter(pilot=pilot).count() == 1


def test_editing_the_register_changes_partners_and_dates(
    pilot_owner: User, den_helder: Place
) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, owner=pilot_owner)

    response = submit(
        client_for(pilot_owner),
        f"{pilot.get_absolute_url()}edit/",
        match="pilot",
        partners=[str(den_helder.organisation.pk)],
        target_group="Ouderen",
    )

    pilot.refresh_from_db()
    assert response.status_code == 302
    assert pilot.target_group == "Ouderen"
    assert list(pilot.partners.all()) == [den_helder.organisation]


def test_an_alderman_reads_the_register_but_changes_nothing(
    alderman: User, pilot_owner: User
) -> None:
    pilot = PilotFactory(municipality=alderman.municipality, owner=pilot_owner)
    ParticipantFactory(pilot=pilot, name="Geheime Naam")
    client = client_for(alderman)

    assert pilot.title in client.get("/pilots/register/").content.decode()
    assert client.get("/pilots/").status_code == 403
    page = client.get(pilot.get_absolute_url())
    posted = client.post(
        f"{pilot.get_absolute_url()}phase/",
        {"phase-to": "design", "phase-on": "2026-03-01"},
    )
    edit = client.get(f"{pilot.get_absolute_url()}edit/")

    pilot.refresh_from_db()
    assert page.status_code == 200
    assert "/phase/" not in page.content.decode()
    assert "Geheime Naam" not in page.content.decode()
    assert posted.status_code == 403
    assert edit.status_code == 403
    assert pilot.phase == Phase.IDEA


@pytest.mark.parametrize(
    "persona", ["lelystad_admin", "lelystad_alderman", "lelystad_caseworker"]
)
def test_other_municipality_cannot_reach_a_pilot(
    persona: str, everyone: dict[str, User]
) -> None:
    owner = everyone["pilot_owner"]
    pilot = PilotFactory(municipality=owner.municipality, owner=owner)
    client = client_for(everyone[persona])

    reads = [
        client.get(pilot.get_absolute_url()).status_code,
        client.get(f"{pilot.get_absolute_url()}edit/").status_code,
    ]
    posted = client.post(
        f"{pilot.get_absolute_url()}phase/",
        {"phase-to": "design", "phase-on": "2026-03-01"},
    )

    pilot.refresh_from_db()
    assert pilot.title not in client.get("/pilots/register/").content.decode()
    assert set(reads) <= {403, 404}
    assert reads[0] == (404 if persona != "lelystad_caseworker" else 403)
    assert posted.status_code in (403, 404)
    assert pilot.phase == Phase.IDEA


@pytest.mark.parametrize("persona", ["resident", "caseworker", "partner"])
def test_roles_without_a_task_get_403_on_the_register(
    persona: str, everyone: dict[str, User]
) -> None:
    owner = everyone["pilot_owner"]
    pilot = PilotFactory(municipality=owner.municipality, owner=owner)
    client = client_for(everyone[persona])

    assert client.get("/pilots/").status_code == 403
    assert client.get("/pilots/register/").status_code == 403
    assert client.get(pilot.get_absolute_url()).status_code == 403
    assert client.post("/pilots/new/", {"title": "x"}).status_code == 403
    assert Pilot.objects.count() == 1


def test_the_register_filters_by_phase(pilot_owner: User) -> None:
    running = PilotFactory(municipality=pilot_owner.municipality, running=True)
    idea = PilotFactory(municipality=pilot_owner.municipality)

    html = client_for(pilot_owner).get("/pilots/?phase=running").content.decode()

    assert running.title in html
    assert idea.title not in html


def test_is_running_on_follows_phase_and_period() -> None:
    today = timezone.localdate()
    pilot = Pilot(
        phase=Phase.RUNNING, starts_on=today, ends_on=today + dt.timedelta(days=9)
    )

    assert pilot.is_running_on(today)
    assert not pilot.is_running_on(today + dt.timedelta(days=10))
    assert not Pilot(phase=Phase.DESIGN).is_running_on(today)


def test_unknown_idea_in_the_address_is_404(pilot_owner: User) -> None:
    client = client_for(pilot_owner)

    assert client.get("/pilots/new/?idea=not-a-uuid").status_code == 404
    assert not Idea.objects.exists()

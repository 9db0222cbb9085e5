"""Co-creation: ideas from residents and organisations, support, reactions and the
municipality's public answer; the public neighbourhood pages with registering
interest and published results."""

import pytest
from django.test import Client

from accounts.models import User
from pilots.models import Idea, IdeaComment, IdeaStatus, IdeaSupport, Interest
from pilots.services import pilot_publish_results
from pilots.tests.factories import IdeaFactory, PilotFactory, measured_participants
from pilots.tests.helpers import submit
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db


def _page(place: Place) -> str:
    return f"/pilots/neighbourhoods/{place.neighbourhood.cbs_code}/"


def test_a_resident_submits_an_idea_for_their_neighbourhood(
    resident: User, den_helder: Place
) -> None:
    response = submit(
        client_for(resident),
        f"{_page(den_helder)}ideas/new/",
        match="main",
        title="Een buurtmoestuin",
        description="Op het plein achter de school.",
    )

    idea = Idea.objects.get()
    public = Client().get(f"/pilots/ideas/{idea.public_id}/").content.decode()
    assert response.status_code == 302
    assert idea.neighbourhood == den_helder.neighbourhood
    assert idea.municipality == den_helder.municipality
    assert idea.status == IdeaStatus.SUBMITTED
    assert "Een buurtmoestuin" in public
    assert resident.full_name not in public


def test_an_organisation_submits_an_idea_under_its_name(
    partner: User, den_helder: Place
) -> None:
    submit(
        client_for(partner),
        f"{_page(den_helder)}ideas/new/",
        match="main",
        title="Buurthuisnetwerk",
        description="Drie buurthuizen werken samen.",
    )

    idea = Idea.objects.get()
    assert idea.organisation == den_helder.organisation
    assert (
        den_helder.organisation.name
        in Client().get(f"/pilots/ideas/{idea.public_id}/").content.decode()
    )


def test_an_empty_idea_is_refused_and_keeps_what_was_typed(
    resident: User, den_helder: Place
) -> None:
    response = submit(
        client_for(resident),
        f"{_page(den_helder)}ideas/new/",
        match="main",
        description="Alleen een beschrijving",
    )

    assert response.status_code == 400
    assert "id_title_error" in response.content.decode()
    assert "Alleen een beschrijving" in response.content.decode()
    assert not Idea.objects.exists()


def test_support_counts_once_per_person_and_reactions_show_no_names(
    resident: User, other_resident: User, den_helder: Place
) -> None:
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)
    url = f"/pilots/ideas/{idea.public_id}/"
    for person in (resident, resident, other_resident):
        client_for(person).post(f"{url}support/")
    comment = submit(
        client_for(other_resident), url, match="comment", body="Ik help graag mee!"
    )
    empty = client_for(other_resident).post(f"{url}comment/", {"body": ""})

    idea.refresh_from_db()
    html = Client().get(url).content.decode()
    assert idea.support_count == 2
    assert IdeaSupport.objects.count() == 2
    assert comment.status_code == 302
    assert empty.status_code == 400
    assert "id_body_error" in empty.content.decode()
    assert IdeaComment.objects.count() == 1
    assert "Ik help graag mee!" in html
    assert other_resident.full_name not in html


def test_the_municipality_answers_in_public_and_not_adopted_needs_a_reason(
    pilot_owner: User, den_helder: Place
) -> None:
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)
    url = f"/pilots/ideas/{idea.public_id}/"
    client = client_for(pilot_owner)

    no_reason = submit(client, url, match="answer", status="not_adopted", answer="Nee")
    answered = submit(
        client,
        url,
        match="answer",
        status="not_adopted",
        answer="Er is al een moestuin twee straten verder; doe daar mee.",
    )

    idea.refresh_from_db()
    assert no_reason.status_code == 400
    assert "id_answer_error" in no_reason.content.decode()
    assert answered.status_code == 302
    assert idea.status == IdeaStatus.NOT_ADOPTED
    assert idea.answered_by == pilot_owner
    assert "twee straten verder" in Client().get(url).content.decode()


@pytest.mark.parametrize("persona", ["lelystad_admin", "alderman", "resident"])
def test_only_managers_of_the_municipality_answer_an_idea(
    persona: str, everyone: dict[str, User], den_helder: Place
) -> None:
    idea = IdeaFactory(neighbourhood=den_helder.neighbourhood)

    response = client_for(everyone[persona]).post(
        f"/pilots/ideas/{idea.public_id}/answer/",
        {"status": "not_adopted", "answer": "Nee, want dat kan niet hier."},
    )

    idea.refresh_from_db()
    assert response.status_code == (404 if persona == "lelystad_admin" else 403)
    assert idea.status == IdeaStatus.SUBMITTED


def test_neighbourhood_page_shows_running_pilots_and_a_resident_registers_interest(
    resident: User, pilot_owner: User, den_helder: Place
) -> None:
    running = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, running=True
    )
    running.neighbourhoods.add(den_helder.neighbourhood)
    idea_phase = PilotFactory(municipality=den_helder.municipality, owner=pilot_owner)
    idea_phase.neighbourhoods.add(den_helder.neighbourhood)

    anonymous = Client().get(_page(den_helder)).content.decode()
    response = client_for(resident).post(
        f"/pilots/public/{running.public_id}/interest/", {"note": "Op woensdag"}
    )
    twice = client_for(resident).post(f"/pilots/public/{running.public_id}/interest/")
    not_public = client_for(resident).post(
        f"/pilots/public/{idea_phase.public_id}/interest/"
    )
    after = client_for(resident).get(_page(den_helder)).content.decode()

    assert running.title in anonymous
    assert idea_phase.title not in anonymous
    assert response.status_code == 302
    assert twice.status_code == 302
    assert not_public.status_code == 404
    assert Interest.objects.get().note == "Op woensdag"
    assert 'data-testid="interest-registered"' in after
    owner_page = client_for(pilot_owner).get(running.get_absolute_url())
    assert resident.email in owner_page.content.decode()


def test_results_appear_on_the_public_page_only_when_published_and_n_is_five(
    pilot_owner: User, den_helder: Place
) -> None:
    pilot = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, evaluation=True
    )
    pilot.neighbourhoods.add(den_helder.neighbourhood)
    participants = measured_participants(pilot, 5, before=5, after=7)
    participants[0].name = "Geheime Naam"
    participants[0].save()

    before = Client().get(_page(den_helder)).content.decode()
    client_for(pilot_owner).post(f"{pilot.get_absolute_url()}results/publish/")
    after = Client().get(_page(den_helder)).content.decode()

    assert 'data-testid="public-results"' not in before
    assert 'data-testid="public-results"' in after
    assert "+2,0" in after or "2,0" in after
    assert "Geheime Naam" not in after


def test_published_results_below_five_participants_stay_hidden(
    pilot_owner: User, den_helder: Place
) -> None:
    pilot = PilotFactory(
        municipality=den_helder.municipality, owner=pilot_owner, running=True
    )
    pilot.neighbourhoods.add(den_helder.neighbourhood)
    measured_participants(pilot, 4, before=3, after=9)

    pilot_publish_results(pilot=pilot)
    pilot.refresh_from_db()

    assert pilot.public_results[0]["n"] == 4
    assert pilot.public_results[0]["change"] is None
    assert "6.0" not in str(pilot.public_results)


def test_other_municipality_cannot_publish_results(
    pilot_owner: User, lelystad_admin: User
) -> None:
    pilot = PilotFactory(municipality=pilot_owner.municipality, running=True)

    response = client_for(lelystad_admin).post(
        f"{pilot.get_absolute_url()}results/publish/"
    )

    pilot.refresh_from_db()
    assert response.status_code == 404
    assert pilot.results_published_at is None


def test_unknown_neighbourhood_is_404() -> None:
    assert Client().get("/pilots/neighbourhoods/BU99999999/").status_code == 404


def test_the_index_lists_every_neighbourhood(
    den_helder: Place, lelystad: Place
) -> None:
    html = Client().get("/pilots/neighbourhoods/").content.decode()

    assert den_helder.neighbourhood.name in html
    assert lelystad.neighbourhood.name in html


def test_staff_cannot_register_interest_or_submit_ideas(
    caseworker: User, den_helder: Place
) -> None:
    pilot = PilotFactory(municipality=den_helder.municipality, running=True)
    client = client_for(caseworker)

    assert client.post(f"/pilots/public/{pilot.public_id}/interest/").status_code == 403
    assert client.get(f"{_page(den_helder)}ideas/new/").status_code == 403
    assert not Interest.objects.exists()

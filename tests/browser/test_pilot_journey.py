"""A pilot owner's journey in a real browser: from a resident's idea to a pilot with
partners and budget, participants, an activity, baseline and follow-up measurements
(the outcome appears once five participants are measured), a journal entry, and
publishing to the shared library, where a user of another municipality reads it."""

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from pilots.models import LibraryEntry, Measurement, Participant, Pilot
from pilots.tests.factories import IdeaFactory
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser

PARTICIPANTS = ["Noah de Boer", "Emma Bakker", "Daan Visser", "Julia Smit", "Sem Bos"]
LESSONS = "Jongeren komen voor de sport en blijven voor het gesprek met de coach."


def _form(page: Page, name: str) -> Locator:
    return page.locator(f"form[data-form={name}]")


def _measure(page: Page, participant: str, moment: str, score: str) -> None:
    page.get_by_role("link", name=participant).click()
    page.get_by_role("link", name="Levenstevredenheid").click()
    form = _form(page, "measure")
    form.get_by_label("Moment").select_option(label=moment)
    form.get_by_label("Hoe tevreden bent u met uw leven?").fill(score)
    form.get_by_role("button", name="Meting opslaan").click()
    expect(page.get_by_text("De meting is opgeslagen.")).to_be_visible()
    page.get_by_role("link", name="Terug naar").click()


def test_pilot_owner_runs_a_pilot_from_idea_to_the_shared_library(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    pilot_owner: User,
    lelystad_admin: User,
    password: str,
) -> None:
    idea = IdeaFactory(
        neighbourhood=den_helder.neighbourhood,
        submitted_by=resident,
        title="Basketbal met de Suns voor jongeren",
    )
    log_in(page, pilot_owner, password)

    # From the resident's idea to a pilot with a partner.
    page.goto("/pilots/")
    page.get_by_role("link", name="Maak een pilot van dit idee").click()
    expect(page.get_by_test_id("from-idea")).to_contain_text(idea.title)
    page.get_by_label("Thema").select_option("social_activation")
    page.get_by_label(den_helder.organisation.name).check()
    page.get_by_role("button", name="Pilot opslaan").click()
    expect(page.get_by_text("De pilot staat in het register.")).to_be_visible()
    expect(page.get_by_test_id("partners")).to_have_text(den_helder.organisation.name)
    for phase in ("Ontwerp", "Loopt"):
        _form(page, "phase").get_by_label("Volgende fase").select_option(label=phase)
        _form(page, "phase").get_by_role("button", name="Fase wijzigen").click()
    expect(page.get_by_test_id("phase")).to_have_text("Loopt")

    # Budget: a line and a spending entry.
    line = _form(page, "line")
    line.get_by_label("Begrotingspost").fill("Trainers en zaalhuur")
    line.get_by_label("Begroot bedrag (euro)").fill("12000")
    line.get_by_role("button", name="Post toevoegen").click()
    entry = _form(page, "entry")
    entry.get_by_label("Begrotingspost").select_option(label="Trainers en zaalhuur")
    entry.get_by_label("Soort").select_option("spending")
    entry.get_by_label("Bedrag (euro)").fill("1500,50")
    entry.get_by_label("Waarvoor").fill("Eerste clinics")
    entry.get_by_role("button", name="Boeken").click()
    expect(page.get_by_test_id("budget-planned")).to_contain_text("12.000")
    expect(page.get_by_test_id("budget-spent")).to_contain_text("1.500,50")

    # Participants, with consent.
    for name in PARTICIPANTS:
        enrol = _form(page, "enrol")
        enrol.get_by_label("Naam van de deelnemer").fill(name)
        enrol.get_by_label("De deelnemer gaf toestemming").check()
        enrol.get_by_label("Hoe is toestemming gegeven?").fill("Formulier getekend")
        enrol.get_by_role("button", name="Inschrijven").click()
        expect(page.get_by_text("De deelnemer is ingeschreven.")).to_be_visible()
    expect(page.get_by_test_id("participants").locator("li")).to_have_count(5)

    # An activity.
    activity = _form(page, "activity")
    activity.get_by_label("Activiteit of bijeenkomst").fill("Basketbalclinic")
    activity.get_by_label("Datum").fill("2026-03-04")
    activity.get_by_label("Plaats").fill("Sporthal De Schooten")
    activity.get_by_label("Aantal mensen dat kwam").fill("18")
    activity.get_by_role("button", name="Activiteit vastleggen").click()
    expect(page.get_by_test_id("activities")).to_contain_text("Sporthal De Schooten")

    # Baseline and follow-up; the outcome shows only from five participants on.
    for index, name in enumerate(PARTICIPANTS):
        _measure(page, name, "Nulmeting", str(4 + index % 2))
        _measure(page, name, "Vervolgmeting", str(7 + index % 2))
        if index == 3:
            expect(page.get_by_test_id("outcome")).to_contain_text(
                "te weinig deelnemers om te tonen"
            )
    outcome = page.get_by_test_id("outcome")
    expect(outcome).not_to_contain_text("te weinig deelnemers om te tonen")
    expect(outcome.locator("tbody tr").first).to_contain_text("+3,0")

    # The learning journal.
    journal = _form(page, "journal")
    journal.get_by_label("Wat we probeerden").fill("Clinics op woensdagmiddag")
    journal.get_by_label("Wat we zagen").fill("Meisjes kwamen nauwelijks")
    journal.get_by_label("Wat we veranderen").fill("Een aparte meidenclinic")
    journal.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("journal-entry")).to_contain_text(
        "Een aparte meidenclinic"
    )

    # Publish to the shared library.
    library = _form(page, "library")
    library.get_by_label("Aanpak: hoe werkte de pilot?").fill(
        "Spelers geven clinics; een jeugdhulpverlener is erbij."
    )
    library.get_by_label("Lessen voor andere gemeenten").fill(LESSONS)
    library.get_by_role("button", name="Publiceren in de gedeelde bibliotheek").click()
    expect(page.get_by_test_id("library-status")).to_be_visible()

    pilot = Pilot.objects.get()
    assert pilot.idea == idea
    assert Participant.objects.filter(pilot=pilot).count() == 5
    assert Measurement.objects.filter(participant__pilot=pilot).count() == 10
    assert LibraryEntry.objects.get().results[0]["n"] == 5

    # A user of another municipality reads it in the library.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    other = context.new_page()
    other.set_default_timeout(10_000)
    log_in(other, lelystad_admin, password)
    other.goto("/pilots/library/")
    other.get_by_label("Zoeken in de bibliotheek").fill("basketbal")
    other.get_by_role("button", name="Zoeken").click()
    other.get_by_role("link", name=pilot.title).click()
    expect(other.get_by_test_id("library-meta")).to_contain_text("Den Helder")
    expect(other.get_by_test_id("library-lessons")).to_contain_text(LESSONS)
    expect(other.get_by_test_id("library-results")).to_contain_text("5")
    for name in PARTICIPANTS:
        expect(other.locator("main")).not_to_contain_text(name)
    assert other.goto(f"/pilots/{pilot.public_id}/").status == 404
    context.close()

"""In a real browser: a caseworker moves a case through its stages (waiting for the
resident stops the deadline clock) and records the Wmo application and decision; a
team lead gives requests to a colleague in bulk, from the queue and for a caseworker
who is ill."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import Deadline, DeadlineKind, Domain, StageChange
from casework.services import help_request_triage
from casework.stages import Stage
from citizens.models import HelpRequest, Status
from citizens.tests.factories import HelpRequestFactory
from tests.browser.axe import axe
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser


def test_caseworker_moves_the_stages_waits_for_the_resident_and_records_the_wmo_steps(
    page: Page,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    caseworker: User,
    password: str,
) -> None:
    today = timezone.localdate()
    help_request = HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        submitted_at=timezone.now() - timedelta(days=10),
    )
    help_request_triage(
        help_request=help_request,
        by=caseworker,
        domains=[Domain.WMO],
        urgency="normal",
        team=den_helder.team,
        debt_threat=False,
    )
    reference = help_request.reference
    detail_url = f"{live_server.url}/casework/requests/{reference}/"
    flash = page.get_by_role("main").get_by_role("status")
    investigation = Deadline.objects.get(
        help_request=help_request, kind=DeadlineKind.WMO_INVESTIGATION
    )

    log_in(page, caseworker, password)
    page.goto(detail_url)
    expect(page.get_by_test_id("stage")).to_have_text("Triage")
    progress = page.locator("form:has(input[name=save_progress])")

    # Intake done, then waiting for the resident: the deadline stops.
    progress.locator("#id_stage").select_option(label="Intake gedaan")
    progress.get_by_role("button", name="Voortgang opslaan", exact=True).click()
    expect(flash).to_contain_text("De voortgang is opgeslagen.")
    expect(page.get_by_test_id("stage")).to_have_text("Intake gedaan")

    progress = page.locator("form:has(input[name=save_progress])")
    progress.locator("#id_stage").select_option(label="Wachten op de inwoner")
    progress.get_by_label("Waarom (voor collega's, als de fase verandert)").fill(
        "Wacht op de jaaropgave van mevrouw"
    )
    progress.get_by_role("button", name="Voortgang opslaan", exact=True).click()
    expect(page.get_by_test_id("stage")).to_have_text("Wachten op de inwoner")
    expect(page.get_by_test_id("deadlines").locator("[data-state]")).to_have_attribute(
        "data-state", "suspended"
    )
    expect(page.get_by_test_id("stage-history")).to_contain_text(
        "Intake gedaan → Wachten op de inwoner (Mohamed El Amrani): "
        "Wacht op de jaaropgave van mevrouw"
    )
    # The resident keeps seeing "working on it"; the stage is staff-only.
    expect(page.get_by_test_id("status")).to_contain_text(
        "We werken er samen met u aan"
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS
    investigation.refresh_from_db()
    assert investigation.suspended_since == today

    # Back to work: the plan; the clock runs again.
    progress = page.locator("form:has(input[name=save_progress])")
    progress.locator("#id_stage").select_option(label="Ondersteuningsplan")
    progress.get_by_role("button", name="Voortgang opslaan", exact=True).click()
    expect(page.get_by_test_id("stage")).to_have_text("Ondersteuningsplan")
    investigation.refresh_from_db()
    assert investigation.suspended_since is None
    assert list(
        StageChange.objects.filter(help_request=help_request).values_list(
            "to_stage", flat=True
        )
    ) == [Stage.TRIAGE, Stage.INTAKE_DONE, Stage.WAITING_FOR_RESIDENT, Stage.PLAN]

    # The Wmo application: first a date in the future is refused at the field.
    application = page.get_by_test_id("wmo-application")
    field = application.get_by_label("Datum waarop de Wmo-aanvraag is ontvangen")
    field.fill((today + timedelta(days=1)).isoformat())
    application.get_by_role("button", name="Wmo-aanvraag vastleggen").click()
    expect(page.locator("#id_wmo_filed_on_error")).to_have_text(
        "Deze datum kan niet in de toekomst liggen."
    )
    expect(field).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_wmo_filed_on_error\b")
    )
    field = page.get_by_test_id("wmo-application").get_by_label(
        "Datum waarop de Wmo-aanvraag is ontvangen"
    )
    field.fill(today.isoformat())
    page.get_by_test_id("wmo-application").get_by_role(
        "button", name="Wmo-aanvraag vastleggen"
    ).click()
    expect(page).to_have_url(detail_url)
    decision = Deadline.objects.get(
        help_request=help_request, kind=DeadlineKind.WMO_DECISION
    )
    expect(flash).to_contain_text(
        f"De beschikking moet er uiterlijk op {decision.due.isoformat()} zijn."
    )
    expect(page.get_by_test_id("deadlines")).to_contain_text(
        "Wmo-beschikking (2 weken na de aanvraag)"
    )

    # The decision meets it.
    decision_form = page.get_by_test_id("wmo-decision")
    decision_form.get_by_label("Datum van de beschikking").fill(today.isoformat())
    decision_form.get_by_role("button", name="Wmo-beschikking vastleggen").click()
    expect(flash).to_contain_text("De Wmo-beschikking is vastgelegd.")
    expect(page.get_by_test_id("wmo-decision")).to_have_count(0)
    decision.refresh_from_db()
    assert decision.met_at is not None


def test_team_lead_gives_chosen_requests_and_an_ill_colleagues_requests_to_others(
    page: Page,
    live_server: LiveServer,
    den_helder: Place,
    team_lead: User,
    caseworker: User,
    password: str,
) -> None:
    colleague = UserFactory(
        caseworker=True,
        team=den_helder.team,
        full_name="Petra de Wit",
        email="petra@example.test",
    )

    def make(contact_person: User | None) -> HelpRequest:
        return HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood,
            contact_person=contact_person,
            team=den_helder.team if contact_person else None,
            status=Status.IN_REVIEW,
        )

    chosen = [make(None), make(caseworker)]
    left_alone = make(caseworker)
    flash = page.get_by_role("main").get_by_role("status")

    log_in(page, team_lead, password)
    page.goto("/casework/queue/")
    rows = page.get_by_test_id("queue-rows")
    for help_request in chosen:
        rows.get_by_label(f"{help_request.reference} kiezen").check()
    page.get_by_role(
        "button", name="Gekozen hulpvragen aan een collega geven", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/casework/team/reassign/\?"))
    form = page.get_by_test_id("bulk-reassign")
    for help_request in chosen:
        expect(form.get_by_label(help_request.reference, exact=True)).to_be_checked()

    # Forgetting the colleague is refused at the field.
    form.get_by_role("button", name="Bekijk wat er verschuift").click()
    expect(page.locator("#id_to_caseworker_error")).to_have_text(
        "Kies de collega die ze overneemt."
    )
    form = page.get_by_test_id("bulk-reassign")
    form.get_by_label("Toewijzen aan").select_option(label="Petra de Wit")
    form.get_by_role("button", name="Bekijk wat er verschuift").click()
    expect(page.get_by_test_id("reassign-summary")).to_have_text(
        "2 open hulpvragen worden gegeven aan Petra de Wit."
    )
    assert HelpRequest.objects.filter(contact_person=colleague).count() == 0
    page.get_by_role("button", name="Ja, geef ze aan deze collega").click()
    expect(page).to_have_url(f"{live_server.url}/casework/queue/")
    expect(flash).to_contain_text("2 hulpvragen zijn gegeven aan Petra de Wit.")
    assert set(
        HelpRequest.objects.filter(contact_person=colleague).values_list(
            "pk", flat=True
        )
    ) == {r.pk for r in chosen}

    # Mohamed is ill: everything he still has goes to Petra.
    page.get_by_role(
        "link", name="Alle hulpvragen van een consulent aan een collega geven"
    ).click()
    form = page.get_by_test_id("bulk-reassign")
    form.get_by_label("Of: alle open hulpvragen van").select_option(
        label="Mohamed El Amrani"
    )
    form.get_by_label("Toewijzen aan").select_option(label="Petra de Wit")
    form.get_by_role("button", name="Bekijk wat er verschuift").click()
    expect(page.get_by_test_id("reassign-list")).to_contain_text(left_alone.reference)
    page.get_by_role("button", name="Ja, geef ze aan deze collega").click()
    expect(flash).to_contain_text("1 hulpvraag is gegeven aan Petra de Wit.")
    left_alone.refresh_from_db()
    assert left_alone.contact_person == colleague


def test_the_new_pages_have_no_serious_accessibility_violations(
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    team_lead: User,
    caseworker: User,
    password: str,
) -> None:
    help_request = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        status=Status.IN_REVIEW,
    )
    help_request_triage(
        help_request=help_request,
        by=caseworker,
        domains=[Domain.WMO],
        urgency="normal",
        team=den_helder.team,
        debt_threat=False,
    )
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True
    )
    try:
        page = context.new_page()
        log_in(page, team_lead, password)
        found = []
        for path in (
            "/casework/queue/",
            f"/casework/queue/?stage={Stage.TRIAGE}",
            f"/casework/team/reassign/?requests={help_request.reference}",
            f"/casework/requests/{help_request.reference}/",
        ):
            page.goto(path)
            found += axe(page, path)
        # With errors at the fields, and the confirmation.
        page.goto("/casework/team/reassign/")
        page.get_by_role("button", name="Bekijk wat er verschuift").click()
        found += axe(page, "reassign with errors")
        form = page.get_by_test_id("bulk-reassign")
        form.get_by_label("Of: alle open hulpvragen van").select_option(
            label="Mohamed El Amrani"
        )
        form.get_by_label("Toewijzen aan").select_option(label="Ingrid Bakker")
        form.get_by_role("button", name="Bekijk wat er verschuift").click()
        expect(page.get_by_test_id("reassign-confirm")).to_be_visible()
        found += axe(page, "reassign confirmation")
    finally:
        context.close()

    assert found == []

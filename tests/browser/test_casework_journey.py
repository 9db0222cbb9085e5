"""A caseworker's day in a real browser: taking a request from the queue through
triage, intake, the support plan and a referral to closing it while the resident
follows; opening a colleague's request with a reason; searching the queue."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from casework.models import (
    ActionOwner,
    Deadline,
    DeadlineKind,
    PlanAction,
    PlanGoal,
    Referral,
    ZrmAssessment,
    ZrmDomain,
    ZrmMoment,
)
from casework.services import help_request_claim
from citizens.models import (
    AccessPurpose,
    ContactMethod,
    FileAccess,
    HelpRequest,
    LifeEvent,
    Outcome,
    Status,
)
from citizens.tests.factories import HelpRequestFactory
from networks.models import OrganisationKind
from networks.tests.factories import OrganisationFactory
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser

CONTACT_SUMMARY = "Keukentafelgesprek: samen de stapel post doorgenomen."
REFERRAL_QUESTION = "Kan een vrijwilliger van het buurthuis helpen met de post?"
ACCESS_REASON = "Mijn collega is ziek en mevrouw belde met een vraag"


def _form(page: Page, name: str) -> Locator:
    """A form of the household page, by the value of its hidden `form` field."""
    return page.locator(f"form:has(input[name=form][value={name}])")


def _second_browser(
    browser: Browser, live_server: LiveServer
) -> tuple[BrowserContext, Page]:
    """Another person at another computer: a separate context, own cookies."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_caseworker_takes_a_request_from_the_queue_to_closing_while_the_resident_follows(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    caseworker: User,
    password: str,
) -> None:
    organisation = den_helder.organisation
    if organisation.kind != OrganisationKind.COMMUNITY_CENTRE:
        organisation = OrganisationFactory(
            municipality=den_helder.municipality,
            kind=OrganisationKind.COMMUNITY_CENTRE,
        )
    help_request = HelpRequestFactory(
        received=True,
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        share_with_community_centre=True,
        life_events=[LifeEvent.MONEY_WORRIES, LifeEvent.HOUSING],
        contact_methods=[ContactMethod.HOME_VISIT],
    )
    reference = help_request.reference
    detail_url = f"{live_server.url}/casework/requests/{reference}/"
    flash = page.get_by_role("main").get_by_role("status")

    # The queue: unassigned tab, then the request.
    log_in(page, caseworker, password)
    page.locator("#site-nav").get_by_role(
        "link", name="Werkvoorraad", exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/casework/queue/$"))
    page.get_by_test_id("queue-views").locator("a[data-view=unassigned]").click()
    expect(page).to_have_url(re.compile(r"view=unassigned"))
    expect(
        page.get_by_test_id("queue-views").locator("a[aria-current=page]")
    ).to_contain_text("Niet toegewezen")
    row = page.get_by_test_id("queue-rows").locator(f"tr[data-reference={reference}]")
    expect(row).to_contain_text("Ontvangen")
    row.get_by_role("link", name=reference, exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    # Claim.
    page.get_by_role("button", name="Deze hulpvraag oppakken", exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(flash).to_contain_text("U bent nu de contactpersoon.")
    expect(page.get_by_test_id("contact-person")).to_contain_text("Mohamed El Amrani")
    help_request.refresh_from_db()
    assert help_request.contact_person == caseworker
    assert help_request.team == den_helder.team
    assert help_request.status == Status.IN_REVIEW

    # Triage: Wmo and debt relief bring two statutory deadlines.
    expect(page.get_by_test_id("deadlines")).to_have_count(0)
    triage = page.locator('form[action$="/triage/"]')
    triage.locator("input[name=domains][value=wmo]").check()
    triage.locator("input[name=domains][value=debt]").check()
    triage.locator("#id_urgency").select_option("urgent")
    triage.locator("#id_team").select_option(str(den_helder.team.pk))
    triage.get_by_role("button", name="Triage opslaan", exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(flash).to_contain_text("De triage is opgeslagen.")
    expect(page.get_by_role("heading", name="Wettelijke termijnen")).to_be_visible()
    deadlines = page.get_by_test_id("deadlines").locator("li")
    expect(deadlines).to_have_count(2)
    expect(page.get_by_test_id("deadlines")).to_contain_text("Wmo-onderzoek (6 weken)")
    expect(page.get_by_test_id("deadlines")).to_contain_text(
        "Schuldhulpverlening: eerste gesprek"
    )
    expect(deadlines.locator("[data-state=on_track]")).to_have_text(
        ["Op schema", "Op schema"]
    )
    assert Deadline.objects.filter(help_request=help_request).count() == 2
    assert set(
        Deadline.objects.filter(help_request=help_request).values_list(
            "kind", flat=True
        )
    ) == {DeadlineKind.WMO_INVESTIGATION, DeadlineKind.DEBT_FIRST_CONVERSATION}

    # The intake, as a home visit today.
    contact = page.locator('form[action$="/contacts/"]')
    contact.locator("#id_kind").select_option("home_visit")
    # Typed in: the form pre-fills the date as DD-MM-YYYY, which a date input
    # rejects, so the field shows empty.
    contact.locator("#id_happened_on").fill(timezone.localdate().isoformat())
    contact.locator("#id_summary").fill(CONTACT_SUMMARY)
    contact.locator("#id_is_intake").check()
    contact.get_by_role("button", name="Contact vastleggen", exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(flash).to_contain_text("Het contact is vastgelegd.")
    expect(page.get_by_test_id("status")).to_contain_text(
        "We werken er samen met u aan"
    )
    expect(page.get_by_test_id("contact-moments")).to_contain_text(CONTACT_SUMMARY)
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS

    # The household page: ZRM at intake, a goal and an action.
    page.get_by_role(
        "link", name="Huishouden, ZRM en ondersteuningsplan", exact=True
    ).click()
    expect(page).to_have_url(f"{detail_url}household/")
    page.get_by_text("ZRM-scores vastleggen", exact=True).click()
    zrm = _form(page, "zrm")
    zrm.locator("#id_moment").select_option(ZrmMoment.INTAKE)
    scores = {
        domain: 2 if domain == ZrmDomain.FINANCES else 3 for domain in ZrmDomain.values
    }
    for domain, score in scores.items():
        zrm.locator(f"select[name={domain}]").select_option(str(score))
    zrm.get_by_role("button", name="ZRM-scores opslaan", exact=True).click()
    expect(page).to_have_url(f"{detail_url}household/")
    expect(flash).to_contain_text("Opgeslagen.")
    expect(
        page.get_by_test_id("zrm").locator("tbody tr").filter(has_text="Financiën")
    ).to_contain_text("2")
    assessment = ZrmAssessment.objects.get(help_request=help_request)
    assert assessment.moment == ZrmMoment.INTAKE
    assert assessment.scores == scores
    assert assessment.by == caseworker

    goal_form = _form(page, "goal")
    goal_form.locator("select[name=domain]").select_option(ZrmDomain.FINANCES)
    goal_form.locator("input[name=description]").fill(
        "Overzicht in de post en rekeningen"
    )
    goal_form.get_by_role("button", name="Doel toevoegen", exact=True).click()
    expect(page).to_have_url(f"{detail_url}household/")
    expect(page.locator(".figure-card h3")).to_have_text(
        ["Overzicht in de post en rekeningen"]
    )
    goal = PlanGoal.objects.get(household__memberships__help_request=help_request)
    assert goal.domain == ZrmDomain.FINANCES

    due = timezone.localdate() + timedelta(days=14)
    action_form = _form(page, "action")
    action_form.locator("select[name=goal]").select_option(str(goal.pk))
    action_form.locator("input[name=description]").fill(
        "Samen met de vrijwilliger de post sorteren"
    )
    action_form.locator("select[name=owner]").select_option(ActionOwner.VOLUNTEER)
    action_form.locator("input[name=due]").fill(due.isoformat())
    action_form.get_by_role("button", name="Actie toevoegen", exact=True).click()
    expect(page).to_have_url(f"{detail_url}household/")
    expect(page.get_by_test_id("actions")).to_contain_text(
        "Samen met de vrijwilliger de post sorteren · Vrijwilliger"
    )
    action = PlanAction.objects.get(goal=goal)
    assert (action.owner, action.due, action.done_at) == (
        ActionOwner.VOLUNTEER,
        due,
        None,
    )

    page.get_by_role("link", name=f"Terug naar {reference}", exact=True).click()
    expect(page).to_have_url(detail_url)

    # A referral to the community centre, which the resident agreed to.
    referral_form = page.locator('form[action$="/referrals/"]')
    referral_form.locator("#id_organisation").select_option(str(organisation.pk))
    referral_form.locator("#id_question").fill(REFERRAL_QUESTION)
    referral_form.get_by_role("button", name="Verwijzing versturen", exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(flash).to_contain_text("De verwijzing is verstuurd.")
    expect(page.get_by_test_id("referrals")).to_contain_text(organisation.name)
    expect(page.get_by_test_id("referrals")).to_contain_text(REFERRAL_QUESTION)
    referral = Referral.objects.get(help_request=help_request)
    assert (referral.organisation, referral.question, referral.created_by) == (
        organisation,
        REFERRAL_QUESTION,
        caseworker,
    )

    # Closing needs an outcome.
    progress = page.locator("form:has(input[name=save_progress])")
    progress.locator("#id_stage").select_option("closed")
    progress.get_by_role("button", name="Voortgang opslaan", exact=True).click()
    outcome_error = page.locator("#id_outcome_error")
    expect(outcome_error).to_have_text(
        "Afsluiten kan alleen met een uitkomst: hoe is het opgelost?"
    )
    expect(page.locator("#id_outcome")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_outcome_error\b")
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS

    progress = page.locator("form:has(input[name=save_progress])")
    expect(progress.locator("#id_stage")).to_have_value("closed")
    progress.locator("#id_outcome").select_option(
        label="Opgelost met het buurtnetwerk of een vrijwilliger"
    )
    progress.get_by_role("button", name="Voortgang opslaan", exact=True).click()
    expect(page).to_have_url(detail_url)
    expect(flash).to_contain_text("De voortgang is opgeslagen.")
    expect(page.get_by_test_id("status")).to_contain_text(
        "Afgesloten · Opgelost met het buurtnetwerk of een vrijwilliger"
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.CLOSED
    assert help_request.outcome == Outcome.NEIGHBOURHOOD_NETWORK
    assert help_request.closed_at is not None
    assert help_request.contact_person == caseworker

    # The resident follows along in their own browser.
    context, resident_page = _second_browser(browser, live_server)
    try:
        log_in(resident_page, resident, password)
        resident_page.locator("#site-nav").get_by_role(
            "link", name="Mijn hulpvragen", exact=True
        ).click()
        resident_page.get_by_test_id("requests").get_by_role(
            "link", name=reference
        ).click()
        expect(resident_page).to_have_url(f"{live_server.url}/my-requests/{reference}/")
        expect(resident_page.get_by_test_id("status")).to_contain_text("Afgesloten")
        expect(resident_page.get_by_test_id("contact-person")).to_contain_text(
            "Mohamed El Amrani"
        )
        timeline = resident_page.get_by_test_id("timeline")
        current = timeline.locator("li[aria-current=step]")
        expect(current).to_contain_text("Afgesloten")
        expect(current).to_have_class(re.compile(r"\breached\b"))
        expect(timeline.locator("li.reached .fw-semibold")).to_have_text(
            [
                "Ontvangen",
                "Iemand bekijkt uw hulpvraag",
                "We werken er samen met u aan",
                "Afgesloten",
            ]
        )
        main = resident_page.get_by_role("main")
        expect(main).not_to_contain_text(CONTACT_SUMMARY)
        expect(main).not_to_contain_text(REFERRAL_QUESTION)
        expect(main).not_to_contain_text(organisation.name)
    finally:
        context.close()


def test_a_colleagues_request_asks_for_a_reason_before_opening(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    caseworker: User,
    team_lead: User,
    functional_admin: User,
    password: str,
) -> None:
    help_request = HelpRequestFactory(
        in_review=True, neighbourhood=den_helder.neighbourhood
    )
    assert help_request_claim(help_request=help_request, by=team_lead)
    reference = help_request.reference
    detail_url = f"{live_server.url}/casework/requests/{reference}/"

    log_in(page, caseworker, password)
    page.locator("#site-nav").get_by_role(
        "link", name="Werkvoorraad", exact=True
    ).click()
    page.get_by_test_id("queue-views").locator("a[data-view=team]").click()
    row = page.get_by_test_id("queue-rows").locator(f"tr[data-reference={reference}]")
    expect(row).to_contain_text("Ingrid Bakker")
    row.get_by_role("link", name=reference, exact=True).click()

    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Waarom opent u deze hulpvraag?"
    )
    expect(page.get_by_role("main")).not_to_contain_text(help_request.story)
    assert not FileAccess.objects.filter(help_request=help_request).exists()

    reason_form = page.get_by_test_id("access-reason")
    reason_form.get_by_role("button", name="Verder", exact=True).click()
    reason_error = page.locator("#id_access_reason_error")
    expect(reason_error).to_have_text("Geef een reden om deze hulpvraag te openen.")
    expect(page.locator("#id_access_reason")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_access_reason_error\b")
    )
    expect(page.get_by_role("main")).not_to_contain_text(help_request.story)
    assert not FileAccess.objects.filter(help_request=help_request).exists()

    page.locator("#id_access_reason").fill(ACCESS_REASON)
    page.get_by_test_id("access-reason").get_by_role(
        "button", name="Verder", exact=True
    ).click()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("main")).to_contain_text(help_request.story)
    expect(page.get_by_test_id("contact-person")).to_contain_text("Ingrid Bakker")
    access = FileAccess.objects.get(help_request=help_request)
    assert (access.user, access.purpose, access.reason) == (
        caseworker,
        AccessPurpose.OUTSIDE_CASELOAD,
        ACCESS_REASON,
    )

    context, admin_page = _second_browser(browser, live_server)
    try:
        log_in(admin_page, functional_admin, password)
        admin_page.locator("#site-nav").get_by_role(
            "link", name="Inzagelogboek", exact=True
        ).click()
        expect(admin_page).to_have_url(re.compile(r"/accounts/.*access"))
        filters = admin_page.get_by_test_id("access-log-filters")
        filters.locator("#id_reference").fill(reference)
        filters.get_by_role("button", name="Zoeken", exact=True).click()
        expect(admin_page).to_have_url(re.compile(rf"reference={reference}"))
        rows = admin_page.get_by_test_id("access-log").locator("tbody tr")
        expect(rows).to_have_count(1)
        cells = rows.first.locator("td")
        expect(cells.nth(1)).to_have_text("Mohamed El Amrani")
        expect(cells.nth(3)).to_have_text(reference)
        expect(cells.nth(4)).to_have_text("Een collega helpen (met reden)")
        expect(cells.nth(5)).to_have_text(ACCESS_REASON)
    finally:
        context.close()


def test_queue_search_and_saved_filter(
    page: Page,
    live_server: LiveServer,
    den_helder: Place,
    caseworker: User,
    password: str,
) -> None:
    wanted = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        story="De woningcorporatie dreigt met ontruiming vanwege de huurachterstand.",
    )
    other = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        story="Sinds mijn man overleed zie ik bijna niemand meer.",
    )
    HelpRequest.objects.filter(pk__in=[wanted.pk, other.pk]).refresh_search_document()
    references = [wanted.reference, other.reference]

    log_in(page, caseworker, password)
    page.locator("#site-nav").get_by_role(
        "link", name="Werkvoorraad", exact=True
    ).click()
    rows = page.get_by_test_id("queue-rows").locator("tbody tr")
    expect(rows).to_have_count(2)

    filters = page.get_by_test_id("queue-filters")
    filters.locator("#id_q").fill("woningcorporatie")
    filters.get_by_role("button", name="Toon hulpvragen", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=woningcorporatie"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-reference", wanted.reference)

    save_form = page.get_by_test_id("save-filter")
    save_form.locator("#id_name").fill("Woonproblemen")
    save_form.get_by_role("button", name="Deze filters opslaan", exact=True).click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Het filter is opgeslagen."
    )
    saved = caseworker.saved_filters.get()
    assert saved.name == "Woonproblemen"
    assert "q=woningcorporatie" in saved.query
    expect(rows).to_have_count(1)

    page.get_by_test_id("queue-filters").get_by_role(
        "link", name="Filters wissen", exact=True
    ).click()
    expect(page.get_by_test_id("queue-filters").locator("#id_q")).to_have_value("")
    expect(rows).to_have_count(2)
    for reference in references:
        expect(rows.and_(page.locator(f"[data-reference={reference}]"))).to_have_count(
            1
        )

    page.get_by_test_id("saved-filters").get_by_role(
        "link", name="Woonproblemen", exact=True
    ).click()
    expect(page.get_by_test_id("queue-filters").locator("#id_q")).to_have_value(
        "woningcorporatie"
    )
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-reference", wanted.reference)

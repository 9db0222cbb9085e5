"""The neighbourhood network in real browsers: a caseworker refers a request to an
organisation and matches a volunteer; the partner and the volunteer accept; the case
and the resident's page show it; the match is completed with feedback."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import Referral, ReferralStatus
from citizens.tests.factories import HelpRequestFactory
from networks.models import Match, MatchStatus, Need, OrganisationKind
from networks.tests.factories import VolunteerFactory
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser

TASK = "Eén keer per week samen boodschappen doen bij de supermarkt."
QUESTION = "Graag een plek bij de buurtmaaltijd op donderdag."
FEEDBACK = "We doen elke dinsdag samen boodschappen; het gaat goed."


def _person(browser: Browser, live_server: LiveServer) -> tuple[BrowserContext, Page]:
    """Another person at another computer: a separate context with its own cookies."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_referral_and_volunteer_match_from_proposal_to_feedback(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    caseworker: User,
    partner: User,
    password: str,
) -> None:
    assert den_helder.organisation.kind == OrganisationKind.COMMUNITY_CENTRE
    help_request = HelpRequestFactory(
        in_progress=True,
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        share_with_volunteers=True,
        share_with_community_centre=True,
    )
    volunteer_user = UserFactory(
        full_name="Gerrit Boon",
        email="gerrit@example.test",
        municipality=den_helder.municipality,
    )
    VolunteerFactory(
        user=volunteer_user,
        neighbourhood=den_helder.neighbourhood,
        offers=[Need.SHOPPING, Need.COMPANY],
    )
    reference = help_request.reference
    case_url = f"{live_server.url}/casework/requests/{reference}/"
    flash = page.get_by_role("main").get_by_role("status")

    # The caseworker looks for help in the neighbourhood network.
    log_in(page, caseworker, password)
    page.goto(case_url)
    page.get_by_role("link", name="Vrijwilligers en organisaties zoeken").click()
    expect(page).to_have_url(re.compile(rf"/networks/cases/{reference}/$"))
    page.locator("#id_need").first.select_option(Need.SHOPPING)
    page.get_by_role("button", name="Suggesties tonen").click()
    suggestions = page.get_by_test_id("volunteer-suggestions")
    expect(suggestions).to_contain_text("Gerrit Boon")
    expect(suggestions).to_contain_text("helpt in deze buurt")

    propose = page.locator("form:has(textarea[name=task])")
    propose.locator("select[name=volunteer]").select_option(label="Gerrit Boon")
    propose.locator("select[name=need]").select_option(Need.SHOPPING)
    propose.locator("textarea[name=task]").fill(TASK)
    propose.get_by_role("button", name="Koppeling voorstellen").click()
    expect(flash).to_contain_text("De vrijwilliger is gevraagd.")
    expect(page.get_by_test_id("matches")).to_contain_text("Voorgesteld")

    referral_form = page.locator('form[action$="/referrals/"]')
    referral_form.locator("select[name=organisation]").select_option(
        label=den_helder.organisation.name
    )
    referral_form.locator("textarea[name=question]").fill(QUESTION)
    referral_form.get_by_role("button").click()
    expect(page).to_have_url(case_url)
    expect(page.get_by_test_id("referrals")).to_contain_text(
        den_helder.organisation.name
    )

    # The partner accepts the referral.
    partner_context, partner_page = _person(browser, live_server)
    log_in(partner_page, partner, password)
    expect(partner_page.get_by_test_id("open-referrals")).to_contain_text(QUESTION)
    partner_page.get_by_test_id("open-referrals").get_by_role("link").first.click()
    expect(partner_page.get_by_test_id("referral-need")).to_contain_text("Sanne")
    expect(partner_page.get_by_test_id("referral-need")).not_to_contain_text("de Vries")
    partner_page.get_by_label("Wij nemen het op ons").check()
    partner_page.get_by_role("button", name="Antwoord versturen").click()
    expect(partner_page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Uw antwoord is naar de consulent gestuurd."
    )
    partner_context.close()

    # The volunteer accepts, with the first appointment.
    volunteer_context, volunteer_page = _person(browser, live_server)
    log_in(volunteer_page, volunteer_user, password)
    volunteer_page.goto("/networks/volunteer/")
    open_matches = volunteer_page.get_by_test_id("open-matches")
    expect(open_matches).to_contain_text("Sanne")
    open_matches.get_by_role("link").first.click()
    task = volunteer_page.get_by_test_id("match-task")
    expect(task).to_contain_text(TASK)
    expect(task).not_to_contain_text("de Vries")
    volunteer_page.get_by_label("Ik doe het").check()
    appointment = timezone.localtime() + timedelta(days=2)
    volunteer_page.locator("input[name=appointment_at]").fill(
        appointment.strftime("%Y-%m-%dT10:00")
    )
    volunteer_page.get_by_role("button", name="Antwoord versturen").click()
    expect(volunteer_page.get_by_test_id("open-matches")).to_contain_text(
        "Geaccepteerd"
    )

    # The case shows both.
    page.goto(case_url)
    expect(page.get_by_test_id("case-matches")).to_contain_text("Gerrit Boon")
    expect(
        page.get_by_test_id("case-matches").locator("[data-state=accepted]")
    ).to_be_visible()
    expect(
        page.get_by_test_id("referrals").locator("[data-state=accepted]")
    ).to_be_visible()

    # The resident reads it in plain words.
    resident_context, resident_page = _person(browser, live_server)
    log_in(resident_page, resident, password)
    resident_page.goto(f"/my-requests/{reference}/")
    messages = resident_page.get_by_test_id("messages")
    expect(messages).to_contain_text(
        "Gerrit, een vrijwilliger uit de buurt, gaat u helpen"
    )
    expect(messages).to_contain_text(f"{den_helder.organisation.name} gaat u helpen")
    expect(messages).not_to_contain_text("Boon")

    # The help starts and is completed with feedback.
    volunteer_page.get_by_test_id("open-matches").get_by_role("link").first.click()
    volunteer_page.get_by_label("De hulp is begonnen").check()
    volunteer_page.get_by_role("button", name="Antwoord versturen").click()
    volunteer_page.get_by_test_id("open-matches").get_by_role("link").first.click()
    volunteer_page.get_by_label("De hulp is klaar").check()
    volunteer_page.get_by_role("button", name="Antwoord versturen").click()
    expect(volunteer_page.locator("#id_text_error")).to_be_visible()
    volunteer_page.get_by_label("Reden of verslag").fill(FEEDBACK)
    volunteer_page.get_by_label("De hulp is klaar").check()
    volunteer_page.get_by_role("button", name="Antwoord versturen").click()
    expect(volunteer_page.get_by_test_id("closed-matches")).to_be_visible()
    volunteer_context.close()

    page.goto(case_url)
    expect(page.get_by_test_id("case-matches")).to_contain_text(FEEDBACK)
    resident_page.reload()
    expect(resident_page.get_by_test_id("messages")).to_contain_text("is klaar")
    resident_context.close()

    match = Match.objects.get()
    assert match.status == MatchStatus.COMPLETED and match.feedback == FEEDBACK
    assert match.appointment_at is not None
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


def test_a_resident_finds_local_help_on_a_phone(
    phone_page: Page, den_helder: Place
) -> None:
    from networks.tests.factories import ServiceFactory

    ServiceFactory(
        organisation=den_helder.organisation,
        name="Inloop geldzaken",
        description="Loop binnen met uw post en rekeningen.",
        keywords="rekeningen, schulden, post",
        needs=[Need.MONEY],
    )
    phone_page.goto("/")
    phone_page.get_by_role("link", name="Wie kan mij helpen in de buurt?").click()
    phone_page.get_by_role("link", name="Den Helder").click()
    phone_page.get_by_label("Wie kan mij helpen met ...").fill("schulden")
    phone_page.get_by_role("button", name="Zoeken").click()
    results = phone_page.get_by_test_id("results")
    expect(results).to_contain_text("Inloop geldzaken")
    results.get_by_role("link", name="Inloop geldzaken").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Inloop geldzaken")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

"""Consent in real browsers: the resident agrees to share with the community centre
while asking for help; the caseworker refers the request to it; the partner sees
what the referral needs; the resident withdraws the consent on their request's page;
the partner's page no longer shows the details, a new referral is refused at the
field, and the functional admin's consent overview counts the withdrawal."""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from casework.models import Referral
from citizens.models import HelpRequest
from municipalities.models import PostcodeArea
from networks.models import OrganisationKind
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser

QUESTION = "Graag een plek bij de koffieochtend op woensdag."


def _person(browser: Browser, live_server: LiveServer) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _ask_for_help(page: Page) -> str:
    """The logged-in resident asks for help and agrees to share with the community
    centre only; returns the reference."""
    next_button = page.locator("button[name=next]").last
    page.goto("/help/")
    page.get_by_role("button", name="Beginnen", exact=True).click()
    page.get_by_role("radio", name="Ik", exact=True).check()
    next_button.click()
    expect(page).to_have_url(re.compile(r"/situation/$"))
    page.locator("input[name=life_events][value=loneliness]").check()
    page.locator("#id_story").fill("Sinds mijn man overleed zie ik bijna niemand.")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/household/$"))
    page.locator("#id_adults").fill("1")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/own-strength/$"))
    page.locator("#id_own_strength").fill("Ik doe zelf mijn boodschappen.")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/urgency/$"))
    next_button.click()
    expect(page).to_have_url(re.compile(r"/contact/$"))
    page.locator("#id_full_name").fill("Sanne de Vries")
    page.locator("#id_postcode").fill("1781 AB")
    page.locator("#id_house_number").fill("7")
    page.locator("input[name=contact_methods][value=email]").check()
    next_button.click()
    expect(page).to_have_url(re.compile(r"/consent/$"))
    expect(page.get_by_test_id("consent-period")).to_contain_text("365 dagen")
    page.locator("#id_privacy_accepted").check()
    page.get_by_label("Het buurthuis in mijn buurt mag mijn gegevens krijgen.").check()
    next_button.click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    page.get_by_role("button", name="Verstuur mijn hulpvraag", exact=True).click()
    expect(page).to_have_url(re.compile(r"/help/sent/HV-\d{4}-\d{6}/$"))
    return page.get_by_test_id("reference").inner_text()


def test_consent_given_used_withdrawn_and_counted(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    caseworker: User,
    partner: User,
    functional_admin: User,
    password: str,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CONSENT_VALID_DAYS = 365
    assert den_helder.organisation.kind == OrganisationKind.COMMUNITY_CENTRE
    PostcodeArea.objects.create(prefix="1781", neighbourhood=den_helder.neighbourhood)
    flash = page.get_by_role("main").get_by_role("status")

    # The resident asks for help and agrees to share with the community centre.
    log_in(page, resident, password)
    reference = _ask_for_help(page)
    help_request = HelpRequest.objects.get(reference=reference)
    assert [c.recipient for c in help_request.consents.all()] == ["community_centres"]

    # The caseworker sees the consent and refers the request to the community centre.
    worker_context, worker = _person(browser, live_server)
    log_in(worker, caseworker, password)
    worker.goto(f"/casework/requests/{reference}/")
    expect(worker.get_by_test_id("consents")).to_contain_text("Buurthuizen")
    referral_form = worker.locator('form[action$="/referrals/"]')
    referral_form.get_by_label("Organisatie", exact=True).select_option(
        label=den_helder.organisation.name
    )
    referral_form.get_by_label("Wat vraagt u de organisatie?").fill(QUESTION)
    referral_form.get_by_role("button", name="Verwijzing versturen").click()
    expect(worker.get_by_test_id("referrals")).to_contain_text(QUESTION)
    referral = Referral.objects.get(help_request=help_request)

    # The partner sees what the referral needs.
    partner_context, partner_page = _person(browser, live_server)
    log_in(partner_page, partner, password)
    partner_page.goto(f"/networks/partner/referrals/{referral.public_id}/")
    need = partner_page.get_by_test_id("referral-need")
    expect(need).to_contain_text("Sanne")
    expect(need).to_contain_text(QUESTION)

    # The resident withdraws the consent on their request's page.
    page.goto(f"/my-requests/{reference}/")
    consents = page.get_by_test_id("consents")
    expect(consents.locator('[data-state="valid"]')).to_have_count(1)
    consents.get_by_role(
        "button", name=re.compile("Deze toestemming intrekken")
    ).click()
    expect(flash).to_contain_text("Uw toestemming is ingetrokken")
    expect(consents.locator('[data-state="withdrawn"]')).to_have_count(1)
    expect(consents.get_by_role("button")).to_have_count(0)

    # The partner's page no longer shows the details, with a clear message.
    partner_page.reload()
    main = partner_page.get_by_role("main")
    expect(partner_page.get_by_test_id("no-consent")).to_contain_text(
        "toestemming van de inwoner"
    )
    expect(main).not_to_contain_text("Sanne")
    expect(main).not_to_contain_text(QUESTION)
    partner_page.goto("/networks/partner/")
    expect(partner_page.get_by_test_id("open-referrals")).not_to_contain_text(QUESTION)

    # A new referral is refused at the field.
    worker.reload()
    referral_form.get_by_label("Organisatie", exact=True).select_option(
        label=den_helder.organisation.name
    )
    referral_form.get_by_label("Wat vraagt u de organisatie?").fill("Nog eens?")
    referral_form.get_by_role("button", name="Verwijzing versturen").click()
    expect(referral_form.locator("#id_organisation_error")).to_contain_text(
        "geen geldige toestemming"
    )
    assert Referral.objects.filter(help_request=help_request).count() == 1

    # The functional admin's consent overview counts it as withdrawn.
    admin_context, admin = _person(browser, live_server)
    log_in(admin, functional_admin, password)
    admin.goto("/data-protection/")
    row = admin.get_by_test_id("consent-overview").locator(
        'tr[data-recipient="community_centres"]'
    )
    expect(row.locator('[data-count="withdrawn"]')).to_have_text("1")
    expect(row.locator('[data-count="valid"]')).to_have_text("0")
    for context in (worker_context, partner_context, admin_context):
        context.close()

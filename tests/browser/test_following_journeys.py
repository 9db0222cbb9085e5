"""Following a help request in a real browser: withdrawing it, scoring it, seeing who
looked at it, closing the account, and taking over a request a neighbour filed."""

import re
from email.header import decode_header, make_header
from email.message import Message

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from citizens.models import FileAccess, HelpRequest, Status, StatusChange
from citizens.privacy import what_is_kept
from citizens.tests.factories import HelpRequestFactory
from municipalities.models import PostcodeArea
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker

pytestmark = pytest.mark.browser

IN_REVIEW = "Iemand bekijkt uw hulpvraag"
LOGIN_REFUSED = (
    "Dit e-mailadres en wachtwoord komen niet overeen. "
    "Controleer beide en probeer het opnieuw."
)


def _open_from_menu(page: Page, name: str) -> None:
    """On a phone the navigation is folded away behind the menu button."""
    page.get_by_role("button", name="Menu tonen of verbergen").tap()
    page.locator("#site-nav").get_by_role("link", name=name, exact=True).tap()


def _text_part(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def _subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_resident_withdraws_an_open_request(
    phone_page: Page,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    password: str,
) -> None:
    help_request = HelpRequestFactory(
        in_review=True, resident=resident, neighbourhood=den_helder.neighbourhood
    )
    reference = help_request.reference
    detail_url = f"{live_server.url}/my-requests/{reference}/"
    page = phone_page
    log_in(page, resident, password)

    _open_from_menu(page, "Mijn hulpvragen")
    expect(page).to_have_url(f"{live_server.url}/my-requests/")
    page.get_by_test_id("requests").get_by_role("link", name=reference).tap()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_test_id("status")).to_contain_text(IN_REVIEW)
    expect(page.locator("#id_body")).to_be_visible()

    page.get_by_role("link", name="Deze hulpvraag intrekken", exact=True).tap()
    expect(page).to_have_url(f"{detail_url}withdraw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hulpvraag intrekken")
    expect(page.get_by_role("main")).to_contain_text(reference)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.IN_REVIEW

    page.get_by_role("button", name="Ja, trek mijn hulpvraag in", exact=True).tap()
    expect(page).to_have_url(detail_url)
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Uw hulpvraag is ingetrokken."
    )
    expect(page.get_by_test_id("status")).to_contain_text("Ingetrokken")
    expect(page.get_by_role("link", name="Deze hulpvraag intrekken")).to_have_count(0)
    expect(page.locator("#id_body")).to_have_count(0)
    expect(page.get_by_role("button", name="Verstuur bericht")).to_have_count(0)

    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert help_request.closed_at is not None
    change = StatusChange.objects.filter(help_request=help_request).last()
    assert change is not None
    assert (change.from_status, change.to_status, change.by) == (
        Status.IN_REVIEW,
        Status.WITHDRAWN,
        resident,
    )


def test_resident_scores_a_closed_request_and_asks_to_reopen_with_a_low_score(
    phone_page: Page,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    password: str,
) -> None:
    low = HelpRequestFactory(
        closed=True, resident=resident, neighbourhood=den_helder.neighbourhood
    )
    high = HelpRequestFactory(
        closed=True, resident=resident, neighbourhood=den_helder.neighbourhood
    )
    changes_before = StatusChange.objects.filter(help_request=high).count()
    page = phone_page
    log_in(page, resident, password)

    _open_from_menu(page, "Mijn hulpvragen")
    page.get_by_test_id("requests").get_by_role("link", name=low.reference).tap()
    expect(page).to_have_url(f"{live_server.url}/my-requests/{low.reference}/")
    expect(page.get_by_test_id("status")).to_contain_text("Afgesloten")
    score_form = page.locator('form[action$="/score/"]')
    score_form.get_by_role("radio", name="3", exact=True).check()
    score_form.locator("#id_comment").fill("Het duurde lang en de brief ligt er nog.")
    score_form.locator("#id_reopen").check()
    score_form.get_by_role("button", name="Verstuur mijn cijfer", exact=True).tap()

    expect(page).to_have_url(f"{live_server.url}/my-requests/{low.reference}/")
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(
        "Dank u wel voor uw cijfer."
    )
    expect(page.get_by_test_id("status")).to_contain_text(IN_REVIEW)
    expect(page.locator('form[action$="/score/"]')).to_have_count(0)
    expect(page.locator("input[name=score]")).to_have_count(0)
    low.refresh_from_db()
    assert low.status == Status.IN_REVIEW
    assert low.satisfaction_score == 3
    assert low.satisfaction_comment == "Het duurde lang en de brief ligt er nog."
    reopened = StatusChange.objects.filter(help_request=low).last()
    assert reopened is not None
    assert (reopened.from_status, reopened.to_status, reopened.by) == (
        Status.CLOSED,
        Status.IN_REVIEW,
        resident,
    )

    # A high score cannot reopen the request.
    _open_from_menu(page, "Mijn hulpvragen")
    page.get_by_test_id("requests").get_by_role("link", name=high.reference).tap()
    expect(page).to_have_url(f"{live_server.url}/my-requests/{high.reference}/")
    score_form = page.locator('form[action$="/score/"]')
    score_form.get_by_role("radio", name="9", exact=True).check()
    score_form.locator("#id_reopen").check()
    score_form.get_by_role("button", name="Verstuur mijn cijfer", exact=True).tap()

    reopen_error = page.locator("#id_reopen_error")
    expect(reopen_error).to_be_visible()
    expect(reopen_error).to_contain_text(
        "Vragen om nog een keer te kijken kan alleen bij een cijfer van 5 of lager."
    )
    expect(page.locator("#id_reopen")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_reopen_error\b")
    )
    expect(page.locator("#id_score_error")).to_have_count(0)
    expect(page.get_by_role("radio", name="9", exact=True)).to_be_checked()
    expect(page.get_by_test_id("status")).to_contain_text("Afgesloten")
    high.refresh_from_db()
    assert high.status == Status.CLOSED
    assert high.satisfaction_score is None
    assert StatusChange.objects.filter(help_request=high).count() == changes_before


def test_resident_sees_who_looked_at_the_request_by_role_and_purpose(
    phone_page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    caseworker: User,
    password: str,
) -> None:
    help_request = HelpRequestFactory(
        in_review=True, resident=resident, neighbourhood=den_helder.neighbourhood
    )
    reference = help_request.reference

    staff_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    try:
        staff = staff_context.new_page()
        staff.set_default_timeout(10_000)
        log_in(staff, caseworker, password)
        staff.goto(f"/casework/requests/{reference}/")
        expect(staff.get_by_role("main")).to_contain_text(reference)
    finally:
        staff_context.close()
    access = FileAccess.objects.get(help_request=help_request)
    with translation.override("nl"):
        looked_at = date_filter(timezone.localtime(access.at), "j F Y H:i")

    page = phone_page
    log_in(page, resident, password)
    _open_from_menu(page, "Mijn gegevens")
    expect(page).to_have_url(f"{live_server.url}/my-data/")

    accesses = page.get_by_test_id("accesses")
    expect(accesses.locator("thead th")).to_have_text(
        ["Datum", "Hulpvraag", "Rol", "Waarom"]
    )
    rows = accesses.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td")).to_have_text(
        [looked_at, reference, "Consulent", "Om de hulpvraag te behandelen"]
    )
    expect(accesses).not_to_contain_text("Mohamed")
    expect(accesses).not_to_contain_text("El Amrani")
    expect(accesses).not_to_contain_text(caseworker.email)


def test_resident_closes_the_account_and_is_told_what_is_kept(
    phone_page: Page,
    live_server: LiveServer,
    den_helder: Place,
    resident: User,
    password: str,
) -> None:
    help_request = HelpRequestFactory(
        in_review=True, resident=resident, neighbourhood=den_helder.neighbourhood
    )
    with translation.override("nl"):
        kept = [str(line) for line in what_is_kept()]
    kept_list = "h2:text-is('Wat we bewaren, en waarom') + ul > li"
    page = phone_page
    log_in(page, resident, password)

    _open_from_menu(page, "Mijn gegevens")
    expect(page).to_have_url(f"{live_server.url}/my-data/")
    page.get_by_role(
        "link", name="Mijn account sluiten en mijn gegevens verwijderen", exact=True
    ).tap()
    expect(page).to_have_url(f"{live_server.url}/my-data/erase/")
    expect(page.locator(kept_list)).to_have_text(kept)

    close_button = page.get_by_role("button", name="Mijn account sluiten", exact=True)
    close_button.tap()
    confirm_error = page.locator("#id_confirm_error")
    expect(confirm_error).to_be_visible()
    expect(confirm_error).to_have_text("Zet een vinkje om dit te bevestigen.")
    expect(page.locator("#id_confirm")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_confirm_error\b")
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Zet een vinkje om dit te bevestigen."
    )
    resident.refresh_from_db()
    assert resident.is_active

    page.get_by_label(
        "Ja, sluit mijn account en verwijder mijn gegevens.", exact=True
    ).check()
    close_button.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw account is gesloten")
    expect(page.get_by_role("main")).to_contain_text(
        "We hebben uw gegevens verwijderd. U bent uitgelogd."
    )
    expect(page.locator(kept_list)).to_have_text(kept)
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    page.goto("/my-data/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/my-data/")
    page.get_by_label("E-mailadres", exact=True).fill("sanne@example.test")
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).tap()
    expect(page.get_by_role("alert")).to_contain_text(LOGIN_REFUSED)
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    resident.refresh_from_db()
    assert not resident.is_active
    assert resident.email != "sanne@example.test"
    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert (help_request.resident, help_request.story) == (None, "")


@pytest.mark.worker
def test_neighbour_files_for_someone_else_who_accepts_the_invitation(
    celery_worker: Worker,
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    den_helder: Place,
    other_resident: User,
    password: str,
) -> None:
    PostcodeArea.objects.create(prefix="1781", neighbourhood=den_helder.neighbourhood)
    log_in(page, other_resident, password)
    navigation = page.locator("#site-nav")

    navigation.get_by_role("link", name="Hulp vragen", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/help/")
    page.get_by_role("button", name="Beginnen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/help/[0-9a-f-]{36}/for-whom/$"))
    page.get_by_role("radio", name="Iemand anders", exact=True).check()
    page.locator("#id_relationship").select_option("neighbour")
    page.locator("#id_subject_name").fill("Truus Bakker")
    page.locator("#id_subject_email").fill("truus@example.test")
    page.locator("#id_subject_consent").check()
    next_button = page.locator("button[name=next]").last
    next_button.click()

    expect(page).to_have_url(re.compile(r"/situation/$"))
    page.locator("input[name=life_events][value=loneliness]").check()
    page.locator("#id_story").fill("Mijn buurvrouw komt de deur bijna niet meer uit.")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/household/$"))
    page.locator("#id_adults").fill("1")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/own-strength/$"))
    page.locator("#id_own_strength").fill("Ze kan zichzelf nog goed verzorgen.")
    next_button.click()
    expect(page).to_have_url(re.compile(r"/urgency/$"))
    next_button.click()
    expect(page).to_have_url(re.compile(r"/contact/$"))
    page.locator("#id_full_name").fill("Jeroen Mulder")
    page.locator("#id_postcode").fill("1781 AB")
    page.locator("#id_house_number").fill("14")
    page.locator("input[name=contact_methods][value=email]").check()
    next_button.click()
    expect(page).to_have_url(re.compile(r"/consent/$"))
    page.locator("#id_privacy_accepted").check()
    next_button.click()

    expect(page).to_have_url(re.compile(r"/help/[0-9a-f-]{36}/review/$"))
    expect(page.get_by_role("main")).to_contain_text("Truus Bakker")
    page.get_by_role("button", name="Verstuur mijn hulpvraag", exact=True).click()
    expect(page).to_have_url(re.compile(r"/help/sent/HV-\d{4}-\d{6}/$"))
    reference = page.get_by_test_id("reference").inner_text()
    help_request = HelpRequest.objects.get(reference=reference)
    assert help_request.filed_by == other_resident
    assert help_request.resident is None
    assert help_request.relationship == "neighbour"
    assert help_request.subject_consent

    messages = celery_worker.wait_for_emails(2)
    by_recipient = {message["To"]: message for message in messages}
    assert set(by_recipient) == {other_resident.email, "truus@example.test"}
    invitation = by_recipient["truus@example.test"]
    assert _subject(invitation) == "Iemand heeft hulp voor u gevraagd"
    text = _text_part(invitation)
    assert reference in text
    assert "Jeroen Mulder" in text
    link = re.search(r"https?://\S+?(/help/invitation/\S+/)", text)
    assert link is not None

    subject_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    try:
        subject_page = subject_context.new_page()
        subject_page.set_default_timeout(10_000)
        subject_page.goto(link.group(1))
        expect(subject_page).to_have_url(f"{live_server.url}/my-requests/{reference}/")
        expect(subject_page.get_by_test_id("current-user")).to_contain_text(
            "Truus Bakker"
        )
        expect(subject_page.get_by_role("heading", level=1)).to_contain_text(reference)
        subject_page.locator("#site-nav").get_by_role(
            "link", name="Mijn hulpvragen", exact=True
        ).click()
        expect(subject_page).to_have_url(f"{live_server.url}/my-requests/")
        expect(
            subject_page.get_by_test_id("requests").get_by_role("link", name=reference)
        ).to_be_visible()
    finally:
        subject_context.close()
    subject = User.objects.get(email="truus@example.test")
    assert subject.role == Role.RESIDENT
    help_request.refresh_from_db()
    assert help_request.resident == subject
    assert help_request.filed_by == other_resident

    navigation.get_by_role("link", name="Mijn hulpvragen", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/my-requests/")
    expect(
        page.get_by_test_id("requests").get_by_role("link", name=reference)
    ).to_be_visible()

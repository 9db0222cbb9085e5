import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.browser.helpers import ROLES, enter_code, log_in
from tests.fixtures.personas import HOME_PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_from_the_landing_page_and_out_again(
    role: str,
    page: Page,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    password: str,
) -> None:
    user: User = request.getfixturevalue(role)
    header = page.get_by_role("banner")

    page.goto("/")
    header.get_by_role("link", name="Inloggen", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mailadres", exact=True).fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    if user.is_portal_staff:
        # Staff: the code of their authenticator app next.
        expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
        enter_code(page, user)

    expect(page).to_have_url(f"{live_server.url}{HOME_PAGES[role]}")
    expect(header).to_contain_text(user.full_name)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.get_by_role("button", name="Uitloggen", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(header.get_by_role("link", name="Inloggen", exact=True)).to_be_visible()
    expect(header).not_to_contain_text(user.full_name)
    page.goto(HOME_PAGES[role])
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next={HOME_PAGES[role]}"
    )


def test_wrong_password_shows_the_dutch_message_and_keeps_the_email_address(
    page: Page, resident: User
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres", exact=True).fill(resident.email)
    page.get_by_label("Wachtwoord", exact=True).fill("not my password")
    page.get_by_role("button", name="Inloggen", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Dit e-mailadres en wachtwoord komen niet overeen. "
        "Controleer beide en probeer het opnieuw."
    )
    expect(page.get_by_label("E-mailadres", exact=True)).to_have_value(resident.email)
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def _assert_skip_link_is_focused_and_visible(page: Page) -> None:
    skip_link = page.get_by_role("link", name="Direct naar de inhoud")
    # Focus has moved by the time the key press returns: no need to wait for it.
    assert skip_link.evaluate("link => link === document.activeElement")
    box = skip_link.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"]


def test_keyboard_user_logs_in_on_the_login_page_through_the_skip_link(
    page: Page, live_server: LiveServer, resident: User, password: str
) -> None:
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")
    _assert_skip_link_is_focused_and_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres", exact=True)).to_be_focused()
    page.keyboard.type(resident.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")

    # The skip link's #main stays in the address bar; the page is the resident's home.
    expect(page).to_have_url(re.compile(rf"^{live_server.url}/resident/(#main)?$"))
    expect(page.get_by_test_id("current-user")).to_contain_text(resident.full_name)


def test_keyboard_user_logs_in_from_the_landing_page_through_the_skip_link(
    page: Page, live_server: LiveServer, resident: User, password: str
) -> None:
    page.goto("/")

    page.keyboard.press("Tab")
    _assert_skip_link_is_focused_and_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").locator("a[href='/help/']")).to_be_focused()
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("main").get_by_role(
            "link", name="Wie kan mij helpen in de buurt?"
        )
    ).to_be_focused()
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("main").get_by_role("link", name="Inloggen")
    ).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    _assert_skip_link_is_focused_and_visible(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mailadres", exact=True)).to_be_focused()
    page.keyboard.type(resident.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")

    # The skip link's #main stays in the address bar; the page is the resident's home.
    expect(page).to_have_url(re.compile(rf"^{live_server.url}/resident/(#main)?$"))
    expect(page.get_by_test_id("current-user")).to_contain_text(resident.full_name)


def _choose_english(page: Page) -> None:
    page.get_by_label("Taal", exact=True).select_option(label="English")
    page.get_by_role("button", name="Taal wijzigen", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_resident_switches_to_english_and_keeps_it_after_logging_in_again(
    page: Page, live_server: LiveServer, resident: User, password: str
) -> None:
    log_in(page, resident, password)

    _choose_english(page)

    expect(page).to_have_url(f"{live_server.url}/resident/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sanne")
    resident.refresh_from_db()
    assert resident.language == "en"

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_in(page, resident, password, language="en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sanne")


def test_resident_sees_the_stored_language_after_logging_in_on_another_browser(
    page: Page, resident: User, password: str
) -> None:
    log_in(page, resident, password)
    _choose_english(page)
    page.get_by_role("button", name="Log out", exact=True).click()

    page.context.clear_cookies()
    log_in(page, resident, password)

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sanne")

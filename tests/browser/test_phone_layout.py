import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import ROLES, log_in
from tests.fixtures.personas import HOME_PAGES

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360

NAVIGATION_LABELS = {
    "resident": "Mijn pagina",
    "caseworker": "Mijn werk",
    "team_lead": "Mijn team",
    "partner": "Mijn organisatie",
    "pilot_owner": "Pilots",
    "alderman": "Overzicht",
    "regional_manager": "Regio-overzicht",
    "functional_admin": "Beheer",
}


@pytest.fixture(autouse=True)
def reduced_motion(phone_page: Page) -> None:
    # Bootstrap then opens the menu at once instead of animating it for 350 ms.
    phone_page.emulate_media(reduced_motion="reduce")


def assert_no_horizontal_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, (
        f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"
    )


def open_collapsed_menu(page: Page) -> None:
    toggler = page.get_by_role("button", name="Menu tonen of verbergen")
    menu = page.locator("#site-nav")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()

    toggler.tap()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap swaps "collapsing" for "show" once the opening animation ends.
    expect(menu).to_have_class(re.compile(r"\bshow\b"))


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_public_page_fits_a_phone_and_opens_its_menu_with_the_toggler(
    path: str, phone_page: Page
) -> None:
    phone_page.goto(path)
    assert_no_horizontal_scrolling(phone_page)

    open_collapsed_menu(phone_page)

    header = phone_page.get_by_role("banner")
    expect(header.get_by_role("link", name="Inloggen", exact=True)).to_be_visible()
    expect(header.get_by_label("Taal", exact=True)).to_be_visible()
    assert_no_horizontal_scrolling(phone_page)


@pytest.mark.parametrize("role", ROLES)
def test_home_page_fits_a_phone_and_opens_its_menu_with_the_toggler(
    role: str, phone_page: Page, request: pytest.FixtureRequest, password: str
) -> None:
    user: User = request.getfixturevalue(role)
    log_in(phone_page, user, password)
    assert phone_page.url.endswith(HOME_PAGES[role])
    assert_no_horizontal_scrolling(phone_page)

    open_collapsed_menu(phone_page)

    header = phone_page.get_by_role("banner")
    expect(
        header.get_by_role("link", name=NAVIGATION_LABELS[role], exact=True)
    ).to_be_visible()
    expect(header.get_by_role("button", name="Uitloggen", exact=True)).to_be_visible()
    assert_no_horizontal_scrolling(phone_page)


def test_body_text_is_at_least_16_pixels_on_a_phone(phone_page: Page) -> None:
    for path in ["/", "/accounts/login/"]:
        phone_page.goto(path)
        size = phone_page.evaluate(
            "parseFloat(getComputedStyle(document.body).fontSize)"
        )
        assert size >= 16, f"{path}: body text is {size}px"

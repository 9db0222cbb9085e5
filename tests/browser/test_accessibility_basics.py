from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.models import User
from tests.browser.helpers import ROLES, log_in

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/password-reset/"]

PAGE_FACTS_JS = """() => {
  const hasText = (el) => !!el && el.textContent.trim() !== "";
  const labelledBy = (el) => (el.getAttribute("aria-labelledby") || "")
    .split(/\\s+/).filter(Boolean).some((id) => hasText(document.getElementById(id)));
  const named = (el) => (el.getAttribute("aria-label") || "").trim() !== ""
    || labelledBy(el);
  const controls = [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden");
  return {
    lang: document.documentElement.getAttribute("lang"),
    title: document.title.trim(),
    h1: document.querySelectorAll("h1").length,
    mains: [...document.querySelectorAll("main")].map((el) => el.id),
    headers: document.querySelectorAll("body > header").length,
    footers: document.querySelectorAll("body > footer").length,
    unlabelledControls: controls
      .filter((el) => ![...el.labels].some(hasText) && !named(el))
      .map((el) => el.outerHTML),
    unnamedButtons: [...document.querySelectorAll("button")]
      .filter((el) => !hasText(el) && !named(el))
      .map((el) => el.outerHTML),
    imagesWithoutAlt: [...document.querySelectorAll("img:not([alt])")]
      .map((el) => el.outerHTML),
  };
}"""


def assert_accessibility_basics(page: Page) -> None:
    facts: dict[str, Any] = page.evaluate(PAGE_FACTS_JS)
    where = page.url
    assert facts["lang"] == "nl", where
    assert facts["title"], where
    assert facts["h1"] == 1, f"{where} has {facts['h1']} h1 headings"
    assert facts["mains"] == ["main"], where
    assert facts["headers"] == 1, where
    assert facts["footers"] == 1, where
    assert facts["unlabelledControls"] == [], where
    assert facts["unnamedButtons"] == [], where
    assert facts["imagesWithoutAlt"] == [], where


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_landmarks_one_heading_and_labelled_controls(
    path: str, page: Page
) -> None:
    page.goto(path)

    assert_accessibility_basics(page)


@pytest.mark.parametrize("role", ROLES)
def test_home_page_has_landmarks_one_heading_and_labelled_controls(
    role: str, page: Page, request: pytest.FixtureRequest, password: str
) -> None:
    log_in(page, request.getfixturevalue(role), password)

    assert_accessibility_basics(page)


FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    element: el.outerHTML.slice(0, 120),
    isBody: el === document.body,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def tab_through_page(page: Page) -> list[dict[str, Any]]:
    """Every stop of the Tab key from the top of the page until focus leaves it."""
    stops = []
    for _ in range(50):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused["isBody"]:
            break
        stops.append(focused)
    return stops


def test_keyboard_focus_is_visible_on_every_link_and_button_of_a_public_page(
    page: Page,
) -> None:
    page.goto("/")

    stops = tab_through_page(page)

    assert len(stops) >= 4, stops
    assert [stop for stop in stops if not (stop["outline"] or stop["shadow"])] == []


def test_keyboard_focus_is_visible_on_every_link_and_button_when_logged_in(
    page: Page, resident: User, password: str
) -> None:
    log_in(page, resident, password)

    stops = tab_through_page(page)

    assert len(stops) >= 6, stops
    assert [stop for stop in stops if not (stop["outline"] or stop["shadow"])] == []


def watch_for_errors(page: Page) -> list[str]:
    """Collect console errors, uncaught exceptions and CSP violations from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        source = message.location.get("url", "")
        if message.type == "error":
            problems.append(f"{page.url}: {message.text} ({source})")

    def on_csp_violation(report: str) -> None:
        problems.append(report)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.expose_function("reportCspViolation", on_csp_violation)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " window.reportCspViolation(`CSP ${event.violatedDirective}:"
        " ${event.blockedURI} on ${event.documentURI}`));"
    )
    return problems


def test_pages_log_no_console_errors_or_csp_violations(
    page: Page, request: pytest.FixtureRequest, password: str
) -> None:
    problems = watch_for_errors(page)

    for path in PUBLIC_PAGES:
        page.goto(path)
    for role in ROLES:
        log_in(page, request.getfixturevalue(role), password)
        page.get_by_role("button", name="Uitloggen", exact=True).click()
        expect(
            page.get_by_role("banner").get_by_role("link", name="Inloggen")
        ).to_be_visible()

    assert problems == []


def test_browser_finds_the_site_icon(page: Page) -> None:
    page.goto("/")

    icon = page.locator("link[rel~=icon]")
    href = icon.get_attribute("href") if icon.count() else "/favicon.ico"
    assert page.request.get(href or "").ok

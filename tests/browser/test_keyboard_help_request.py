"""A resident asks for help with the keyboard only: every step of the form, through
to the sent page, with Tab, Shift+Tab, Space, Enter, the arrow keys and typing (no
click, no fill). Every element that gets the focus shows it (an outline or a box
shadow). Once more on a 360 x 740 phone: no sideways scrolling on any step, and every
target in the form at least 24 x 24 px (WCAG 2.5.8)."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from citizens.models import HelpRequest, Status
from municipalities.models import PostcodeArea
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
NEXT = "button.btn-primary[name=next]"
STORY = "Ik ben mijn baan kwijt en de rekeningen stapelen zich op."

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

# Targets of main that are smaller than 24 x 24 px. A checkbox or radio button counts
# with its label (a press on the label ticks it); links inside running text are
# exempt (WCAG 2.5.8 "inline"); visually hidden helpers are no targets.
SMALL_TARGETS_JS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const small = [];
  for (const el of document.querySelectorAll(
      "main a[href], main button, main input, main select, main textarea")) {
    const own = box(el);
    if (el.type === "hidden" || el.closest(".visually-hidden")
        || own.width <= 1 || own.height <= 1 || !el.checkVisibility()) continue;
    if (el.tagName === "A" && getComputedStyle(el).display === "inline") continue;
    let {width, height} = own;
    if ((el.type === "checkbox" || el.type === "radio") && el.labels.length) {
      const label = box(el.labels[0]);
      width = Math.max(own.right, label.right) - Math.min(own.left, label.left);
      height = Math.max(own.bottom, label.bottom) - Math.min(own.top, label.top);
    }
    if (width < 24 || height < 24) {
      small.push(`${el.outerHTML.slice(0, 80)}: ${width.toFixed(0)}x${height.toFixed(0)}`);
    }
  }
  return small;
}"""


class Keyboard:
    """Moves through a page with Tab and Shift+Tab, noting every focus stop."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unseen_focus: list[str] = []
        self.stops = 0

    def _focused(self) -> dict[str, Any]:
        focused: dict[str, Any] = self.page.evaluate(FOCUSED_JS)
        if not focused["isBody"]:
            self.stops += 1
            if not (focused["outline"] or focused["shadow"]):
                self.unseen_focus.append(f"{self.page.url}: {focused['element']}")
        return focused

    def to(self, selector: str, *, back: bool = False, limit: int = 80) -> None:
        """Press Tab (or Shift+Tab) until the element of `selector` has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            self._focused()
            if self.page.evaluate(
                "selector => document.activeElement?.matches(selector) ?? false",
                selector,
            ):
                return
        raise AssertionError(f"{selector} never got the focus on {self.page.url}")

    def type_into(self, selector: str, text: str) -> None:
        self.to(selector)
        self.page.keyboard.press("ControlOrMeta+A")
        self.page.keyboard.type(text)

    def press_next(self) -> None:
        self.to(NEXT)
        self.page.keyboard.press("Enter")


def _ask_for_help_by_keyboard(
    page: Page, live_server: LiveServer, check_step: Callable[[Page], None]
) -> str:
    """All steps of the form, from the start page to the sent page; `check_step` looks
    at every page on the way. Returns the reference of the sent request."""
    keys = Keyboard(page)
    page.goto("/help/")
    check_step(page)
    keys.to("main form[method=post] button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step(live_server, "for-whom"))
    check_step(page)
    keys.to("input[name=for_whom]")
    # An arrow key moves through the radio buttons and chooses the one it lands on.
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=for_whom][value=someone_else]")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(page.locator("input[name=for_whom][value=myself]")).to_be_checked()
    keys.press_next()

    expect(page).to_have_url(_step(live_server, "situation"))
    check_step(page)
    keys.to("input[name=life_events][value=job_loss]")
    page.keyboard.press("Space")
    keys.to("#id_story")
    page.keyboard.type(STORY)
    # Back up to a box passed over on the way down.
    keys.to("input[name=life_events][value=money_worries]", back=True)
    page.keyboard.press("Space")
    keys.press_next()

    expect(page).to_have_url(_step(live_server, "household"))
    check_step(page)
    keys.type_into("#id_adults", "1")
    keys.type_into("#id_children_ages", "6, 11")
    # Enter in a text field sends the step forward (the first button is "Next").
    page.keyboard.press("Enter")

    expect(page).to_have_url(_step(live_server, "own-strength"))
    check_step(page)
    keys.type_into("#id_own_strength", "Ik kan goed plannen als ik overzicht heb.")
    keys.type_into("#id_network_help", "Mijn moeder kijkt mee naar de post.")
    keys.press_next()

    expect(page).to_have_url(_step(live_server, "urgency"))
    check_step(page)
    keys.press_next()

    expect(page).to_have_url(_step(live_server, "contact"))
    check_step(page)
    keys.type_into("#id_full_name", "Sanne de Vries")
    keys.type_into("#id_postcode", "1781 AB")
    keys.type_into("#id_house_number", "7")
    keys.to("input[name=contact_methods][value=email]")
    page.keyboard.press("Space")
    keys.press_next()

    expect(page).to_have_url(_step(live_server, "consent"))
    check_step(page)
    keys.to("#id_privacy_accepted")
    page.keyboard.press("Space")
    keys.press_next()

    expect(page).to_have_url(_review(live_server))
    check_step(page)
    expect(page.get_by_role("main")).to_contain_text(STORY)
    keys.to("form[action$='/send/'] button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(_sent(live_server))
    check_step(page)
    assert keys.stops > 20, f"only {keys.stops} focus stops"
    assert keys.unseen_focus == [], "focus not visible on:\n" + "\n".join(
        keys.unseen_focus
    )
    return page.get_by_test_id("reference").inner_text()


def _step(live_server: LiveServer, slug: str) -> re.Pattern[str]:
    return _pattern(live_server, rf"/help/[0-9a-f-]{{36}}/{slug}/")


def _review(live_server: LiveServer) -> re.Pattern[str]:
    return _pattern(live_server, r"/help/[0-9a-f-]{36}/review/")


def _sent(live_server: LiveServer) -> re.Pattern[str]:
    return _pattern(live_server, r"/help/sent/HV-\d{4}-\d{6}/")


def _pattern(live_server: LiveServer, path: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(live_server.url) + path + "$")


def _assert_sent(reference: str, resident: User) -> None:
    help_request = HelpRequest.objects.get(reference=reference)
    assert help_request.resident == resident
    assert help_request.status == Status.RECEIVED
    assert sorted(help_request.life_events) == ["job_loss", "money_worries"]
    assert help_request.story.replace("\r\n", "\n") == STORY
    assert (help_request.adults, help_request.children_ages) == (1, [6, 11])
    assert help_request.urgent_situations == []
    assert (help_request.postcode, help_request.house_number) == ("1781 AB", "7")
    assert help_request.contact_methods == ["email"]


@pytest.fixture
def postcode(den_helder: Place) -> None:
    PostcodeArea.objects.create(prefix="1781", neighbourhood=den_helder.neighbourhood)


def test_resident_sends_a_help_request_with_the_keyboard_only(
    page: Page, live_server: LiveServer, resident: User, password: str, postcode: None
) -> None:
    log_in(page, resident, password)

    reference = _ask_for_help_by_keyboard(page, live_server, lambda page: None)

    _assert_sent(reference, resident)


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_resident_sends_a_help_request_with_the_keyboard_on_a_phone(
    phone: Page, live_server: LiveServer, resident: User, password: str, postcode: None
) -> None:
    problems: list[str] = []

    def check_step(page: Page) -> None:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{page.url} scrolls sideways: {width}px wide")
        problems.extend(
            f"{page.url}: {small}" for small in page.evaluate(SMALL_TARGETS_JS)
        )

    log_in(phone, resident, password)
    reference = _ask_for_help_by_keyboard(phone, live_server, check_step)

    assert problems == [], "\n".join(problems)
    _assert_sent(reference, resident)


def test_the_checks_catch_a_small_target_and_a_hidden_focus(page: Page) -> None:
    page.goto("/help/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const tiny = document.createElement('button');
            tiny.textContent = 'x';
            tiny.id = 'tiny';
            tiny.style.cssText = 'width: 12px; height: 12px; padding: 0; font-size: 8px';
            const plain = document.createElement('a');
            plain.href = '#';
            plain.id = 'plain';
            plain.textContent = 'Geen focusrand';
            plain.style.display = 'block';
            // Stronger than the portal's own focus ring (which is !important).
            plain.style.setProperty('outline', 'none', 'important');
            plain.style.setProperty('box-shadow', 'none', 'important');
            main.append(tiny, plain);
        }"""
    )
    keys = Keyboard(page)

    keys.to("#plain")

    assert any("tiny" in small for small in page.evaluate(SMALL_TARGETS_JS))
    assert any("plain" in unseen for unseen in keys.unseen_focus)

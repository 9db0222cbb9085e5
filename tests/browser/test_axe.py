"""axe-core (vendored from npm) on every page of every role: no serious or critical
WCAG 2.1 A/AA violations."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from accounts.demo import DEMO_PASSWORD
from citizens.models import HelpRequest, Status

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
).read_text()
DOMAIN = "den-helder.buurtkracht.test"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("seed_demo")


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    # axe is injected as an inline script, which the portal's CSP rightly forbids.
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True
    )
    yield context
    context.close()


def _violations(page: Page, path: str) -> list[str]:
    page.goto(path)
    page.add_script_tag(content=AXE)
    return _axe(page, path)


def _axe(page: Page, path: str) -> list[str]:
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        f"{path}: {violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_public_pages_and_every_step_of_asking_for_help(
    demo: None, context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    problems: list[str] = []
    for path in [
        "/",
        "/accounts/login/",
        "/accounts/password-reset/",
        "/privacy/",
        "/help/",
    ]:
        problems += _violations(page, path)
    page.goto("/help/")
    page.locator("main form button[type=submit]").first.click()
    draft_path = page.url.removeprefix(live_server.url).rsplit("/", 2)[0]
    for slug in [
        "for-whom",
        "situation",
        "household",
        "own-strength",
        "urgency",
        "contact",
        "consent",
        "review",
    ]:
        problems += _violations(page, f"{draft_path}/{slug}/")
    # A step with its error messages showing.
    page.goto(f"{draft_path}/household/")
    page.fill("#id_adults", "0")
    page.locator("button.btn-primary[name=next]").click()
    page.add_script_tag(content=AXE)
    problems += _axe(page, "household step with errors")

    assert problems == []


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        (
            "inwoner",
            [
                "/resident/",
                "/my-requests/",
                "/my-data/",
                "/my-data/erase/",
                "/accounts/password/",
            ],
        ),
        ("consulent", ["/casework/"]),
        ("teamleider", ["/casework/"]),
        ("partner", ["/networks/partner/"]),
        ("pilothouder", ["/pilots/"]),
        ("wethouder", ["/dashboard/"]),
        (
            "beheerder",
            ["/accounts/administration/", "/accounts/administration/accounts/"],
        ),
    ],
)
def test_role_pages(
    role: str, paths: list[str], demo: None, context: BrowserContext
) -> None:
    page = context.new_page()
    _log_in(page, f"{role}@{DOMAIN}")
    requests = HelpRequest.objects.filter(municipality__slug="den-helder")
    if role == "inwoner":
        paths = paths + [
            f"/my-requests/{request.reference}/"
            for request in requests.filter(
                status__in=[Status.RECEIVED, Status.APPOINTMENT_PLANNED, Status.CLOSED]
            )[:3]
        ]
    if role in ("consulent", "teamleider"):
        paths = paths + [f"/casework/requests/{requests.first().reference}/"]
    if role == "beheerder":
        page.goto("/accounts/administration/accounts/")
        paths = paths + [
            page.locator("[data-testid=accounts] a").first.get_attribute("href")
        ]

    problems = [problem for path in paths for problem in _violations(page, path)]

    assert problems == []


def test_the_check_catches_a_real_violation(
    demo: None, context: BrowserContext
) -> None:
    page = context.new_page()
    page.goto("/")
    page.evaluate(
        """() => {
            const p = document.createElement('p');
            p.textContent = 'Lichtgrijze tekst';
            p.style.color = '#dddddd';
            document.querySelector('main').appendChild(p);
            const input = document.createElement('input');
            document.querySelector('main').appendChild(input);
        }"""
    )
    page.add_script_tag(content=AXE)

    problems = _axe(page, "/ with planted problems")

    assert any("color-contrast" in problem for problem in problems)
    assert any("label" in problem for problem in problems)

"""axe-core on every pilots page (demo data), for each role that sees it: no serious
or critical WCAG 2.1 A/AA violations; and the public pages fit a 360 px phone."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from pilots.models import Idea, LibraryEntry, Participant, Phase, Pilot
from pilots.services import measurement_plan
from tests.browser.test_axe import AXE, DOMAIN, _axe, _log_in, _violations

pytestmark = pytest.mark.browser


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


def _pilot() -> Pilot:
    return Pilot.objects.get(
        municipality__slug="den-helder", title="Basketbalclinics voor jongeren"
    )


def test_pilot_owner_pages(demo: None, context: BrowserContext) -> None:
    pilot = _pilot()
    stopped = Pilot.objects.get(municipality__slug="den-helder", phase=Phase.STOPPED)
    participant = Participant.objects.filter(pilot=pilot).first()
    idea = Idea.objects.filter(municipality__slug="den-helder").first()
    entry = LibraryEntry.objects.filter(pilot__municipality__slug="lelystad").first()
    page = context.new_page()
    _log_in(page, f"pilothouder@{DOMAIN}")
    paths = [
        "/pilots/",
        "/pilots/new/",
        f"/pilots/new/?idea={idea.public_id}",
        pilot.get_absolute_url(),
        f"{pilot.get_absolute_url()}edit/",
        stopped.get_absolute_url(),
        f"{pilot.get_absolute_url()}participants/{participant.public_id}/",
        f"{pilot.get_absolute_url()}participants/{participant.public_id}/?instrument=zrm",
        "/pilots/library/",
        "/pilots/library/?q=geld",
        f"/pilots/library/{entry.public_id}/",
        f"/pilots/ideas/{idea.public_id}/",
    ]

    problems = [problem for path in paths for problem in _violations(page, path)]
    # A form with its error messages showing.
    page.goto(pilot.get_absolute_url())
    page.locator("form[data-form=journal] button[type=submit]").click()
    page.add_script_tag(content=AXE)
    problems += _axe(page, "journal form with errors")

    assert problems == []


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("wethouder", ["/pilots/register/"]),
        ("beheerder", ["/pilots/register/"]),
        ("consulent", ["/pilots/enrol/", "/pilots/library/"]),
        ("inwoner", ["/pilots/mine/", "/pilots/neighbourhoods/"]),
        ("partner", ["/pilots/neighbourhoods/"]),
    ],
)
def test_other_roles_pilot_pages(
    role: str, paths: list[str], demo: None, context: BrowserContext
) -> None:
    pilot = _pilot()
    neighbourhood = pilot.neighbourhoods.first()
    page = context.new_page()
    _log_in(page, f"{role}@{DOMAIN}")
    if role in ("wethouder", "beheerder"):
        paths = paths + [pilot.get_absolute_url()]
    if role in ("inwoner", "partner"):
        idea = Idea.objects.filter(neighbourhood=neighbourhood).first()
        paths = paths + [
            f"/pilots/neighbourhoods/{neighbourhood.cbs_code}/",
            f"/pilots/neighbourhoods/{neighbourhood.cbs_code}/ideas/new/",
        ]
        if idea:
            paths.append(f"/pilots/ideas/{idea.public_id}/")

    problems = [problem for path in paths for problem in _violations(page, path)]

    assert problems == []


def test_public_pages_and_the_residents_measurement_link(
    demo: None, context: BrowserContext, live_server: LiveServer
) -> None:
    pilot = _pilot()
    neighbourhood = pilot.neighbourhoods.first()
    participant = Participant.objects.filter(pilot=pilot, left_on__isnull=True).first()
    _measurement, token = measurement_plan(
        participant=participant,
        instrument="zrm",
        moment="follow_up",
        due_on=pilot.ends_on,
    )
    page = context.new_page()
    paths = [
        "/pilots/neighbourhoods/",
        f"/pilots/neighbourhoods/{neighbourhood.cbs_code}/",
        f"/pilots/measure/{token}/",
        "/pilots/measure/not-a-token/",
    ]

    problems = [problem for path in paths for problem in _violations(page, path)]

    assert problems == []


def test_pilot_pages_fit_a_phone(
    demo: None, browser: Browser, live_server: LiveServer
) -> None:
    pilot = _pilot()
    neighbourhood = pilot.neighbourhoods.first()
    phone = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    too_wide = []
    for path in [f"/pilots/neighbourhoods/{neighbourhood.cbs_code}/"]:
        page.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            too_wide.append(path)
    _log_in(page, f"pilothouder@{DOMAIN}")
    for path in ["/pilots/", pilot.get_absolute_url(), "/pilots/library/"]:
        page.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            too_wide.append(path)
    phone.close()

    assert too_wide == []

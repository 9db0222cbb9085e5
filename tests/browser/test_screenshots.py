"""Screenshots of the main page of every role, on the demo data, kept as test
artefacts: a full-page PNG on a desktop (1280 px) and on a phone (360 px) per role, in
$ARTEFACTS_DIR/screenshots/ (default: test-artefacts/screenshots/ in the repository;
.ci/run leaves them there and prints where they are)."""

import os
import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from municipalities.demo import DEMO_REGION
from tests.browser.axe_pages import PERSONAS
from tests.browser.helpers import log_in
from tests.test_access_policy import ROLES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Smaller than this, a screenshot of a whole page is an empty or broken one.
SMALLEST_PNG = 10_000


SHOT = [
    "resident",
    "volunteer",
    "caseworker",
    "team_lead",
    "partner",
    "pilot_owner",
    "alderman",
    "regional_manager",
    "functional_admin",
]


def screenshot_folder() -> Path:
    folder = Path(os.environ.get("ARTEFACTS_DIR") or ROOT / "test-artefacts")
    return folder / "screenshots"


def _main_pages(users: dict[str, User]) -> dict[str, tuple[str, str]]:
    """Per persona: the path of the main page and the heading it shows."""
    municipality = users["alderman"].municipality.name
    return {
        "resident": ("/resident/", f"Hallo {users['resident'].get_short_name()}"),
        # There is no volunteer role: a resident who volunteers has this page too.
        "volunteer": ("/networks/volunteer/", "Mijn vrijwilligerswerk"),
        "caseworker": ("/casework/", users["caseworker"].team.name),
        "team_lead": ("/casework/", users["team_lead"].team.name),
        "partner": ("/networks/partner/", users["partner"].organisation.name),
        "pilot_owner": ("/pilots/", f"Pilots in {municipality}"),
        "alderman": ("/dashboard/", f"{municipality} in één oogopslag"),
        "regional_manager": ("/dashboard/", f"{DEMO_REGION[0]} in één oogopslag"),
        "functional_admin": ("/accounts/administration/", f"Beheer van {municipality}"),
    }


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's header (its IHDR chunk comes first)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is no PNG"
    assert data[12:16] == b"IHDR", f"{path} has no PNG header chunk"
    return struct.unpack(">II", data[16:24])


def _wait_for_reflow(page: Page) -> None:
    """Until the page is no wider than its new viewport. The dashboard's charts
    (Chart.js canvases, 972 px wide on the desktop) follow a resize a moment later,
    from a ResizeObserver; a screenshot taken before that, on a busy machine, was
    972 px wide on the phone. A page that stays too wide fails here."""
    page.wait_for_function(
        "() => document.documentElement.scrollWidth <= window.innerWidth",
        timeout=10_000,
    )


def _shoot(page: Page, path: Path) -> None:
    page.screenshot(path=path, full_page=True, animations="disabled")


def test_main_page_of_every_role_on_a_desktop_and_a_phone(
    transactional_db: None, browser: Browser, live_server: LiveServer
) -> None:
    call_command("seed_demo")
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    users = {name: PERSONAS[name].user() for name in SHOT}
    pages = _main_pages(users)
    # Every role of the portal has its main page photographed.
    assert {PERSONAS[name].role for name in pages} == set(ROLES)

    made: list[Path] = []
    for name, (path, heading) in pages.items():
        # One browser context per role: log in once, resize for the phone.
        context = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            viewport=dict(zip(("width", "height"), VIEWPORTS["desktop"], strict=True)),
        )
        try:
            page = context.new_page()
            page.emulate_media(reduced_motion="reduce")
            log_in(page, users[name], DEMO_PASSWORD)
            page.goto(path)
            for viewport, (width, height) in VIEWPORTS.items():
                page.set_viewport_size({"width": width, "height": height})
                expect(page.get_by_role("heading", level=1)).to_have_text(heading)
                _wait_for_reflow(page)
                file = folder / f"{name}-{viewport}.png"
                file.unlink(missing_ok=True)
                _shoot(page, file)
                made.append(file)
        finally:
            context.close()

    for file in made:
        assert file.stat().st_size > SMALLEST_PNG, f"{file} is nearly empty"
        width, height = _png_size(file)
        viewport = file.stem.rsplit("-", 1)[1]
        assert width == VIEWPORTS[viewport][0], f"{file} is {width}px wide"
        assert height >= VIEWPORTS[viewport][1], f"{file} is not the full page"

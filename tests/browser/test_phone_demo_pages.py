"""The demo's fuller pages on a 360 px phone: no sideways scrolling (the pilots of a
neighbourhood, the pilot owner's pages, the alderman's dashboard)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from accounts.demo import DEMO_PASSWORD
from pilots.models import Pilot
from tests.browser.axe_pages import PERSONAS
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_demo_pages_fit_a_phone(
    transactional_db: None, browser: Browser, live_server: LiveServer
) -> None:
    call_command("seed_demo")
    pilot = Pilot.objects.get(
        municipality__slug="den-helder", title="Basketbalclinics voor jongeren"
    )
    neighbourhood = pilot.neighbourhoods.first()
    pages = {
        None: [f"/pilots/neighbourhoods/{neighbourhood.cbs_code}/"],
        "pilot_owner": ["/pilots/", pilot.get_absolute_url(), "/pilots/library/"],
        "alderman": ["/dashboard/"],
    }
    too_wide = []
    for persona, paths in pages.items():
        phone = browser.new_context(
            base_url=live_server.url,
            locale="nl-NL",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        page = phone.new_page()
        if persona:
            log_in(page, PERSONAS[persona].user(), DEMO_PASSWORD)
        for path in paths:
            page.goto(path)
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.append(f"{path}: {width}px")
        phone.close()

    assert too_wide == []

"""The stored-XSS corpus in a real browser, with the Content-Security-Policy bypassed
so that only escaping stands between a payload and execution: no dialog ever opens,
and the payload is on the page as visible text."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from accounts.tests.factories import PASSWORD
from socialdomain.tests.xss_corpus import SCRIPT, pages, plant_corpus
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser


def test_no_payload_executes_on_any_page(
    transactional_db: None,
    den_helder: Place,
    everyone: dict[str, User],
    browser: Browser,
    live_server: LiveServer,
) -> None:
    poisoned = plant_corpus(
        den_helder,
        resident=everyone["resident"],
        caseworker=everyone["caseworker"],
        partner=everyone["partner"],
        pilot_owner=everyone["pilot_owner"],
        functional_admin=everyone["functional_admin"],
    )
    by_persona: dict[str, list[str]] = defaultdict(list)
    for persona, path in pages(poisoned, den_helder.municipality.slug):
        by_persona[persona].append(path)

    dialogs: list[str] = []
    seen_as_text: list[str] = []
    for persona, paths in by_persona.items():
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(10_000)

        def on_dialog(dialog: Any, persona: str = persona, page: Any = page) -> None:
            dialogs.append(f"{persona} {page.url}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        if persona != "anonymous":
            page.goto("/accounts/login/")
            page.fill("#id_username", everyone[persona].email)
            page.fill("#id_password", PASSWORD)
            page.locator("main button[type=submit]").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for path in paths:
            page.goto(path)
            page.wait_for_load_state("load")
            if page.get_by_text(SCRIPT, exact=False).count():
                seen_as_text.append(path)
        context.close()

    assert dialogs == []
    # The control: the payloads did reach the pages, as text.
    assert f"/my-requests/{poisoned.help_request.reference}/" in seen_as_text
    assert f"/casework/requests/{poisoned.help_request.reference}/" in seen_as_text


def test_the_dialog_listener_catches_an_executed_payload(browser: Browser) -> None:
    # The control: an unescaped payload does open a dialog that the listener sees.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    caught: list[str] = []
    page.on("dialog", lambda dialog: (caught.append(dialog.message), dialog.dismiss()))
    page.set_content(f"<p>{SCRIPT}</p>")
    context.close()
    assert caught == ["xss-script"]

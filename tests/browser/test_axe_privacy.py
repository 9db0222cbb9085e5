"""axe-core on the data-protection page (demo data, with a legal hold and a purge
run on it), also with the hold form's errors showing: no serious or critical WCAG 2.1
A/AA violations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from citizens.models import HelpRequest
from privacy import services
from privacy.models import DeletionRecord, PurgeRun, RecordKind, Rule
from tests.browser.test_axe import AXE, DOMAIN, _axe, _log_in, _violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("seed_demo")
    admin = User.objects.get(email=f"beheerder@{DOMAIN}")
    assert admin.role == Role.FUNCTIONAL_ADMIN
    help_request = HelpRequest.objects.filter(
        municipality_id=admin.municipality_id
    ).first()
    services.legal_hold_set(
        help_request=help_request,
        by=admin,
        reason="Beroep bij de rechtbank loopt nog",
        until=timezone.localdate() + dt.timedelta(days=180),
    )
    run = PurgeRun.objects.create(finished_at=timezone.now())
    DeletionRecord.objects.create(
        run=run,
        municipality_id=admin.municipality_id,
        rule=Rule.OTHER,
        kind=RecordKind.HELP_REQUEST,
        count=12,
    )


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    # axe is injected as an inline script, which the portal's CSP rightly forbids.
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True
    )
    yield context
    context.close()


def test_the_data_protection_page(demo: None, context: BrowserContext) -> None:
    page = context.new_page()
    _log_in(page, f"beheerder@{DOMAIN}")
    problems = _violations(page, "/data-protection/")
    assert page.locator("[data-testid=holds] li").count() == 1
    assert page.locator("[data-testid=purge-counts]").count() == 1

    # The hold form sent empty: its errors, linked to the fields.
    page.locator("[data-testid=hold-form] button[type=submit]").click()
    page.wait_for_selector("#form-errors")
    page.add_script_tag(content=AXE)
    problems += _axe(page, "hold form with errors")

    # The lift form sent without a reason.
    page.goto("/data-protection/")
    page.locator("[data-testid=holds] form button[type=submit]").click()
    page.wait_for_selector("#id_lift_reason_error")
    page.add_script_tag(content=AXE)
    problems += _axe(page, "lift form with errors")

    assert problems == []

"""axe-core on the notification pages (centre, settings, operations, the follow-up
questionnaire with its errors): no serious or critical WCAG 2.1 A/AA violations."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from citizens.models import HelpRequest, Status
from citizens.reminders import follow_up_token
from tests.browser.test_axe import AXE, _axe, _log_in, _violations

pytestmark = pytest.mark.browser
DOMAIN = "den-helder.buurtkracht.test"


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    # axe is injected as an inline script, which the portal's CSP rightly forbids.
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", bypass_csp=True
    )
    yield context
    context.close()


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("seed_demo")


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("consulent", ["/notifications/", "/notifications/settings/"]),
        ("teamleider", ["/notifications/"]),
        ("partner", ["/notifications/", "/notifications/settings/"]),
        ("inwoner", ["/notifications/settings/"]),
        ("beheerder", ["/notifications/operations/"]),
    ],
)
def test_notification_pages_have_no_serious_violations(
    demo: None, context: BrowserContext, role: str, paths: list[str]
) -> None:
    page = context.new_page()
    _log_in(page, f"{role}@{DOMAIN}")
    problems: list[str] = []
    for path in paths:
        problems += _violations(page, path)
    assert problems == []


def test_the_follow_up_questionnaire_has_no_serious_violations(
    demo: None, context: BrowserContext
) -> None:
    closed = HelpRequest.objects.filter(
        status=Status.CLOSED, closed_at__isnull=False
    ).first()
    token = follow_up_token(
        request_id=str(closed.public_id), closed_at=closed.closed_at.isoformat()
    )
    page = context.new_page()
    problems = _violations(page, f"/follow-up/{token}/")
    page.locator("main button[type=submit]").click()
    page.add_script_tag(content=AXE)
    problems += _axe(page, "follow-up with errors")
    assert problems == []

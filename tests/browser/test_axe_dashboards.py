"""axe-core on the dashboard pages of the demo (WCAG 2.1 A/AA): the board, after an
htmx filter, with a chart's table open, and the report builder; of the alderman and
of the regional manager."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page

from dashboards.models import MonthlySummary
from municipalities.models import Neighbourhood
from tests.browser.test_axe import (  # noqa: F401
    DOMAIN,
    _axe,
    _log_in,
    _violations,
    context,
    demo,
)

pytestmark = pytest.mark.browser


def test_dashboard_pages(demo: None, context: BrowserContext) -> None:  # noqa: F811
    assert MonthlySummary.objects.filter(requests__gt=0).exists()
    page = context.new_page()
    _log_in(page, f"wethouder@{DOMAIN}")
    visbuurt = Neighbourhood.objects.get(
        name="Visbuurt", district__municipality__slug="den-helder"
    )

    problems = _violations(page, "/dashboard/")
    page.get_by_label("Buurt", exact=True).select_option(str(visbuurt.pk))
    page.wait_for_url(re.compile(f"neighbourhood={visbuurt.pk}"))
    page.get_by_test_id("chart-months").locator("summary").click()
    problems += _axe(page, "/dashboard/ (after filtering, table open)")
    problems += _violations(page, "/dashboard/?domain=debt&start=2025-06&end=2026-05")
    problems += _violations(page, "/dashboard/reports/")
    problems += _violations(page, "/dashboard/?start=2026-13")

    assert problems == []


def test_regional_dashboard_pages(demo: None, context: BrowserContext) -> None:  # noqa: F811
    from accounts.demo import regional_manager_email
    from municipalities.models import Municipality

    page = context.new_page()
    _log_in(page, regional_manager_email())
    lelystad = Municipality.objects.get(slug="lelystad")

    problems = _violations(page, "/dashboard/")
    page.get_by_label("Gemeente", exact=True).select_option(str(lelystad.pk))
    page.wait_for_url(re.compile(f"municipality={lelystad.pk}"))
    page.get_by_test_id("chart-months").locator("summary").click()
    problems += _axe(page, "/dashboard/ (one municipality, table open)")
    problems += _violations(page, "/dashboard/reports/")
    problems += _violations(page, "/dashboard/?municipality=999999")

    assert problems == []


def test_dashboard_on_a_phone_has_no_sideways_scrolling(
    demo: None,  # noqa: F811
    phone_page: Page,
) -> None:
    page = phone_page
    _log_in(page, f"wethouder@{DOMAIN}")
    page.goto("/dashboard/")

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow <= 0

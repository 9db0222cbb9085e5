"""A regional manager's journey: log in, see the region's figures, narrow them to one
municipality without reloading the page (htmx), open a chart's table, and find
nothing of a municipality outside the region."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from dashboards.generator import Generator, places
from dashboards.refresh import refresh
from municipalities.tests.factories import NeighbourhoodFactory
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(den_helder: Place, hollands_kroon: Place, lelystad: Place) -> None:
    for place in (den_helder, hollands_kroon):
        NeighbourhoodFactory(district=place.district, population=3000)
    Generator(
        seed=5,
        places=places(
            [
                den_helder.municipality.pk,
                hollands_kroon.municipality.pk,
                lelystad.municipality.pk,
            ]
        ),
        now=timezone.now(),
    ).run(1500)
    refresh(full=True)


def _headline(page: Page) -> str:
    return (
        page.get_by_test_id("headline-requests").locator(".figure-value").inner_text()
    )


def test_regional_manager_sees_the_region_and_narrows_to_one_municipality(
    page: Page,
    regional_manager: User,
    password: str,
    hollands_kroon: Place,
    figures: None,
) -> None:
    log_in(page, regional_manager, password)

    expect(page).to_have_url(re.compile("/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noordkop")
    expect(page.get_by_test_id("board-place")).to_contain_text(
        "Cijfers van de hele regio Noordkop"
    )
    neighbourhoods = page.get_by_test_id("chart-neighbourhoods")
    expect(neighbourhoods.get_by_test_id("table-neighbourhoods")).to_contain_text(
        "Breezand"
    )
    expect(neighbourhoods.get_by_test_id("table-neighbourhoods")).to_contain_text(
        "Visbuurt"
    )
    assert page.evaluate("() => !!Chart.getChart('chart-months')")
    region = _headline(page)
    municipality = page.get_by_label("Gemeente", exact=True)
    expect(municipality.locator("option")).to_have_count(3)
    expect(page.locator("body")).not_to_contain_text("Lelystad")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    municipality.select_option(label="Hollands Kroon")

    expect(page).to_have_url(
        re.compile(f"municipality={hollands_kroon.municipality.pk}")
    )
    expect(page.get_by_test_id("board-place")).to_contain_text(
        "Cijfers van Hollands Kroon"
    )
    expect(page.get_by_test_id("headline-requests")).not_to_contain_text(region)
    assert page.evaluate("() => window.stillTheSamePage === true"), "full reload"
    assert page.evaluate("() => !!Chart.getChart('chart-months')")
    # The neighbourhood filter now offers only Hollands Kroon's neighbourhoods.
    buurt = page.get_by_label("Buurt", exact=True)
    expect(buurt.locator("option", has_text="Breezand")).to_have_count(1)
    expect(buurt.locator("option", has_text="Visbuurt")).to_have_count(0)

    months = page.get_by_test_id("chart-months")
    months.get_by_text("Toon de cijfers als tabel").click()
    table = months.get_by_test_id("table-months")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(13)  # 12 months and the total
    expect(table.locator("thead")).to_contain_text("Maand")
    neighbourhoods = page.get_by_test_id("table-neighbourhoods")
    expect(neighbourhoods).not_to_contain_text("Visbuurt")
    expect(neighbourhoods).to_contain_text("Breezand")

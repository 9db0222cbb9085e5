"""An alderman's journey: filter the dashboard without reloading the page, read a
chart's table, download its CSV, build a report and download it when the progress
bar completes (a real Celery worker builds it)."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from dashboards.generator import Generator, places
from dashboards.refresh import refresh
from municipalities.tests.factories import NeighbourhoodFactory
from tests.browser.helpers import log_in
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker

pytestmark = [pytest.mark.browser, pytest.mark.worker]


@pytest.fixture
def figures(den_helder: Place) -> None:
    for n in range(2):
        NeighbourhoodFactory(district=den_helder.district, population=3000 + n)
    Generator(
        seed=3, places=places([den_helder.municipality.pk]), now=timezone.now()
    ).run(1500)
    refresh(full=True)


def _headline(page: Page) -> str:
    return (
        page.get_by_test_id("headline-requests").locator(".figure-value").inner_text()
    )


def test_alderman_filters_reads_downloads_and_builds_a_report(
    page: Page,
    celery_worker: Worker,
    alderman: User,
    password: str,
    den_helder: Place,
    figures: None,
    tmp_path: Path,
) -> None:
    log_in(page, alderman, password)
    page.goto("/dashboard/")
    expect(page.get_by_test_id("chart-months")).to_be_visible()
    assert page.evaluate("() => !!Chart.getChart('chart-months')")
    whole = _headline(page)
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.get_by_label("Buurt", exact=True).select_option(label="Visbuurt")

    expect(page).to_have_url(re.compile(f"neighbourhood={den_helder.neighbourhood.pk}"))
    expect(page.get_by_test_id("headline-requests")).not_to_contain_text(whole)
    assert page.evaluate("() => window.stillTheSamePage === true"), "full reload"
    # The charts are drawn on htmx:afterSettle, a moment after the figures swap in.
    page.wait_for_function("() => !!Chart.getChart('chart-months')", timeout=5000)

    months = page.get_by_test_id("chart-months")
    months.get_by_text("Toon de cijfers als tabel").click()
    table = months.get_by_test_id("table-months")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(13)  # 12 months and the total
    expect(table.locator("thead")).to_contain_text("Maand")

    with page.expect_download() as download:
        months.get_by_role("link", name="Download als CSV").click()
    csv_file = tmp_path / "months.csv"
    download.value.save_as(csv_file)
    text = csv_file.read_text(encoding="utf-8-sig")
    assert "Hulpvragen per maand" in text and "Totaal" in text

    page.get_by_role(
        "link", name="Rapportages: maak een rapportage in PDF of Excel"
    ).click()
    page.get_by_label("Vanaf maand").fill("2026-01")
    page.get_by_label("Tot en met maand").fill("2026-06")
    page.get_by_role("button", name="Maak de rapportage").click()

    row = page.get_by_test_id("report-row").first
    expect(row.get_by_test_id("download-pdf")).to_be_visible(timeout=30_000)
    expect(row).to_contain_text("Klaar")
    with page.expect_download() as pdf:
        row.get_by_test_id("download-pdf").click()
    pdf_file = tmp_path / "report.pdf"
    pdf.value.save_as(pdf_file)
    assert pdf_file.read_bytes().startswith(b"%PDF")
    with page.expect_download() as xlsx:
        row.get_by_test_id("download-xlsx").click()
    xlsx_file = tmp_path / "report.xlsx"
    xlsx.value.save_as(xlsx_file)
    assert xlsx_file.read_bytes().startswith(b"PK")

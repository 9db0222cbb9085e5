"""Reports of a regional manager: of the whole region or of one municipality of it,
never of a municipality outside it; the monthly report covers the region."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from dashboards import reports as report_files
from dashboards.models import Report, ReportStatus, Section
from dashboards.monthly import monthly_report_email, monthly_reports_create
from dashboards.refresh import refresh
from dashboards.tasks import build_report
from municipalities.models import Municipality
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db

MARKER = "ZZ-LELYSTAD-MARKER"


@pytest.fixture
def figures(
    den_helder: Place,
    hollands_kroon: Place,
    lelystad: Place,
    region: object,
    settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    for place in (den_helder, hollands_kroon, lelystad):
        for _ in range(6):
            HelpRequestFactory(
                neighbourhood=place.neighbourhood,
                submitted_at=timezone.now() - dt.timedelta(days=3),
                history=False,
            )
    lelystad.neighbourhood.name = f"{MARKER} Atol"
    lelystad.neighbourhood.save()
    refresh(full=True)


def _form(**changes: object) -> dict[str, object]:
    month = timezone.localdate().replace(day=1)
    data: dict[str, object] = {
        "start": f"{month:%Y-%m}",
        "end": f"{month:%Y-%m}",
        "sections": [s for s, _label in Section.choices if s != Section.PILOTS],
    }
    data.update(changes)
    return data


def _sheets(report: Report) -> str:
    with zipfile.ZipFile(report_files.report_path(report.xlsx_name)) as book:
        return "".join(
            book.read(name).decode()
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
        )


def test_a_regional_manager_builds_a_report_of_the_whole_region(
    regional_manager: User, figures: None
) -> None:
    client = client_for(regional_manager)

    response = client.post("/dashboard/reports/", _form())

    assert response.status_code == 302
    report = Report.objects.get(owner=regional_manager)
    assert report.region == regional_manager.region
    build_report.run(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    sheets = _sheets(report)
    assert "Noordkop" in sheets
    assert "Visbuurt" in sheets and "Breezand" in sheets
    assert MARKER not in sheets
    listing = client.get("/dashboard/reports/").content.decode()
    assert 'data-testid="report-area">Noordkop<' in listing
    download = client.get(f"/dashboard/reports/{report.public_id}/pdf/")
    assert "buurtkracht-noordkop-" in download["Content-Disposition"]


def test_a_regional_manager_builds_a_report_of_one_municipality(
    regional_manager: User, hollands_kroon: Place, figures: None
) -> None:
    client_for(regional_manager).post(
        "/dashboard/reports/", _form(municipality=hollands_kroon.municipality.pk)
    )

    report = Report.objects.get(owner=regional_manager)
    assert report.region is None
    assert report.municipality == hollands_kroon.municipality
    build_report.run(report.pk)
    report.refresh_from_db()
    sheets = _sheets(report)
    assert "Breezand" in sheets and "Visbuurt" not in sheets


def test_a_municipality_outside_the_region_is_refused_at_the_field(
    regional_manager: User, lelystad: Place, figures: None
) -> None:
    response = client_for(regional_manager).post(
        "/dashboard/reports/", _form(municipality=lelystad.municipality.pk)
    )

    assert response.status_code == 400
    assert 'id="id_municipality_error"' in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("where", ["lelystad", "other_municipality_of_the_region"])
def test_a_neighbourhood_outside_the_choice_is_refused_at_the_field(
    where: str,
    regional_manager: User,
    den_helder: Place,
    hollands_kroon: Place,
    lelystad: Place,
    figures: None,
) -> None:
    nbh = (
        lelystad.neighbourhood if where == "lelystad" else hollands_kroon.neighbourhood
    )

    response = client_for(regional_manager).post(
        "/dashboard/reports/",
        _form(municipality=den_helder.municipality.pk, neighbourhoods=[nbh.pk]),
    )

    assert response.status_code == 400
    assert 'id="id_neighbourhoods_error"' in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_of_a_municipality_that_left_the_region_is_not_built(
    regional_manager: User, hollands_kroon: Place, figures: None
) -> None:
    client_for(regional_manager).post(
        "/dashboard/reports/", _form(municipality=hollands_kroon.municipality.pk)
    )
    report = Report.objects.get(owner=regional_manager)
    Municipality.objects.filter(pk=hollands_kroon.municipality.pk).update(region=None)

    build_report.run(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.xlsx_name


def test_the_monthly_report_of_a_regional_manager_covers_the_region(
    regional_manager: User, alderman: User, figures: None, mailoutbox: list
) -> None:
    assert monthly_reports_create(today=dt.date(2026, 11, 5)) == 2

    report = Report.objects.get(owner=regional_manager)
    assert report.region == regional_manager.region
    assert Report.objects.get(owner=alderman).region is None
    build_report.run(report.pk)
    assert monthly_report_email(report.pk)
    assert "Noordkop" in mailoutbox[-1].subject


def test_the_report_list_of_a_regional_manager_runs_a_fixed_number_of_queries(
    regional_manager: User, den_helder: Place, hollands_kroon: Place
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(regional_manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/reports/").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for index in range(n):
            Report.objects.create(
                owner=regional_manager,
                municipality=(den_helder, hollands_kroon)[index % 2].municipality,
                region=regional_manager.region if index % 3 else None,
                start=dt.date(2026, 1, 1),
                end=dt.date(2026, 3, 1),
                sections=[Section.REQUESTS],
            )

    add(1)
    client.get("/dashboard/reports/")
    one = count()
    add(5)

    assert count() == one <= 8

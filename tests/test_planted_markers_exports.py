"""Exports carry nothing of another municipality or another resident, while each
shows what it should of its own: the dashboard CSVs and the report builder's PDF and
XLSX (built by the real task, run eagerly), the pseudonymised research export, the
access-log search and the resident's own data export.

Each test plants the markers of `tests/test_planted_markers.py` and an OWN marker in
Den Helder objects the role may see, and asserts the own marker IS in the export (so
the check can fail) and the others' are not."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from casework.models import Domain, Triage
from citizens.models import AccessPurpose, FileAccess, HelpRequest
from citizens.tests.factories import HelpRequestFactory
from dashboards.models import Report, ReportStatus, Section
from dashboards.refresh import refresh
from dashboards.research import pseudonym
from dashboards.tasks import build_report
from municipalities.tests.factories import NeighbourhoodFactory
from pilots.models import Phase
from pilots.tests.factories import PilotFactory
from tests.fixtures.personas import Place, client_for
from tests.test_planted_markers import (
    MUNICIPALITY_MARKER,
    RESIDENT_MARKER,
    plant_markers,
    text_of,
)

OWN_MARKER = "ZQXOWNMARKER"
CSV_HREF = re.compile(r'href="(/dashboard/data/[\w-]+\.csv[^"]*)"')


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


def _found(body: bytes, *markers: str) -> list[str]:
    text = text_of(body)
    return [marker for marker in markers if marker.split()[0].encode() in text]


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response) if response.streaming else response.content


def _requests_in(place: Place, neighbourhood, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        request = HelpRequestFactory(
            neighbourhood=neighbourhood, team=place.team, history=False
        )
        Triage.objects.create(help_request=request, domains=[Domain.WMO])


def _figures_with_names(everyone: dict[str, User], den_helder: Place, lelystad: Place):  # type: ignore[no-untyped-def]
    """Lelystad and Den Helder each get a neighbourhood and a running pilot whose
    names carry a marker, with enough requests to be shown."""
    plant_markers(everyone, den_helder, lelystad)
    theirs = NeighbourhoodFactory(
        district=lelystad.district, name=f"{MUNICIPALITY_MARKER} Wijk"
    )
    ours = NeighbourhoodFactory(district=den_helder.district, name=f"{OWN_MARKER} Wijk")
    _requests_in(lelystad, theirs, 12)
    _requests_in(den_helder, ours, 12)
    for place, marker in ((lelystad, MUNICIPALITY_MARKER), (den_helder, OWN_MARKER)):
        pilot = PilotFactory(
            municipality=place.municipality,
            title=f"{marker} Buurtpilot",
            phase=Phase.RUNNING,
        )
        pilot.neighbourhoods.add(place.neighbourhood)
    refresh(full=True)


def _period() -> dict[str, str]:
    today = timezone.localdate()
    return {"start": f"{today.year - 1}-{today:%m}", "end": f"{today:%Y-%m}"}


def test_dashboard_csvs_show_own_neighbourhoods_and_no_other_municipality(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    _figures_with_names(everyone, den_helder, lelystad)
    client = client_for(everyone["alderman"])
    page = client.get("/dashboard/", _period())
    assert page.status_code == 200
    links = sorted({html.unescape(href) for href in CSV_HREF.findall(page.text)})
    assert len(links) >= 5

    found: dict[str, list[str]] = {}
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        found[link] = _found(_body(response), MUNICIPALITY_MARKER, RESIDENT_MARKER)
        found[link] += _found(_body(response), OWN_MARKER)

    assert not any(
        MUNICIPALITY_MARKER in markers or RESIDENT_MARKER in markers
        for markers in found.values()
    ), found
    # The own neighbourhood is listed: the check reads the real rows.
    assert any(OWN_MARKER in markers for markers in found.values()), found


def test_report_files_show_own_figures_and_no_other_municipality(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    _figures_with_names(everyone, den_helder, lelystad)
    alderman = everyone["alderman"]
    client = client_for(alderman)

    response = client.post(
        "/dashboard/reports/", {**_period(), "sections": list(Section.values)}
    )
    assert response.status_code == 302
    report = Report.objects.get(owner=alderman)
    # The task the worker runs, run here in the test's transaction.
    build_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.READY

    for kind in ("pdf", "xlsx"):
        download = client.get(f"/dashboard/reports/{report.public_id}/{kind}/")
        assert download.status_code == 200
        body = _body(download)
        assert _found(body, MUNICIPALITY_MARKER, RESIDENT_MARKER) == [], kind
        assert _found(body, OWN_MARKER) == [OWN_MARKER], kind


def test_the_research_export_holds_no_row_of_another_municipality(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    refresh(full=True)
    admin = everyone["functional_admin"]

    response = client_for(admin).post(
        "/dashboard/research-export/",
        {
            **_period(),
            "purpose": "Evaluatie van de buurtaanpak, grondslag publieke taak.",
        },
    )

    assert response.status_code == 200
    text = _body(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    exported = {row["request_pseudonym"] for row in rows}
    theirs = HelpRequest.objects.filter(municipality=lelystad.municipality)
    ours = HelpRequest.objects.filter(municipality=den_helder.municipality)
    assert theirs.exists() and ours.exists()
    assert exported == {
        pseudonym("request", pk) for pk in ours.values_list("pk", flat=True)
    }
    assert not exported & {pseudonym("request", r.pk) for r in theirs}
    assert lelystad.neighbourhood.cbs_code not in text
    assert _found(text.encode(), MUNICIPALITY_MARKER, RESIDENT_MARKER) == []
    # The page that lists earlier exports shows Den Helder's only.
    page = client_for(admin).get("/dashboard/research-export/")
    assert _found(page.content, MUNICIPALITY_MARKER) == []


def test_the_access_log_search_finds_own_looks_and_nothing_of_lelystad(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    own = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood, team=den_helder.team
    )
    FileAccess.objects.create(
        help_request=own,
        user=everyone["caseworker"],
        role=everyone["caseworker"].role,
        purpose=AccessPurpose.OUTSIDE_CASELOAD,
        reason=f"{OWN_MARKER} reden",
    )
    theirs = FileAccess.objects.get(reason__startswith=MUNICIPALITY_MARKER)
    client = client_for(everyone["functional_admin"])
    today = f"{timezone.localdate():%Y-%m-%d}"
    searches = [
        {},
        {"reference": theirs.help_request.reference},
        {"reference": own.reference},
        {"purpose": AccessPurpose.OUTSIDE_CASELOAD},
        {"date_from": today, "date_to": today},
        {"staff": str(theirs.user.public_id)},
    ]

    seen = []
    for search in searches:
        response = client.get("/accounts/administration/access-log/", search)
        assert response.status_code in (200, 400), search
        assert _found(response.content, MUNICIPALITY_MARKER) == [], search
        seen += _found(response.content, OWN_MARKER)

    assert seen  # the own look is found: the search reads the real log


def test_the_residents_data_export_holds_their_own_data_only(
    everyone: dict[str, User], den_helder: Place, lelystad: Place
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    HelpRequestFactory(
        resident=everyone["resident"],
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        story=f"{OWN_MARKER} eigen verhaal",
    )

    response = client_for(everyone["resident"]).get("/my-data/export.json")

    assert response.status_code == 200
    body = _body(response)
    assert _found(body, MUNICIPALITY_MARKER, RESIDENT_MARKER) == []
    assert _found(body, OWN_MARKER) == [OWN_MARKER]

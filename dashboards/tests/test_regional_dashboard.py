"""The regional manager's dashboard: the figures of every municipality of the region
together or of one of them, suppressed over the region so that nothing small can be
worked out by subtracting one view from another; nothing of other municipalities;
never a person or a case."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from citizens.models import Outcome, Status
from citizens.tests.factories import HelpRequestFactory
from dashboards.privacy import HIDDEN, SMALL
from dashboards.refresh import refresh
from municipalities.tests.factories import NeighbourhoodFactory
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db

MARKER = "ZZ-LELYSTAD-MARKER"


def _requests(neighbourhood: object, n: int, **kwargs: object) -> list:
    return [
        HelpRequestFactory(
            neighbourhood=neighbourhood,
            submitted_at=timezone.now() - dt.timedelta(days=3),
            history=False,
            **kwargs,
        )
        for _ in range(n)
    ]


@pytest.fixture
def data(
    den_helder: Place, hollands_kroon: Place, lelystad: Place, region: object
) -> dict[str, Place]:
    """Den Helder 17 requests (6 closed close to home), Hollands Kroon 9, Lelystad
    11 (outside the region, with a marked neighbourhood)."""
    _requests(den_helder.neighbourhood, 15)
    _requests(den_helder.other_district.neighbourhoods.first(), 2)
    for request in den_helder.neighbourhood.help_requests.all()[:6]:
        request.status = Status.CLOSED
        request.closed_at = timezone.now()
        request.outcome = Outcome.OWN_NETWORK
        request.save()
    _requests(hollands_kroon.neighbourhood, 9)
    marked = NeighbourhoodFactory(district=lelystad.district, name=f"{MARKER} buurt")
    _requests(marked, 11)
    refresh(full=True)
    return {"den_helder": den_helder, "hollands_kroon": hollands_kroon}


def _headlines(page: str) -> dict[str, str]:
    found = re.findall(
        r'data-testid="headline-([a-z_]+)".*?figure-value mb-0">([^<]*)<', page, re.S
    )
    return {key: html.unescape(value) for key, value in found}


def _table(page: str, key: str) -> dict[str, list[str]]:
    start = page.index(f'data-testid="table-{key}"')
    body = page[start : page.index("</table>", start)]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S)
    return {
        html.unescape(label): [
            html.unescape(v)
            for v in re.findall(r'<td class="text-end">([^<]*)</td>', cells)
        ]
        for label, cells in rows
    }


def test_regional_manager_sees_the_figures_of_the_whole_region(
    regional_manager: User, data: dict[str, Place]
) -> None:
    response = client_for(regional_manager).get("/dashboard/")

    assert response.status_code == 200
    page = response.content.decode()
    assert _headlines(page)["requests"] == "26"
    assert "Noordkop" in page
    neighbourhoods = _table(page, "neighbourhoods")
    assert "Visbuurt" in neighbourhoods and "Breezand" in neighbourhoods
    assert 'data-testid="board-place"' in page


def test_regional_manager_filters_to_one_municipality(
    regional_manager: User, data: dict[str, Place]
) -> None:
    hollands_kroon = data["hollands_kroon"]
    client = client_for(regional_manager)

    response = client.get(
        "/dashboard/",
        {"municipality": hollands_kroon.municipality.pk},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert _headlines(page)["requests"] == "9"
    assert "Figures of Hollands Kroon" in page or "Cijfers van Hollands Kroon" in page
    neighbourhoods = _table(page, "neighbourhoods")
    assert "Breezand" in neighbourhoods and "Visbuurt" not in neighbourhoods
    # The neighbourhood filter offers only the chosen municipality's neighbourhoods.
    select = page[page.index('name="neighbourhood"') :]
    select = select[: select.index("</select>")]
    assert "Breezand" in select and "Visbuurt" not in select


def test_a_municipality_outside_the_region_is_refused_at_the_field(
    regional_manager: User, data: dict[str, Place], lelystad: Place
) -> None:
    response = client_for(regional_manager).get(
        "/dashboard/", {"municipality": lelystad.municipality.pk}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_municipality_error"' in page
    assert "11" not in _headlines(page).values()
    assert MARKER not in page


def test_a_neighbourhood_of_another_municipality_of_the_region_is_refused(
    regional_manager: User, data: dict[str, Place]
) -> None:
    response = client_for(regional_manager).get(
        "/dashboard/",
        {
            "municipality": data["den_helder"].municipality.pk,
            "neighbourhood": data["hollands_kroon"].neighbourhood.pk,
        },
    )

    assert response.status_code == 400
    assert 'id="id_neighbourhood_error"' in response.content.decode()


@pytest.mark.parametrize(
    "params", [{}, {"domain": "debt"}, {"start": "2020-01", "end": "2020-03"}]
)
def test_the_region_shows_nothing_of_municipalities_outside_it(
    regional_manager: User, data: dict[str, Place], params: dict[str, str]
) -> None:
    client = client_for(regional_manager)
    pages = [
        client.get("/dashboard/", params).content.decode(),
        client.get("/dashboard/data/neighbourhoods.csv", params).content.decode(
            "utf-8-sig"
        ),
        client.get("/dashboard/reports/").content.decode(),
    ]

    for page in pages:
        assert MARKER not in page
        assert "Lelystad" not in page
        assert "Atol" not in page


def _small_cell_is_safe(region: str, parts: list[str], small: str) -> bool:
    """The small part shows as hidden, and it is not the region's figure minus the
    other parts' figures (at least one of those is hidden)."""
    numbers = [region, *parts]
    return small in (SMALL, HIDDEN) and not all(
        re.fullmatch(r"[\d.]+", n) for n in numbers
    )


def test_a_small_municipality_cannot_be_worked_out_by_subtracting(
    regional_manager: User, den_helder: Place, hollands_kroon: Place, region: object
) -> None:
    # Den Helder 17 requests, Hollands Kroon 3: the region's 20 minus Den Helder's
    # figure would give Hollands Kroon's small number away.
    _requests(den_helder.neighbourhood, 15)
    _requests(den_helder.other_district.neighbourhoods.first(), 2)
    _requests(hollands_kroon.neighbourhood, 3)
    refresh(full=True)
    client = client_for(regional_manager)
    whole = client.get("/dashboard/").content.decode()
    helder = client.get(
        "/dashboard/", {"municipality": den_helder.municipality.pk}
    ).content.decode()
    kroon = client.get(
        "/dashboard/", {"municipality": hollands_kroon.municipality.pk}
    ).content.decode()

    for key in ("requests", "open", "waiting"):
        values = [_headlines(page)[key] for page in (whole, helder, kroon)]
        assert _small_cell_is_safe(values[0], [values[1]], values[2]), (key, values)
    for key in ("months", "life_events"):
        tables = [_table(page, key) for page in (whole, helder, kroon)]
        for label, cells in tables[0].items():
            for i, value in enumerate(cells):
                small = tables[2].get(label, ["0"] * len(cells))[i]
                if small in (SMALL, HIDDEN):
                    assert _small_cell_is_safe(value, [tables[1][label][i]], small), (
                        key,
                        label,
                        value,
                        tables[1][label][i],
                    )
    # The region's total itself is shown: suppression does not blank everything.
    assert _headlines(whole)["requests"] == "20"


def test_csv_of_a_region_names_the_area_and_keeps_suppression(
    regional_manager: User, data: dict[str, Place]
) -> None:
    body = (
        client_for(regional_manager)
        .get("/dashboard/data/neighbourhoods.csv")
        .content.decode("utf-8-sig")
    )

    assert "Noordkop" in body
    assert "Visbuurt" in body and "Breezand" in body
    assert "<5" in body


def test_no_link_leads_from_the_region_dashboard_to_a_person_or_case(
    regional_manager: User, data: dict[str, Place]
) -> None:
    page = client_for(regional_manager).get("/dashboard/").content.decode()
    links = re.findall(r'href="([^"]+)"', page)

    assert not [
        link
        for link in links
        if any(
            part in link
            for part in ("/casework/", "/resident", "/requests/", "/my-data", "HV-")
        )
    ]
    assert "HV-" not in page


def test_the_number_of_queries_does_not_grow_with_data_or_filters(
    regional_manager: User, data: dict[str, Place]
) -> None:
    client = client_for(regional_manager)
    client.get("/dashboard/")
    kroon = data["hollands_kroon"]

    def count(params: dict[str, object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/", params).status_code == 200
        return len(captured)

    plain = count({})
    one = count({"municipality": kroon.municipality.pk})
    filtered = count(
        {"municipality": kroon.municipality.pk, "neighbourhood": kroon.neighbourhood.pk}
    )
    for place in data.values():
        for _ in range(3):
            NeighbourhoodFactory(district=place.district)
        _requests(place.neighbourhood, 10)
    refresh()

    assert count({}) == plain <= 8
    assert count({"municipality": kroon.municipality.pk}) == one == plain
    assert (
        count(
            {
                "municipality": kroon.municipality.pk,
                "neighbourhood": kroon.neighbourhood.pk,
            }
        )
        == filtered
        == plain
    )
    assert count({"municipality": kroon.municipality.pk, "domain": "debt"}) == plain


def test_pilots_of_the_region_name_their_municipality_and_follow_the_choice(
    regional_manager: User, data: dict[str, Place], lelystad: Place
) -> None:
    from pilots.models import Phase
    from pilots.tests.factories import PilotFactory

    PilotFactory(
        municipality=data["hollands_kroon"].municipality,
        title="Buurtkracht Breezand",
        phase=Phase.RUNNING,
    )
    PilotFactory(
        municipality=lelystad.municipality, title="Atolpilot", phase=Phase.RUNNING
    )
    refresh()
    client = client_for(regional_manager)

    region = client.get("/dashboard/").content.decode()
    helder = client.get(
        "/dashboard/", {"municipality": data["den_helder"].municipality.pk}
    ).content.decode()

    assert "Buurtkracht Breezand (Hollands Kroon)" in region
    assert "Atolpilot" not in region
    assert (
        "Buurtkracht Breezand" not in helder[helder.index('data-testid="headlines"') :]
    )

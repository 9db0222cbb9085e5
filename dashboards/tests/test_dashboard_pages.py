"""The alderman's dashboard: who may see it, filters, suppression, CSV, queries."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import User
from casework.models import Domain, Triage
from citizens.models import LifeEvent, Outcome, Status
from citizens.tests.factories import AttachmentFactory, HelpRequestFactory
from dashboards.privacy import HIDDEN, SMALL
from dashboards.refresh import refresh
from municipalities.tests.factories import NeighbourhoodFactory
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db


def _requests(place: Place, n: int, **kwargs: object) -> list:
    kwargs.setdefault("neighbourhood", place.neighbourhood)
    return [
        HelpRequestFactory(
            submitted_at=timezone.now() - dt.timedelta(days=3), history=False, **kwargs
        )
        for _ in range(n)
    ]


@pytest.fixture
def data(den_helder: Place, lelystad: Place) -> Place:
    # Visbuurt: 12 requests about debts (8 closed close to home); the other
    # district's neighbourhood 3 (a small cell); Lelystad 20.
    other = den_helder.other_district.neighbourhoods.first()
    for request in _requests(den_helder, 12):
        Triage.objects.create(help_request=request, domains=["debt"])
    for request in _requests(den_helder, 8)[:8]:
        request.status = Status.CLOSED
        request.closed_at = timezone.now()
        request.outcome = Outcome.OWN_NETWORK
        request.save()
    _requests(den_helder, 3, neighbourhood=other, life_events=[LifeEvent.LONELINESS])
    _requests(lelystad, 20, neighbourhood=lelystad.neighbourhood)
    refresh(full=True)
    return den_helder


def test_alderman_sees_the_figures_of_their_municipality(
    alderman: User, data: Place
) -> None:
    response = client_for(alderman).get("/dashboard/")

    assert response.status_code == 200
    page = response.content.decode()
    headline = re.search(
        r'data-testid="headline-requests".*?figure-value mb-0">([^<]+)<', page, re.S
    )
    assert headline and headline.group(1) == "23"
    assert 'data-testid="chart-months"' in page
    assert "chart-neighbourhoods-data" in page


@pytest.mark.parametrize(
    "persona",
    [
        "resident",
        "caseworker",
        "team_lead",
        "partner",
        "pilot_owner",
        "functional_admin",
    ],
)
def test_other_roles_are_refused(
    persona: str, everyone: dict[str, User], data: Place
) -> None:
    client = client_for(everyone[persona])

    for path in ("/dashboard/", "/dashboard/data/months.csv", "/dashboard/reports/"):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_log_in(data: Place) -> None:
    response = Client().get("/dashboard/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_small_counts_are_shown_as_less_than_five_and_not_recoverable(
    alderman: User, data: Place
) -> None:
    page = client_for(alderman).get("/dashboard/").content.decode()
    table = page[page.index('data-testid="table-neighbourhoods"') :]
    table = table[: table.index("</table>")]

    assert "&lt;5" in table
    # The other cell of its district is hidden too, or the total gives it away.
    assert f">{HIDDEN}<" in table
    assert ">3<" not in table


def test_a_neighbourhood_of_another_municipality_is_refused_at_the_field(
    alderman: User, data: Place, lelystad: Place
) -> None:
    response = client_for(alderman).get(
        "/dashboard/", {"neighbourhood": lelystad.neighbourhood.pk}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_neighbourhood_error"' in page
    assert "20" not in re.findall(r'figure-value mb-0">([^<]+)<', page)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-13"}, "start"),
        ({"start": "gisteren"}, "start"),
        ({"start": "2026-05", "end": "2026-01"}, "end"),
        ({"start": "2020-01", "end": "2026-01"}, "end"),
        ({"domain": "cooking"}, "domain"),
        ({"pilot": "abc"}, "pilot"),
        ({"district": "999999"}, "district"),
    ],
)
def test_bad_filters_get_a_message_at_the_field(
    alderman: User, data: Place, params: dict[str, str], field: str
) -> None:
    response = client_for(alderman).get("/dashboard/", params)

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


def test_a_neighbourhood_outside_the_chosen_district_is_refused(
    alderman: User, data: Place
) -> None:
    response = client_for(alderman).get(
        "/dashboard/",
        {
            "district": data.district.pk,
            "neighbourhood": data.other_district.neighbourhoods.first().pk,
        },
    )

    assert response.status_code == 400
    assert 'id="id_neighbourhood_error"' in response.content.decode()


def test_filtering_by_htmx_returns_only_the_board(alderman: User, data: Place) -> None:
    response = client_for(alderman).get(
        "/dashboard/", {"domain": "debt"}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    values = re.findall(r'figure-value mb-0">([^<]+)<', page)
    assert values[0] == "12"


def _rows(page: str, key: str) -> list[list[str]]:
    start = page.index(f'data-testid="table-{key}"')
    body = page[start : page.index("</table>", start)]
    return [
        [
            html.unescape(label),
            *map(html.unescape, re.findall(r"<td[^>]*>([^<]*)</td>", cells)),
        ]
        for label, cells in re.findall(
            r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', body, re.S
        )
    ]


def _headline(page: str, key: str) -> str:
    found = re.search(
        rf'data-testid="headline-{key}".*?figure-value mb-0">([^<]+)<', page, re.S
    )
    assert found
    return html.unescape(found.group(1))


def test_a_filtered_total_is_shown_as_the_unfiltered_domain_bar_is(
    alderman: User, data: Place
) -> None:
    # Visbuurt's 12 debt requests are the only ones of its district: shown, they
    # would tell that the district's other neighbourhoods have none. The bar of
    # debts in Visbuurt's view and the total of Visbuurt filtered to debts are one
    # count, hidden alike as "x" (not "<5": it is 12), with the legend saying so.
    client = client_for(alderman)
    place = {"neighbourhood": data.neighbourhood.pk}
    plain = client.get("/dashboard/", place).content.decode()
    debt = client.get("/dashboard/", {**place, "domain": "debt"}).content.decode()

    with translation.override("nl"):
        debts = str(Domain.DEBT.label)
    bars = {row[0]: row[1] for row in _rows(plain, "domains")}
    assert bars[debts] == _headline(debt, "requests") == HIDDEN
    assert _rows(debt, "months")[-1] == ["Totaal", HIDDEN]
    assert "x: verborgen" in debt


@pytest.mark.parametrize(
    "params",
    [{}, {"domain": "debt"}, {"district": "other"}, {"neighbourhood": "visbuurt"}],
)
def test_tables_chart_data_and_csv_show_the_same_suppressed_values(
    alderman: User, data: Place, params: dict[str, str]
) -> None:
    params = dict(params)
    if params.get("district") == "other":
        params["district"] = str(data.other_district.pk)
    if params.get("neighbourhood") == "visbuurt":
        params["neighbourhood"] = str(data.neighbourhood.pk)
    client = client_for(alderman)
    page = client.get("/dashboard/", params).content.decode()

    keys = re.findall(r'data-testid="table-([a-z_]+)"', page)
    assert {"months", "neighbourhoods", "life_events", "profiles"} <= set(keys)
    for key in keys:
        rows = _rows(page, key)
        body = client.get(f"/dashboard/data/{key}.csv", params).content.decode(
            "utf-8-sig"
        )
        lines = list(csv.reader(io.StringIO(body), delimiter=";"))
        assert rows == lines[4 : 4 + len(rows)], key
        data_tag = re.search(
            rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>',
            page,
            re.S,
        )
        if data_tag is None:
            continue
        chart = json.loads(data_tag.group(1))
        numbers = chart["datasets"][0]["data"]
        column = 2 if key == "neighbourhoods" else 1
        shown = [r for r in rows if r[0] not in ("Totaal",)]
        assert len(numbers) == len(shown), key
        for row, number in zip(shown, numbers, strict=True):
            if key == "formal_care":
                assert (number is None) == (row[2] in (SMALL, HIDDEN, "–")), row
            elif number is None:
                assert row[column] in (SMALL, HIDDEN), (key, row)
            else:
                assert row[column] == str(number), (key, row, number)


def test_chart_data_downloads_as_csv_with_suppression(
    alderman: User, data: Place
) -> None:
    response = client_for(alderman).get("/dashboard/data/neighbourhoods.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "Visbuurt" in body
    assert "<5" in body


def test_an_unknown_chart_is_not_found(alderman: User, data: Place) -> None:
    assert client_for(alderman).get("/dashboard/data/people.csv").status_code == 404


def test_no_link_leads_from_the_dashboard_to_a_person_or_case(
    alderman: User, data: Place
) -> None:
    page = client_for(alderman).get("/dashboard/").content.decode()
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


@pytest.mark.parametrize("persona", ["alderman", "regional_manager"])
def test_aldermen_reach_no_case_person_or_attachment_url(
    persona: str, everyone: dict[str, User], data: Place
) -> None:
    request = data.neighbourhood.help_requests.first()
    attachment = AttachmentFactory(help_request=request)
    client = client_for(everyone[persona])

    for path in (
        f"/casework/requests/{request.reference}/",
        "/casework/queue/",
        f"/requests/{request.public_id}/",
        f"/documents/{attachment.public_id}/",
        f"/accounts/administration/accounts/{request.resident.public_id}/",
    ):
        assert client.get(path).status_code in (403, 404), path


def test_the_number_of_queries_does_not_grow_with_data(
    alderman: User, data: Place
) -> None:
    client = client_for(alderman)
    client.get("/dashboard/")

    def count(params: dict[str, object]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/", params).status_code == 200
        return len(captured)

    plain = count({})
    filtered = count({"neighbourhood": data.neighbourhood.pk})
    # The wider views the complement rule compares with come in the same queries.
    every_filter = count(
        {"neighbourhood": data.neighbourhood.pk, "domain": "debt", "pilot": 0}
    )
    for _ in range(3):
        NeighbourhoodFactory(district=data.district)
    _requests(data, 10)
    refresh()

    assert count({}) == plain <= 8
    assert count({"neighbourhood": data.neighbourhood.pk}) == filtered == plain
    assert count({"district": data.district.pk, "domain": "debt"}) == plain
    assert every_filter == plain


def test_pilots_show_phase_participants_budget_and_filter_the_figures(
    alderman: User, data: Place
) -> None:
    from decimal import Decimal

    from pilots.models import BudgetEntry, BudgetLine, Phase
    from pilots.models.participation import EnrolledVia
    from pilots.tests.factories import ParticipantFactory, PilotFactory

    pilot = PilotFactory(
        municipality=data.municipality, title="Basketbalclinics", phase=Phase.RUNNING
    )
    line = BudgetLine.objects.create(
        pilot=pilot, name="Trainers", planned=Decimal(12000)
    )
    BudgetEntry.objects.create(
        line=line,
        kind="spending",
        amount=Decimal(3000),
        on=timezone.localdate(),
        description="Eerste blok",
    )
    for request in data.neighbourhood.help_requests.all()[:6]:
        ParticipantFactory(
            pilot=pilot, help_request=request, enrolled_via=EnrolledVia.HELP_REQUEST
        )
    refresh()
    client = client_for(alderman)

    page = client.get("/dashboard/").content.decode()
    section = page[page.index('data-testid="pilots"') :]
    assert "Basketbalclinics" in section
    assert "3.000" in section and "12.000" in section
    assert ">6<" in section
    filtered = client.get("/dashboard/", {"pilot": pilot.pk}).content.decode()
    headline = re.search(
        r'data-testid="headline-requests".*?figure-value mb-0">([^<]+)<', filtered, re.S
    )
    assert headline and headline.group(1) == "6"

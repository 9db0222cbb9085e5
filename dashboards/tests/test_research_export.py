"""The pseudonymised research export: functional admin only, purpose asked and
logged, stable pseudonyms, no direct identifiers, own municipality only."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from dashboards.models import ResearchExport
from dashboards.refresh import refresh
from dashboards.research import COLUMNS, pseudonym
from tests.fixtures.personas import Place, client_for

pytestmark = pytest.mark.django_db
PURPOSE = "Evaluatie van de buurtaanpak met de hogeschool, grondslag: publieke taak."


def _form() -> dict[str, str]:
    month = f"{timezone.localdate():%Y-%m}"
    return {"purpose": PURPOSE, "start": "2025-01", "end": month}


def _export(user: User) -> list[dict[str, str]]:
    response = client_for(user).post("/dashboard/research-export/", _form())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def requests(den_helder: Place, lelystad: Place, resident: User) -> list:
    made = [
        HelpRequestFactory(
            neighbourhood=den_helder.neighbourhood,
            resident=resident,
            subject_name="Sanne de Vries",
            history=False,
        )
        for _ in range(2)
    ]
    made.append(
        HelpRequestFactory(neighbourhood=den_helder.neighbourhood, history=False)
    )
    HelpRequestFactory(neighbourhood=lelystad.neighbourhood, history=False)
    refresh(full=True)
    return made


def test_rows_have_stable_pseudonyms_and_no_direct_identifiers(
    functional_admin: User, requests: list, resident: User
) -> None:
    rows = _export(functional_admin)

    assert len(rows) == 3  # Den Helder's only
    assert list(rows[0]) == COLUMNS
    assert {r["request_pseudonym"] for r in rows} == {
        pseudonym("request", r.pk) for r in requests
    }
    same_resident = [
        r for r in rows if r["resident_pseudonym"] == pseudonym("resident", resident.pk)
    ]
    assert len(same_resident) == 2
    everything = str(rows)
    for identifier in (
        requests[0].reference,
        resident.full_name,
        resident.email,
        "Sanne de Vries",
        requests[0].postcode,
        requests[0].story,
    ):
        assert identifier not in everything, identifier
    assert not {r["request_pseudonym"] for r in rows} & {str(r.pk) for r in requests}
    assert _export(functional_admin) == rows  # stable between exports


def test_the_purpose_is_asked_and_logged(
    functional_admin: User, requests: list
) -> None:
    client = client_for(functional_admin)

    refused = client.post(
        "/dashboard/research-export/", {**_form(), "purpose": "onderzoek"}
    )
    assert refused.status_code == 400
    assert 'id="id_purpose_error"' in refused.content.decode()
    assert not ResearchExport.objects.exists()

    _export(functional_admin)
    [logged] = ResearchExport.objects.all()
    assert logged.user == functional_admin and logged.purpose == PURPOSE
    page = client.get("/dashboard/research-export/").content.decode()
    assert PURPOSE in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"start": "2026-99"}, "start"), ({"start": "2026-06", "end": "2026-01"}, "end")],
)
def test_bad_periods_get_a_message_at_the_field(
    functional_admin: User, changes: dict[str, str], field: str
) -> None:
    response = client_for(functional_admin).post(
        "/dashboard/research-export/", {**_form(), **changes}
    )

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    ["alderman", "caseworker", "team_lead", "resident", "pilot_owner", "partner"],
)
def test_only_the_functional_admin_may_export(
    persona: str, everyone: dict[str, User]
) -> None:
    client = client_for(everyone[persona])

    assert client.get("/dashboard/research-export/").status_code == 403
    assert client.post("/dashboard/research-export/", _form()).status_code == 403


def test_the_export_page_runs_a_fixed_number_of_queries(
    functional_admin: User, requests: list
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(functional_admin)
    _export(functional_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/research-export/").status_code == 200
        return len(captured)

    client.get("/dashboard/research-export/")  # warm up: the session's first write
    one = count()
    _export(functional_admin)
    _export(functional_admin)

    assert count() == one <= 5

"""The formal Wmo steps: the application (aanvraag) brings the 2-week decision
deadline, the decision (beschikking) meets it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.models import User
from casework.models import Deadline, DeadlineKind, DeadlineState, Domain
from casework.services import help_request_triage
from citizens.models import HelpRequest, Message
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place, client_for

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def frozen() -> object:
    with freeze_time("2026-12-20 10:00:00"):
        yield


@pytest.fixture
def help_request(
    frozen: object, den_helder: Place, resident: User, caseworker: User
) -> HelpRequest:
    help_request = HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
        submitted_at=datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM),
    )
    help_request_triage(
        help_request=help_request,
        by=caseworker,
        domains=[Domain.WMO],
        urgency="normal",
        team=den_helder.team,
        debt_threat=False,
    )
    return help_request


def _url(help_request: HelpRequest, step: str) -> str:
    return f"/casework/requests/{help_request.reference}/wmo/{step}/"


def test_the_application_brings_the_decision_deadline_off_christmas(
    help_request: HelpRequest, caseworker: User
) -> None:
    client = client_for(caseworker)
    # 2 weeks from Friday 11 December 2026 is Christmas Day: due Monday 28 December.
    response = client.post(
        _url(help_request, "application"), {"filed_on": "2026-12-11"}
    )

    assert response.status_code == 302
    decision = Deadline.objects.get(
        help_request=help_request, kind=DeadlineKind.WMO_DECISION
    )
    assert (decision.start, decision.due, decision.met_at) == (
        date(2026, 12, 11),
        date(2026, 12, 28),
        None,
    )
    investigation = Deadline.objects.get(
        help_request=help_request, kind=DeadlineKind.WMO_INVESTIGATION
    )
    assert investigation.state(date(2026, 12, 20)) == DeadlineState.MET
    note = Message.objects.get(help_request=help_request)
    assert not note.for_resident
    assert "2026-12-28" in note.body
    page = client.get(f"/casework/requests/{help_request.reference}/").content.decode()
    assert 'data-testid="wmo-decision"' in page
    assert 'data-testid="wmo-application"' not in page


def test_the_decision_meets_the_deadline(
    help_request: HelpRequest, caseworker: User
) -> None:
    client = client_for(caseworker)
    client.post(_url(help_request, "application"), {"filed_on": "2026-12-11"})

    response = client.post(_url(help_request, "decision"), {"decided_on": "2026-12-18"})

    assert response.status_code == 302
    decision = Deadline.objects.get(
        help_request=help_request, kind=DeadlineKind.WMO_DECISION
    )
    assert decision.met_at.astimezone(AMSTERDAM).date() == date(2026, 12, 18)
    assert decision.state(date(2026, 12, 29)) == DeadlineState.MET


def test_re_triage_keeps_the_decision_deadline(
    help_request: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    client_for(caseworker).post(
        _url(help_request, "application"), {"filed_on": "2026-12-11"}
    )
    help_request.refresh_from_db()

    help_request_triage(
        help_request=help_request,
        by=caseworker,
        domains=[Domain.WMO, Domain.HOUSING],
        urgency="urgent",
        team=den_helder.team,
        debt_threat=False,
    )

    assert Deadline.objects.filter(
        help_request=help_request, kind=DeadlineKind.WMO_DECISION
    ).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "id_wmo_filed_on_error"),
        ({"filed_on": "11-12-2026x"}, "id_wmo_filed_on_error"),
        ({"filed_on": "2026-12-21"}, "id_wmo_filed_on_error"),  # tomorrow
        ({"filed_on": "2026-11-01"}, "id_wmo_filed_on_error"),  # before the request
    ],
)
def test_a_bad_application_date_is_refused_at_the_field(
    data: dict[str, str], error: str, help_request: HelpRequest, caseworker: User
) -> None:
    response = client_for(caseworker).post(_url(help_request, "application"), data)

    assert response.status_code == 400
    assert f'id="{error}"' in response.content.decode()
    assert not Deadline.objects.filter(kind=DeadlineKind.WMO_DECISION).exists()


def test_the_application_needs_the_wmo_domain_and_is_recorded_once(
    frozen: object, den_helder: Place, caseworker: User, help_request: HelpRequest
) -> None:
    client = client_for(caseworker)
    other = HelpRequestFactory(
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
    )
    no_wmo = client.post(_url(other, "application"), {"filed_on": "2026-12-11"})
    assert no_wmo.status_code == 400
    assert "Wmo" in no_wmo.content.decode()

    assert (
        client.post(
            _url(help_request, "application"), {"filed_on": "2026-12-11"}
        ).status_code
        == 302
    )
    again = client.post(_url(help_request, "application"), {"filed_on": "2026-12-14"})
    assert again.status_code == 400
    assert 'id="id_wmo_filed_on_error"' in again.content.decode()
    assert Deadline.objects.get(kind=DeadlineKind.WMO_DECISION).start == date(
        2026, 12, 11
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"decided_on": "2026-12-10"}, {"decided_on": "2026-12-21"}],
    ids=["empty", "before the application", "in the future"],
)
def test_a_bad_decision_date_is_refused_at_the_field(
    data: dict[str, str], help_request: HelpRequest, caseworker: User
) -> None:
    client = client_for(caseworker)
    client.post(_url(help_request, "application"), {"filed_on": "2026-12-11"})

    response = client.post(_url(help_request, "decision"), data)

    assert response.status_code == 400
    assert 'id="id_wmo_decided_on_error"' in response.content.decode()
    assert Deadline.objects.get(kind=DeadlineKind.WMO_DECISION).met_at is None


def test_a_decision_without_an_application_is_refused(
    help_request: HelpRequest, caseworker: User
) -> None:
    response = client_for(caseworker).post(
        _url(help_request, "decision"), {"decided_on": "2026-12-18"}
    )

    assert response.status_code == 400
    assert not Deadline.objects.filter(kind=DeadlineKind.WMO_DECISION).exists()


def test_another_municipality_gets_404_and_other_roles_403_and_nothing_changes(
    help_request: HelpRequest, lelystad_caseworker: User, alderman: User
) -> None:
    for user, expected in ((lelystad_caseworker, 404), (alderman, 403)):
        client: Client = client_for(user)
        assert (
            client.post(
                _url(help_request, "application"), {"filed_on": "2026-12-11"}
            ).status_code
            == expected
        )
        assert (
            client.post(
                _url(help_request, "decision"), {"decided_on": "2026-12-18"}
            ).status_code
            == expected
        )

    assert not Deadline.objects.filter(kind=DeadlineKind.WMO_DECISION).exists()
    assert not Message.objects.exists()

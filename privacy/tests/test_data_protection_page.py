"""The functional administrator's data-protection page: own municipality only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from privacy import services
from privacy.models import DeletionRecord, LegalHold, PurgeRun, RecordKind, Rule
from tests.fixtures.personas import Place, client_for

URL = "/data-protection/"


@pytest.fixture
def admin_client(functional_admin: User) -> Client:
    return client_for(functional_admin)


@pytest.fixture
def own_request(den_helder: Place) -> Any:
    return HelpRequestFactory(closed=True, neighbourhood=den_helder.neighbourhood)


@pytest.fixture
def lelystad_request(lelystad: Place) -> Any:
    return HelpRequestFactory(closed=True, neighbourhood=lelystad.neighbourhood)


@pytest.mark.parametrize(
    "persona",
    [
        "resident",
        "caseworker",
        "team_lead",
        "partner",
        "pilot_owner",
        "alderman",
    ],
)
def test_other_roles_get_403(everyone: dict[str, User], persona: str) -> None:
    client = client_for(everyone[persona])
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}holds/", {}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_shows_retention_last_run_own_holds_and_the_log_link(
    admin_client: Client,
    functional_admin: User,
    lelystad_admin: User,
    own_request: Any,
    lelystad_request: Any,
    den_helder: Place,
    lelystad: Place,
    django_assert_max_num_queries: Any,
) -> None:
    until = timezone.localdate() + dt.timedelta(days=90)
    services.legal_hold_set(
        help_request=own_request,
        by=functional_admin,
        reason="Beroep loopt",
        until=until,
    )
    services.legal_hold_set(
        help_request=lelystad_request,
        by=lelystad_admin,
        reason="LELYSTADGEHEIM bezwaar",
        until=until,
    )
    run = PurgeRun.objects.create(finished_at=timezone.now())
    DeletionRecord.objects.create(
        run=run,
        municipality=den_helder.municipality,
        rule=Rule.WMO,
        kind=RecordKind.MESSAGE,
        count=37,
    )
    DeletionRecord.objects.create(
        run=run,
        municipality=lelystad.municipality,
        rule=Rule.WMO,
        kind=RecordKind.MESSAGE,
        count=4242,
    )
    admin_client.get(URL)  # warm up: the session's first write
    with django_assert_max_num_queries(8):
        response = admin_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="retention"' in html
    assert ">2555<" in html and ">30<" in html
    assert ">37<" in html and "4242" not in html
    assert own_request.reference in html and "Beroep loopt" in html
    assert lelystad_request.reference not in html
    assert "LELYSTADGEHEIM" not in html
    assert 'href="/accounts/administration/access-log/"' in html


def test_the_query_count_does_not_grow_with_holds(
    admin_client: Client,
    functional_admin: User,
    den_helder: Place,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(15):
        services.legal_hold_set(
            help_request=HelpRequestFactory(neighbourhood=den_helder.neighbourhood),
            by=functional_admin,
            reason="Beroep loopt",
            until=timezone.localdate(),
        )
    admin_client.get(URL)  # warm up: the session's first write
    # Session, user, last run, its counts, holds (with request and setter), and the
    # navigation's own queries: the same with 15 holds as with one.
    with django_assert_max_num_queries(8):
        assert admin_client.get(URL).status_code == 200


def test_setting_a_hold_through_the_form(
    admin_client: Client, functional_admin: User, own_request: Any
) -> None:
    until = timezone.localdate() + dt.timedelta(days=60)
    response = admin_client.post(
        f"{URL}holds/",
        {
            "reference": own_request.reference.lower(),
            "reason": "Bezwaar tegen de beschikking",
            "until": until.isoformat(),
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.help_request, hold.set_by, hold.until) == (
        own_request,
        functional_admin,
        until,
    )


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("reference", "HV-1999-999999", "no help request with this reference"),
        ("reference", "", "This field is required"),
        ("reason", "kort", "at least 10 characters"),
        ("reason", "          x         ", "at least 10 characters"),
        ("until", "2001-01-01", "from today on"),
        ("until", "3000-01-01", "at most ten years"),
        ("until", "geen datum", "Enter a valid date"),
    ],
)
def test_the_hold_form_refuses_invalid_input(
    admin_client: Client, own_request: Any, field: str, value: str, error: str
) -> None:
    data = {
        "reference": own_request.reference,
        "reason": "Bezwaar tegen de beschikking",
        "until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        field: value,
    }
    admin_client.cookies["django_language"] = "en"
    response = admin_client.post(f"{URL}holds/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_hold_on_another_municipalitys_request_cannot_be_set(
    admin_client: Client, lelystad_request: Any
) -> None:
    response = admin_client.post(
        f"{URL}holds/",
        {
            "reference": lelystad_request.reference,
            "reason": "Bezwaar tegen de beschikking",
            "until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not LegalHold.objects.exists()


def test_lifting_a_hold_needs_a_reason_and_stays_in_the_municipality(
    admin_client: Client,
    functional_admin: User,
    lelystad_admin: User,
    own_request: Any,
    lelystad_request: Any,
) -> None:
    until = timezone.localdate() + dt.timedelta(days=5)
    hold = services.legal_hold_set(
        help_request=own_request, by=functional_admin, reason="Beroep", until=until
    )
    other = services.legal_hold_set(
        help_request=lelystad_request, by=lelystad_admin, reason="Beroep", until=until
    )
    url = f"{URL}holds/{hold.public_id}/lift/"
    assert admin_client.post(url, {"lift_reason": "te kort"}).status_code == 400
    assert (
        admin_client.post(
            f"{URL}holds/{other.public_id}/lift/", {"lift_reason": "Uitspraak gedaan"}
        ).status_code
        == 404
    )
    assert (
        admin_client.post(url, {"lift_reason": "Uitspraak gedaan"}).status_code == 302
    )
    hold.refresh_from_db()
    other.refresh_from_db()
    assert hold.lifted_by == functional_admin and hold.lift_reason == "Uitspraak gedaan"
    assert other.lifted_at is None


def test_the_navigation_of_the_functional_admin_links_the_page(
    admin_client: Client,
) -> None:
    assert (
        f'href="{URL}"'
        in admin_client.get("/accounts/administration/").content.decode()
    )

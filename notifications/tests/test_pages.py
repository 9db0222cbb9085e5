"""The notification centre, the preferences and the operations page: scoped,
validated, with a fixed number of queries."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from notifications.models import (
    Delivery,
    DeliveryState,
    EmailState,
    JobRun,
    Notification,
    OutboxEmail,
    Preference,
)
from notifications.scanner import scan
from socialdomain.navigation import navigation_items
from tests.fixtures.personas import Place, client_for

from .helpers import deadline_for, referral_for

LIST = "/notifications/"
SETTINGS = "/notifications/settings/"
OPERATIONS = "/notifications/operations/"


def notify(user: User, count: int, *, read: bool = False) -> list[Notification]:
    """`count` delivered deadline notifications for `user` (bulk, for page tests)."""
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            kind="casework.deadline_today",
            object_id=f"{user.pk}-{n}-{now.timestamp()}",
            due_at=now,
            recipient=user,
            recipient_key=f"u{user.pk}",
            municipality_id=user.municipality_id,
            state=DeliveryState.SENT,
        )
        for n in range(count)
    )
    return Notification.objects.bulk_create(
        Notification(
            delivery=d,
            recipient=user,
            kind=d.kind,
            params={
                "reference": f"HV-2026-{n:06d}",
                "deadline": "wmo_investigation",
                "due": date.today().isoformat(),
            },
            created_at=now - timedelta(minutes=n),
            read_at=now if read else None,
        )
        for n, d in enumerate(deliveries)
    )


def test_the_caseworker_sees_their_deadline_reminder_and_the_unread_count(
    den_helder: Place, caseworker: User, team_lead: User
) -> None:
    deadline_for(den_helder, caseworker, timezone.localdate() - timedelta(days=1))
    deadline_for(den_helder, caseworker, timezone.localdate() + timedelta(days=1))
    scan()
    client = client_for(caseworker)

    page = client.get(LIST).content.decode()

    assert page.count('data-testid="notification"') == 1
    assert 'data-testid="unread-count">1<' in page


def test_the_badge_is_one_query(caseworker: User) -> None:
    notify(caseworker, 3)
    notify(caseworker, 2, read=True)
    request = RequestFactory().get("/casework/")
    request.user = caseworker
    [item] = [i for i in navigation_items(request) if "badge" in i]

    with CaptureQueriesContext(connection) as queries:
        assert item["badge"]() == 3

    assert len(queries) == 1
    # Nothing unread: no row to count, and no badge.
    Notification.objects.filter(recipient=caseworker).update(read_at=timezone.now())
    assert item["badge"]() == 0


def test_the_list_runs_a_fixed_number_of_queries(
    caseworker: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(caseworker)
    notify(caseworker, 2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    notify(caseworker, 60)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)

    assert len(few) == len(many) <= 5
    assert response.content.decode().count('data-testid="notification"') == 30
    older = response.context["older"]
    assert client.get(LIST, {"before": older}).status_code == 200
    assert client.get(LIST, {"before": "nonsense"}).status_code == 400


def test_opening_a_notification_marks_it_read_and_leads_to_the_request(
    caseworker: User,
) -> None:
    [notification] = notify(caseworker, 1)
    response = client_for(caseworker).post(f"{LIST}{notification.public_id}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/casework/requests/HV-2026-000000/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_opens_or_reads_someone_elses_notification(
    caseworker: User, other_team_caseworker: User, lelystad_caseworker: User
) -> None:
    [notification] = notify(caseworker, 1)
    for intruder in (other_team_caseworker, lelystad_caseworker):
        client = client_for(intruder)
        assert client.post(f"{LIST}{notification.public_id}/open/").status_code == 404
        client.post(f"{LIST}read-all/")
        assert "HV-2026-000000" not in client.get(LIST).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_residents_have_no_notification_centre(resident: User) -> None:
    assert client_for(resident).get(LIST).status_code == 403


def test_mark_all_read_touches_only_ones_own(caseworker: User, team_lead: User) -> None:
    notify(caseworker, 3)
    notify(team_lead, 2)
    client_for(caseworker).post(f"{LIST}read-all/")

    assert Notification.objects.filter(recipient=caseworker).unread().count() == 0
    assert Notification.objects.filter(recipient=team_lead).unread().count() == 2


def test_a_partner_switches_referral_reminders_off_and_gets_none(
    den_helder: Place, caseworker: User, partner: User
) -> None:
    client = client_for(partner)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    field = "kind_casework__referral_unanswered"
    assert field in page.content.decode()

    response = client.post(SETTINGS, {})  # the box unticked
    assert response.status_code == 302
    assert set(
        Preference.objects.filter(user=partner).values_list("kind", flat=True)
    ) == {"casework.referral_unanswered"}
    referral_for(den_helder, caseworker, timezone.now() - timedelta(days=20))
    scan()
    reminder = Delivery.objects.get(kind="casework.referral_unanswered")
    assert reminder.state == DeliveryState.SKIPPED
    assert not Notification.objects.filter(recipient=partner).exists()

    client.post(SETTINGS, {field: "on"})
    assert not Preference.objects.filter(user=partner).exists()


def test_statutory_deadline_reminders_cannot_be_switched_off(
    den_helder: Place, caseworker: User
) -> None:
    client = client_for(caseworker)
    page = client.get(SETTINGS).content.decode()
    assert "kind_casework__deadline_soon" not in page
    assert 'data-testid="mandatory"' in page

    response = client.post(SETTINGS, {"kind_casework__deadline_soon": ""})

    assert response.status_code == 400
    assert "changed outside the page" in response.content.decode() or (
        "buiten de pagina" in response.content.decode()
    )
    assert not Preference.objects.filter(user=caseworker).exists()
    # A row put there by hand does not stop a mandatory reminder either.
    Preference.objects.create(user=caseworker, kind="casework.deadline_passed")
    Preference.objects.create(user=caseworker, kind="casework.deadline_today")
    deadline_for(den_helder, caseworker, timezone.localdate())
    scan()
    today = Delivery.objects.filter(
        kind="casework.deadline_today", recipient=caseworker
    )
    if timezone.localtime().hour >= 7:
        assert today.get().state == DeliveryState.SENT
    else:
        assert today.get().state == DeliveryState.PENDING


def _failed_email(place: Place, caseworker: User) -> OutboxEmail:
    delivery = Delivery.objects.create(
        kind="casework.deadline_today",
        object_id="1",
        due_at=timezone.now(),
        recipient=caseworker,
        recipient_key=f"u{caseworker.pk}",
        municipality=place.municipality,
        state=DeliveryState.SENT,
        params={
            "reference": "HV-2026-000001",
            "deadline": "wmo_investigation",
            "due": "2026-11-26",
        },
    )
    return OutboxEmail.objects.create(
        delivery=delivery,
        municipality=place.municipality,
        state=EmailState.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: gone",
    )


def test_the_functional_admin_sees_jobs_and_failed_e_mails_and_retries_one(
    den_helder: Place,
    caseworker: User,
    functional_admin: User,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    email = _failed_email(den_helder, caseworker)
    JobRun.objects.create(
        name="notifications.tasks.scan_reminders",
        finished_at=timezone.now(),
        succeeded=True,
        result="planned 3, claimed 3, sent 3",
        runs=1,
    )
    client = client_for(functional_admin)
    client.get(OPERATIONS)
    with django_assert_max_num_queries(8):
        page = client.get(OPERATIONS).content.decode()
    assert "planned 3, claimed 3, sent 3" in page
    assert "SMTPServerDisconnected: gone" in page
    assert "scan-reminders" in page and "send-outbox" in page

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"{OPERATIONS}e-mails/{email.public_id}/retry/")
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.QUEUED, 0)
    assert len(callbacks) == 1
    # A second click changes nothing and enqueues nothing.
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(f"{OPERATIONS}e-mails/{email.public_id}/retry/")
    assert callbacks == []


def test_another_municipalitys_admin_sees_and_retries_nothing(
    den_helder: Place, caseworker: User, lelystad_admin: User
) -> None:
    email = _failed_email(den_helder, caseworker)
    client = client_for(lelystad_admin)
    assert "SMTPServerDisconnected" not in client.get(OPERATIONS).content.decode()
    assert (
        client.post(f"{OPERATIONS}e-mails/{email.public_id}/retry/").status_code == 404
    )
    email.refresh_from_db()
    assert email.state == EmailState.FAILED


@pytest.mark.parametrize("persona", ["caseworker", "team_lead", "resident", "alderman"])
def test_only_the_functional_admin_opens_the_operations_page(
    everyone: dict[str, User], den_helder: Place, persona: str
) -> None:
    email = _failed_email(den_helder, everyone["caseworker"])
    client = client_for(everyone[persona])
    assert client.get(OPERATIONS).status_code == 403
    assert (
        client.post(f"{OPERATIONS}e-mails/{email.public_id}/retry/").status_code == 403
    )
    email.refresh_from_db()
    assert email.state == EmailState.FAILED


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    for path in (LIST, SETTINGS, OPERATIONS):
        response = Client().get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

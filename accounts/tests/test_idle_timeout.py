"""Staff sessions end after 30 minutes without activity; residents' do not."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from freezegun import freeze_time

from accounts.models import User
from tests.fixtures.personas import client_for

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_a_caseworker_is_logged_out_after_30_idle_minutes(caseworker: User) -> None:
    with freeze_time(START):
        client = client_for(caseworker)
        assert client.get("/casework/").status_code == 200
    with freeze_time(START + timedelta(minutes=29)):
        assert client.get("/casework/").status_code == 200
    # Active 29 minutes in, so 29 + 30 minutes is still within the limit.
    with freeze_time(START + timedelta(minutes=58)):
        assert client.get("/casework/").status_code == 200
    with freeze_time(START + timedelta(minutes=58 + 31)):
        response = client.get("/casework/queue/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/casework/queue/"
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "30 minuten" in login_page


def test_residents_stay_logged_in_longer(resident: User) -> None:
    with freeze_time(START):
        client = client_for(resident)
        assert client.get("/resident/").status_code == 200
    with freeze_time(START + timedelta(hours=2)):
        assert client.get("/resident/").status_code == 200


def test_the_timeout_can_be_configured(functional_admin: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 5
    with freeze_time(START):
        client = client_for(functional_admin)
        assert client.get("/accounts/administration/").status_code == 200
    with freeze_time(START + timedelta(minutes=6)):
        assert client.get("/accounts/administration/").status_code == 302
    assert Client().get("/accounts/administration/").status_code == 302

"""The security log (role changes, two-factor resets and enrolments) has its own
retention period: the purge removes an entry on the day its period ends, not the day
before, counts it in the deletion register, and a dry run removes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from freezegun import freeze_time

from accounts.models import SecurityEvent, SecurityEventKind, User
from privacy import services
from privacy.models import DeletionRecord, RecordKind, Rule

START = dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)


@pytest.fixture
def event(functional_admin: User, caseworker: User) -> SecurityEvent:
    with freeze_time(START):
        return SecurityEvent.objects.create(
            kind=SecurityEventKind.ROLE_CHANGED,
            actor=functional_admin,
            subject=caseworker,
            municipality_id=caseworker.municipality_id,
            details={"role": ["caseworker", "team_lead"]},
        )


@pytest.mark.parametrize(
    ("days_after", "kept"), [(-1, True), (0, False), (1, False)], ids=str
)
def test_a_security_event_goes_when_its_period_ends(
    event: SecurityEvent, days_after: int, kept: bool
) -> None:
    days = settings.PRIVACY_RETENTION_DAYS["security_log"]
    with freeze_time(START + dt.timedelta(days=days + days_after)):
        result = services.purge_personal_data()

    assert SecurityEvent.objects.filter(pk=event.pk).exists() is kept
    key = (event.municipality_id, Rule.SECURITY_LOG, RecordKind.SECURITY_EVENT)
    assert result.counts[key] == (0 if kept else 1)
    assert DeletionRecord.objects.filter(rule=Rule.SECURITY_LOG).exists() is not kept


def test_a_dry_run_counts_the_expired_security_events_and_keeps_them(
    event: SecurityEvent,
) -> None:
    days = settings.PRIVACY_RETENTION_DAYS["security_log"]
    with freeze_time(START + dt.timedelta(days=days)):
        result = services.purge_personal_data(dry_run=True)

    key = (event.municipality_id, Rule.SECURITY_LOG, RecordKind.SECURITY_EVENT)
    assert result.counts[key] == 1
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_the_application_still_cannot_delete_a_security_event(
    event: SecurityEvent,
) -> None:
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        event.delete()
    assert SecurityEvent.objects.filter(pk=event.pk).exists()

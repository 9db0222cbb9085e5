"""The volunteer's reminder the day before an agreed appointment, through the
portal's reminder scanner (frozen time)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from freezegun import freeze_time

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from networks.models import Match, MatchStatus, Need
from networks.tests.factories import VolunteerFactory
from notifications.models import Delivery, DeliveryState, OutboxEmail
from notifications.registry import get_kind
from notifications.scanner import scan
from tests.fixtures.personas import Place

AMS = ZoneInfo("Europe/Amsterdam")
KIND = "networks.volunteer_appointment"


def when(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMS)


def _match(place: Place, appointment: datetime, status: str) -> Match:
    return Match.objects.create(
        help_request=HelpRequestFactory(
            neighbourhood=place.neighbourhood, share_with_volunteers=True
        ),
        volunteer=VolunteerFactory(neighbourhood=place.neighbourhood),
        need=Need.SHOPPING,
        task="Boodschappen",
        first_name="Sanne",
        status=status,
        appointment_at=appointment,
    )


def test_the_volunteer_is_reminded_once_the_day_before(den_helder: Place) -> None:
    with freeze_time(when("2026-11-20")):
        match = _match(den_helder, when("2026-11-25", 14), MatchStatus.ACCEPTED)
    volunteer: User = match.volunteer.user

    with freeze_time(when("2026-11-23")):
        scan()
        assert not Delivery.objects.filter(kind=KIND, state=DeliveryState.SENT).exists()
    with freeze_time(when("2026-11-24", 8)):
        scan()
        scan()
    sent = Delivery.objects.filter(kind=KIND, state=DeliveryState.SENT)
    assert [
        (d.recipient_id, d.due_at.astimezone(AMS).date().isoformat()) for d in sent
    ] == [(volunteer.pk, "2026-11-24")]
    delivery = sent.get()
    assert OutboxEmail.objects.filter(delivery=delivery).exists()
    with translation.override("nl"):
        message = get_kind(KIND).message(delivery.params)
    assert message.subject == "Morgen: uw afspraak met Sanne"
    assert "woensdag 25 november 2026 14:00" in message.body
    assert str(match.public_id) in message.link


def test_a_moved_or_stopped_appointment_is_not_reminded(den_helder: Place) -> None:
    with freeze_time(when("2026-11-20")):
        stopped = _match(den_helder, when("2026-11-25", 14), MatchStatus.ACCEPTED)
        moved = _match(den_helder, when("2026-11-25", 14), MatchStatus.ACTIVE)
    with freeze_time(when("2026-11-23")):
        scan()  # plans both for the 24th
    Match.objects.filter(pk=stopped.pk).update(status=MatchStatus.STOPPED)
    Match.objects.filter(pk=moved.pk).update(appointment_at=when("2026-11-27", 10))

    with freeze_time(when("2026-11-24", 8)):
        scan()
    assert not Delivery.objects.filter(kind=KIND, state=DeliveryState.SENT).exists()
    with freeze_time(when("2026-11-26", 8)):
        scan()
    sent = Delivery.objects.get(kind=KIND, state=DeliveryState.SENT)
    assert sent.recipient_id == moved.volunteer.user_id

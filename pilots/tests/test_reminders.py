"""The pilot owner is reminded of participants' follow-up measurements that are due,
through the portal's reminder scanner (frozen time)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import translation
from freezegun import freeze_time

from notifications.models import Delivery, DeliveryState
from notifications.registry import get_kind
from notifications.scanner import scan
from pilots.models.participation import Measurement
from pilots.tests.factories import MeasurementFactory, ParticipantFactory, PilotFactory
from tests.fixtures.personas import Place

AMS = ZoneInfo("Europe/Amsterdam")
KIND = "pilots.follow_up_due"


def when(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMS)


def _sent() -> list[tuple[int | None, str]]:
    return [
        (d.recipient_id, d.due_at.astimezone(AMS).date().isoformat())
        for d in Delivery.objects.filter(kind=KIND, state=DeliveryState.SENT)
    ]


def test_the_owner_is_reminded_once_on_the_due_day(den_helder: Place) -> None:
    pilot = PilotFactory(
        municipality=den_helder.municipality, running=True, title="Basketbalclinics"
    )
    follow_up = MeasurementFactory(
        participant=ParticipantFactory(pilot=pilot, name="Jamal Bakri"),
        planned_follow_up=True,
        due_on=date(2026, 11, 25),
    )

    with freeze_time(when("2026-11-24")):
        scan()
        assert _sent() == []
    with freeze_time(when("2026-11-25", 8)):
        scan()
        scan()

    assert _sent() == [(pilot.owner_id, "2026-11-25")]
    delivery = Delivery.objects.get(kind=KIND)
    with translation.override("nl"):
        message = get_kind(KIND).message(delivery.params)
    assert "Basketbalclinics" in message.subject
    assert "25 november 2026" in message.body
    assert "Jamal" not in message.subject + message.body
    assert str(pilot.public_id) in message.link
    assert delivery.object_id == str(follow_up.pk)


def test_filled_in_left_or_stopped_is_not_reminded(den_helder: Place) -> None:
    pilot = PilotFactory(municipality=den_helder.municipality, running=True)
    filled = MeasurementFactory(
        participant=ParticipantFactory(pilot=pilot),
        planned_follow_up=True,
        due_on=date(2026, 11, 25),
    )
    left = MeasurementFactory(
        participant=ParticipantFactory(pilot=pilot),
        planned_follow_up=True,
        due_on=date(2026, 11, 25),
    )
    with freeze_time(when("2026-11-24")):
        scan()
    Measurement.objects.filter(pk=filled.pk).update(
        taken_on=date(2026, 11, 24), scores={"life_satisfaction": 7}
    )
    left.participant.left_on = date(2026, 11, 24)
    left.participant.save(update_fields=["left_on"])
    stopped = PilotFactory(municipality=den_helder.municipality, stopped=True)
    MeasurementFactory(
        participant=ParticipantFactory(pilot=stopped),
        planned_follow_up=True,
        due_on=date(2026, 11, 25),
    )

    with freeze_time(when("2026-11-25", 8)):
        scan()

    assert _sent() == []

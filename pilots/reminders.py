"""Reminders of the pilots, plugged into `notifications.registry`: the pilot owner
hears when a participant's follow-up measurement is due. The reminder names the pilot
and the instrument, never the participant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from notifications.registry import Message, Planned, ReminderKind, day_start, register
from pilots.models.participation import Instrument, Measurement


@register
class FollowUpMeasurementDue(ReminderKind):
    key = "pilots.follow_up_due"
    label = gettext_lazy("A participant's follow-up measurement is due")
    roles = frozenset({Role.PILOT_OWNER})
    model = Measurement
    horizon = timedelta(days=1)

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        today = timezone.localtime(now).date()
        # Overdue ones of the last two months are still reminded once.
        return Measurement.objects.follow_ups_due(
            timezone.localtime(until).date()
        ).filter(due_on__gte=today - timedelta(days=60))

    def load(self, ids: list[str]) -> Iterable[Measurement]:
        return Measurement.objects.filter(pk__in=ids).select_related(
            "participant__pilot__owner"
        )

    def desired(
        self, objects: Iterable[Measurement], *, now: datetime
    ) -> dict[str, list[Planned]]:
        measurements = list(objects)
        still_due = set(
            Measurement.objects.follow_ups_due(
                timezone.localtime(now).date() + self.horizon
            )
            .filter(pk__in=[m.pk for m in measurements])
            .values_list("pk", flat=True)
        )
        result: dict[str, list[Planned]] = {}
        for measurement in measurements:
            if measurement.pk not in still_due:
                result[str(measurement.pk)] = []
                continue
            pilot = measurement.participant.pilot
            result[str(measurement.pk)] = [
                Planned(
                    due_at=day_start(measurement.due_on),
                    recipient=pilot.owner,
                    municipality_id=pilot.municipality_id,
                    params={
                        "pilot": str(pilot.public_id),
                        "title": pilot.title,
                        "instrument": measurement.instrument,
                        "due_on": measurement.due_on.isoformat(),
                    },
                )
            ]
        return result

    def message(self, params: dict[str, Any]) -> Message:
        from datetime import date

        values = {
            "title": params["title"],
            "instrument": Instrument(params["instrument"]).label,
            "due_on": formats.date_format(
                date.fromisoformat(params["due_on"]), "j F Y"
            ),
        }
        return Message(
            subject=_("Follow-up measurement due in %(title)s") % values,
            body=_(
                "A follow-up measurement (%(instrument)s) of a participant in "
                "%(title)s is due on %(due_on)s. Enter it, or send the participant "
                "their link."
            )
            % values,
            link=reverse("pilots:detail", args=[params["pilot"]]),
            link_label=_("Open the pilot"),
        )

"""Reminders of the neighbourhood network, plugged into `notifications.registry`:
a volunteer hears the day before an agreed appointment."""

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
from citizens.models import consented_subquery
from networks.models import Match, MatchStatus
from notifications.registry import Message, Planned, ReminderKind, day_start, register

AGREED = (MatchStatus.ACCEPTED, MatchStatus.ACTIVE)


@register
class VolunteerAppointmentTomorrow(ReminderKind):
    key = "networks.volunteer_appointment"
    label = gettext_lazy("The day before an appointment as volunteer")
    roles = frozenset({Role.RESIDENT})
    model = Match
    horizon = timedelta(days=2)

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        # On the appointment_at index; a day more so tomorrow's reminder is planned.
        return Match.objects.filter(
            status__in=AGREED,
            appointment_at__gt=now,
            appointment_at__lte=until + timedelta(days=1),
        )

    def load(self, ids: list[str]) -> Iterable[Match]:
        return (
            Match.objects.filter(pk__in=ids)
            .select_related("volunteer__user", "volunteer__municipality")
            .annotate(shared=consented_subquery("help_request_id", organisation=None))
        )

    def desired(
        self, objects: Iterable[Match], *, now: datetime
    ) -> dict[str, list[Planned]]:
        result: dict[str, list[Planned]] = {}
        for match in objects:
            # Without the resident's consent the volunteer is not told their name.
            if (
                match.status not in AGREED
                or match.appointment_at is None
                or not match.shared
            ):
                result[str(match.pk)] = []
                continue
            day_before = timezone.localtime(match.appointment_at).date() - timedelta(
                days=1
            )
            result[str(match.pk)] = [
                Planned(
                    due_at=day_start(day_before),
                    recipient=match.volunteer.user,
                    municipality_id=match.volunteer.municipality_id,
                    params={
                        "match": str(match.public_id),
                        "first_name": match.first_name,
                        "at": match.appointment_at.isoformat(),
                    },
                )
            ]
        return result

    def message(self, params: dict[str, Any]) -> Message:
        at = timezone.localtime(datetime.fromisoformat(params["at"]))
        values = {
            "name": params["first_name"],
            "at": formats.date_format(at, "l j F Y H:i"),
        }
        return Message(
            subject=_("Tomorrow: your appointment with %(name)s") % values,
            body=_(
                "A reminder: you agreed to help %(name)s on %(at)s. Can you not make "
                "it? Let the caseworker know on your volunteering page."
            )
            % values,
            link=reverse("networks:match_detail", args=[params["match"]]),
            link_label=_("Open the request for help"),
        )

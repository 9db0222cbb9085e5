"""The registry of reminder kinds: how an app plugs in its own reminders.

A kind says *which reminders should exist* for its objects; the scanner
(`notifications.scanner`) does everything else: it writes one `Delivery` per
(kind, object, due moment, recipient) — unique in the database — claims the due
ones atomically, checks once more that each still applies, respects the
recipient's preferences, and turns it into an in-app notification and/or an e-mail
in the outbox in the same transaction that marks it sent.

To add a kind, subclass `ReminderKind` in your app's `reminders.py` and decorate it
with `@register` (`notifications/kinds.py` imports the known modules; add yours
there)::

    from notifications.registry import Planned, ReminderKind, day_start, register

    @register
    class AppointmentTomorrow(ReminderKind):
        key = "networks.appointment_tomorrow"     # unique, stored in the database
        label = _("Appointment tomorrow")         # shown on the preferences page
        mandatory = False                         # True: cannot be switched off
        roles = {Role.RESIDENT}                   # who sees it on preferences
        horizon = timedelta(days=2)               # plan this far ahead

        def candidates(self, *, now, until):      # a QuerySet, indexed filter
            return Match.objects.filter(appointment_at__range=(now, until + DAY))

        def desired(self, objects, *, now):      # batch: {object id: [Planned]}
            return {
                str(m.pk): [Planned(due_at=m.appointment_at - DAY,
                                    recipient=m.volunteer,
                                    municipality_id=m.municipality_id,
                                    params={"when": m.appointment_at.isoformat()})]
                for m in objects
            }

        def message(self, params):                # called in the reader's language
            return Message(subject=..., body=..., link=...)

`desired()` is the single source of truth: a delivery whose (due moment,
recipient) is no longer in `desired()` of its object when it is due (the deadline
moved, was met or suspended; the object is gone) is cancelled instead of sent, and
a moved due moment simply yields a new record. `load(ids)` fetches the objects for
that check (default: `model.objects.filter(pk__in=ids)`); override it to add
`select_related`. Keep `candidates()` on an index: it runs every few minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.core.mail import EmailMultiAlternatives

    from accounts.models import User
    from notifications.models import Delivery

# Reminders for a day go out from this hour (local time), after the night.
DAY_START = time(7, 0)


def day_start(day: date) -> datetime:
    """07:00 Europe/Amsterdam on `day` (never in the 02:00-03:00 DST gap)."""
    return timezone.make_aware(
        datetime.combine(day, DAY_START), timezone.get_default_timezone()
    )


@dataclass(frozen=True)
class Planned:
    """A reminder that should exist: to a user, or to an address without account."""

    due_at: datetime
    recipient: User | None = None
    address: str = ""
    municipality_id: int | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def recipient_key(self) -> str:
        if self.recipient is not None:
            return f"u{self.recipient.pk}"
        return f"e{self.address.lower()}"


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    link: str = ""
    link_label: str = ""


class ReminderKind:
    key: ClassVar[str]
    label: ClassVar[Promise | str]
    mandatory: ClassVar[bool] = False
    # Roles for which the preferences page lists this kind.
    roles: ClassVar[frozenset[str]] = frozenset()
    # How far ahead `candidates` looks; the scanner plans with until = now + horizon.
    horizon: ClassVar[timedelta] = timedelta(days=2)
    model: ClassVar[type[models.Model] | None] = None

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        raise NotImplementedError

    def desired(
        self, objects: Iterable[Any], *, now: datetime
    ) -> dict[str, list[Planned]]:
        raise NotImplementedError

    def load(self, ids: list[str]) -> Iterable[Any]:
        assert self.model is not None
        return self.model._default_manager.filter(pk__in=ids)

    def message(self, params: dict[str, Any]) -> Message:
        raise NotImplementedError


class TransactionalKind(ReminderKind):
    """An e-mail written into the outbox by a workflow itself, in the transaction
    of what it is about (`notifications.outbox.enqueue`), instead of planned by the
    scanner: the receipt of a help request must go out once the request exists, and
    only then, whether or not the broker answers at that moment. `email()` builds
    it when it is sent; when it returns None (no longer applies) nothing is sent."""

    mandatory = True

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        assert self.model is not None
        return self.model._default_manager.none()

    def desired(
        self, objects: Iterable[Any], *, now: datetime
    ) -> dict[str, list[Planned]]:
        return {}

    def message(self, params: dict[str, Any]) -> Message:
        return Message(subject=str(self.label), body="")

    def email(self, delivery: Delivery) -> EmailMultiAlternatives | None:
        raise NotImplementedError


REGISTRY: dict[str, ReminderKind] = {}


def register(cls: type[ReminderKind]) -> type[ReminderKind]:
    if cls.key in REGISTRY:
        raise ValueError(f"reminder kind {cls.key} registered twice")
    REGISTRY[cls.key] = cls()
    return cls


def get_kind(key: str) -> ReminderKind | None:
    return REGISTRY.get(key)


def kinds_for_role(role: str) -> list[ReminderKind]:
    return [kind for kind in REGISTRY.values() if role in kind.roles]

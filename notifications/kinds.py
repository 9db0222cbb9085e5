"""The reminder kinds of casework (statutory deadlines, referrals), registered here
because they read casework's models; other apps register theirs in their own
`reminders.py`, imported at the bottom (see `notifications.registry`)."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from casework.models import Deadline, DeadlineKind, Referral, ReferralStatus
from citizens.models import OPEN_STATUSES
from notifications.registry import Message, Planned, ReminderKind, day_start, register
from socialdomain.lib.workdays import add_working_days, is_working_day

BEFORE_DEADLINE_WORKING_DAYS = 3
REFERRAL_REMINDER_WORKING_DAYS = 5
REFERRAL_ESCALATION_WORKING_DAYS = 10


def subtract_working_days(day: date, days: int) -> date:
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def next_working_day_after(day: date) -> date:
    return add_working_days(day, 1)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def show_date(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "j F Y")


def team_leads_by_team(team_ids: Iterable[int | None]) -> dict[int, list[User]]:
    leads: dict[int, list[User]] = defaultdict(list)
    ids = {pk for pk in team_ids if pk}
    if ids:
        for user in User.objects.filter(
            role=Role.TEAM_LEAD, team_id__in=ids, is_active=True
        ):
            leads[user.team_id].append(user)
    return leads


class DeadlineReminder(ReminderKind):
    """Statutory deadlines: mandatory, for the caseworker and the team's leads."""

    model = Deadline
    mandatory = True
    roles = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
    horizon = timedelta(days=2)

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        today = local_date(now)
        # Open deadlines only (the partial index deadline_open_due); 3 working days
        # before is at most 9 calendar days before (around Easter and Christmas).
        return Deadline.objects.filter(
            met_at__isnull=True,
            suspended_since__isnull=True,
            due__gte=today - timedelta(days=60),
            due__lte=local_date(until) + timedelta(days=10),
        )

    def load(self, ids: list[str]) -> Iterable[Deadline]:
        return Deadline.objects.filter(pk__in=ids).select_related(
            "help_request__contact_person"
        )

    def due_moment(self, deadline: Deadline) -> datetime:
        raise NotImplementedError

    def applies(self, deadline: Deadline, today: date) -> bool:
        return True

    def recipients(self, deadline: Deadline, leads: list[User]) -> list[User]:
        people = [deadline.help_request.contact_person, *leads]
        unique = {user.pk: user for user in people if user and user.is_active}
        return list(unique.values())

    def desired(
        self, objects: Iterable[Deadline], *, now: datetime
    ) -> dict[str, list[Planned]]:
        deadlines = list(objects)
        leads = team_leads_by_team(d.help_request.team_id for d in deadlines)
        today = local_date(now)
        result: dict[str, list[Planned]] = {}
        for deadline in deadlines:
            request = deadline.help_request
            if (
                deadline.met_at
                or deadline.suspended_since
                or request.status not in OPEN_STATUSES
                or not self.applies(deadline, today)
            ):
                result[str(deadline.pk)] = []
                continue
            params = {
                "reference": request.reference,
                "deadline": deadline.kind,
                "due": deadline.due.isoformat(),
            }
            result[str(deadline.pk)] = [
                Planned(
                    due_at=self.due_moment(deadline),
                    recipient=user,
                    municipality_id=request.municipality_id,
                    params=params,
                )
                for user in self.recipients(deadline, leads.get(request.team_id, []))
            ]
        return result

    def link(self, params: dict[str, Any]) -> str:
        return reverse("casework:request_detail", args=[params["reference"]])

    def text_values(self, params: dict[str, Any]) -> dict[str, str]:
        """What every deadline message fills in, in the reader's language."""
        return {
            "reference": params["reference"],
            "deadline": str(DeadlineKind(params["deadline"]).label),
            "due": show_date(params["due"]),
        }


@register
class DeadlineSoon(DeadlineReminder):
    key = "casework.deadline_soon"
    label = gettext_lazy("A statutory deadline is 3 working days away")

    def due_moment(self, deadline: Deadline) -> datetime:
        return day_start(
            subtract_working_days(deadline.due, BEFORE_DEADLINE_WORKING_DAYS)
        )

    def applies(self, deadline: Deadline, today: date) -> bool:
        # After the deadline day "soon" is not true any more; the escalation takes over.
        return today <= deadline.due

    def message(self, params: dict[str, Any]) -> Message:
        values = self.text_values(params)
        return Message(
            subject=_("Deadline soon: %(reference)s") % values,
            body=_(
                "The statutory deadline “%(deadline)s” of help request "
                "%(reference)s ends on %(due)s."
            )
            % values,
            link=self.link(params),
            link_label=_("Open the help request"),
        )


@register
class DeadlineToday(DeadlineReminder):
    key = "casework.deadline_today"
    label = gettext_lazy("A statutory deadline ends today")

    def due_moment(self, deadline: Deadline) -> datetime:
        return day_start(deadline.due)

    def applies(self, deadline: Deadline, today: date) -> bool:
        return today <= deadline.due

    def message(self, params: dict[str, Any]) -> Message:
        values = self.text_values(params)
        return Message(
            subject=_("Deadline today: %(reference)s") % values,
            body=_(
                "The statutory deadline “%(deadline)s” of help request "
                "%(reference)s ends today, %(due)s."
            )
            % values,
            link=self.link(params),
            link_label=_("Open the help request"),
        )


@register
class DeadlinePassed(DeadlineReminder):
    key = "casework.deadline_passed"
    label = gettext_lazy("A statutory deadline has passed (to the team lead)")
    roles = frozenset({Role.TEAM_LEAD})

    def due_moment(self, deadline: Deadline) -> datetime:
        return day_start(next_working_day_after(deadline.due))

    def recipients(self, deadline: Deadline, leads: list[User]) -> list[User]:
        return [user for user in leads if user.is_active]

    def message(self, params: dict[str, Any]) -> Message:
        values = self.text_values(params)
        return Message(
            subject=_("Deadline passed: %(reference)s") % values,
            body=_(
                "The statutory deadline “%(deadline)s” of help request "
                "%(reference)s ended on %(due)s and has not been met."
            )
            % values,
            link=self.link(params),
            link_label=_("Open the help request"),
        )


class ReferralReminder(ReminderKind):
    model = Referral
    working_days: int

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        # Working days are at least calendar days, so this is a superset.
        return Referral.objects.filter(
            status=ReferralStatus.SENT,
            answered_at__isnull=True,
            created_at__gte=now - timedelta(days=90),
            created_at__lte=until - timedelta(days=self.working_days),
        )

    def load(self, ids: list[str]) -> Iterable[Referral]:
        return Referral.objects.filter(pk__in=ids).select_related(
            "help_request__contact_person", "organisation", "created_by"
        )

    def due_moment(self, referral: Referral) -> datetime:
        return day_start(
            add_working_days(local_date(referral.created_at), self.working_days)
        )

    def recipients_for(self, referrals: list[Referral]) -> dict[int, list[User]]:
        raise NotImplementedError

    def desired(
        self, objects: Iterable[Referral], *, now: datetime
    ) -> dict[str, list[Planned]]:
        referrals = list(objects)
        recipients = self.recipients_for(referrals)
        result: dict[str, list[Planned]] = {}
        for referral in referrals:
            if referral.status != ReferralStatus.SENT or referral.answered_at:
                result[str(referral.pk)] = []
                continue
            params = {
                "referral": str(referral.public_id),
                "reference": referral.help_request.reference,
                "organisation": referral.organisation.name,
                "sent": local_date(referral.created_at).isoformat(),
            }
            result[str(referral.pk)] = [
                Planned(
                    due_at=self.due_moment(referral),
                    recipient=user,
                    municipality_id=referral.organisation.municipality_id,
                    params=params,
                )
                for user in recipients.get(referral.pk, [])
            ]
        return result


@register
class ReferralUnanswered(ReferralReminder):
    key = "casework.referral_unanswered"
    label = gettext_lazy("A referral to your organisation is waiting for an answer")
    roles = frozenset({Role.PARTNER})
    working_days = REFERRAL_REMINDER_WORKING_DAYS

    def recipients_for(self, referrals: list[Referral]) -> dict[int, list[User]]:
        staff: dict[int, list[User]] = defaultdict(list)
        organisation_ids = {r.organisation_id for r in referrals}
        for user in User.objects.filter(
            role=Role.PARTNER, organisation_id__in=organisation_ids, is_active=True
        ):
            staff[user.organisation_id].append(user)
        return {r.pk: staff.get(r.organisation_id, []) for r in referrals}

    def message(self, params: dict[str, Any]) -> Message:
        values = {"sent": show_date(params["sent"])}
        return Message(
            subject=_("A referral is waiting for your answer"),
            body=_(
                "A referral sent to your organisation on %(sent)s has not been "
                "answered yet. Please accept or decline it."
            )
            % values,
            link=reverse("networks:partner_home"),
            link_label=_("Open your organisation's page"),
        )


@register
class ReferralUnansweredCaseworker(ReferralReminder):
    key = "casework.referral_unanswered_caseworker"
    label = gettext_lazy("An organisation has not answered your referral")
    roles = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
    working_days = REFERRAL_ESCALATION_WORKING_DAYS

    def recipients_for(self, referrals: list[Referral]) -> dict[int, list[User]]:
        result = {}
        for referral in referrals:
            person = referral.help_request.contact_person or referral.created_by
            result[referral.pk] = [person] if person and person.is_active else []
        return result

    def message(self, params: dict[str, Any]) -> Message:
        values = {
            "reference": params["reference"],
            "organisation": params["organisation"],
            "sent": show_date(params["sent"]),
        }
        return Message(
            subject=_("No answer to a referral: %(reference)s") % values,
            body=_(
                "%(organisation)s has not answered the referral of help request "
                "%(reference)s, sent on %(sent)s, for 10 working days."
            )
            % values,
            link=reverse("casework:request_detail", args=[params["reference"]]),
            link_label=_("Open the help request"),
        )


# Reminder kinds of other apps: each module registers its kinds on import. A
# module that does not exist (yet) is skipped.
PLUGIN_MODULES = ["citizens.reminders", "networks.reminders", "pilots.reminders"]

for module in PLUGIN_MODULES:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise

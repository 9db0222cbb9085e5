"""Reminders to residents: the follow-up questionnaire three months after a request
was closed, and a nudge about an unfinished draft for those who asked for it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from citizens.models import HelpRequest, HelpRequestDraft, Status
from citizens.models import Message as CaseMessage
from notifications.registry import (
    Message,
    Planned,
    ReminderKind,
    TransactionalKind,
    register,
)

FOLLOW_UP_SALT = "citizens.follow-up"
FOLLOW_UP_MAX_AGE = 60 * 60 * 24 * 90
DRAFT_NUDGE_AFTER = timedelta(days=3)


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    # The 31st of a shorter month becomes its last day.
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def follow_up_token(*, request_id: str, closed_at: str) -> str:
    """A link that opens the questionnaire of one closed request, without login."""
    return signing.dumps({"r": request_id, "c": closed_at}, salt=FOLLOW_UP_SALT)


def follow_up_from_token(token: str) -> HelpRequest | None:
    """The closed request of a questionnaire link; None when the link is broken,
    too old, or the request was reopened (closed again later gives a new link)."""
    try:
        data = signing.loads(token, salt=FOLLOW_UP_SALT, max_age=FOLLOW_UP_MAX_AGE)
    except signing.BadSignature:
        return None
    request = (
        HelpRequest.objects.filter(public_id=data.get("r"), status=Status.CLOSED)
        .select_related("resident")
        .first()
    )
    if request is None or request.closed_at.isoformat() != data.get("c"):
        return None
    return request


@register
class FollowUpQuestionnaire(ReminderKind):
    key = "citizens.follow_up"
    label = gettext_lazy("A short questionnaire three months after your request")
    roles = frozenset({Role.RESIDENT})
    horizon = timedelta(days=2)
    model = HelpRequest
    months = 3

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        # The partial index help_request_closed_at.
        return HelpRequest.objects.filter(
            status=Status.CLOSED,
            closed_at__lte=add_months(until, -self.months),
            closed_at__gte=add_months(now, -self.months - 1),
        )

    def load(self, ids: list[str]) -> Iterable[HelpRequest]:
        return HelpRequest.objects.filter(pk__in=ids).select_related("resident")

    def desired(
        self, objects: Iterable[HelpRequest], *, now: datetime
    ) -> dict[str, list[Planned]]:
        result: dict[str, list[Planned]] = {}
        for request in objects:
            resident = request.resident
            if (
                request.status != Status.CLOSED
                or request.closed_at is None
                or resident is None
                or not resident.is_active
            ):
                result[str(request.pk)] = []
                continue
            result[str(request.pk)] = [
                Planned(
                    # Three months on the local calendar, across DST changes.
                    due_at=add_months(
                        timezone.localtime(request.closed_at), self.months
                    ),
                    recipient=resident,
                    municipality_id=request.municipality_id,
                    params={
                        "reference": request.reference,
                        "request": str(request.public_id),
                        "closed": request.closed_at.isoformat(),
                    },
                )
            ]
        return result

    def message(self, params: dict[str, Any]) -> Message:
        return Message(
            subject=_("How are you doing now?"),
            body=_(
                "Three months ago your help request %(reference)s was closed. We "
                "would like to know how you are doing now. Answering takes two "
                "minutes; you do not need to log in."
            )
            % {"reference": params["reference"]},
            link=reverse(
                "citizens:follow_up",
                args=[
                    follow_up_token(
                        request_id=params["request"], closed_at=params["closed"]
                    )
                ],
            ),
            link_label=_("Answer the questions"),
        )


@register
class DraftNudge(ReminderKind):
    key = "citizens.draft_nudge"
    label = gettext_lazy("A reminder about a request you have not sent yet")
    roles = frozenset({Role.RESIDENT})
    horizon = timedelta(days=1)
    model = HelpRequestDraft

    def candidates(self, *, now: datetime, until: datetime) -> models.QuerySet:
        # The partial index draft_reminder_due.
        return HelpRequestDraft.objects.filter(
            remind_me=True,
            submitted_request__isnull=True,
            updated_at__lte=until - DRAFT_NUDGE_AFTER,
            updated_at__gte=now - timedelta(days=30),
        )

    def load(self, ids: list[str]) -> Iterable[HelpRequestDraft]:
        return HelpRequestDraft.objects.filter(pk__in=ids).select_related("owner")

    def desired(
        self, objects: Iterable[HelpRequestDraft], *, now: datetime
    ) -> dict[str, list[Planned]]:
        from notifications.models import Delivery, DeliveryState

        drafts = list(objects)
        # One nudge per draft: not again after one went out.
        nudged = set(
            Delivery.objects.filter(
                kind=self.key,
                object_id__in=[str(d.pk) for d in drafts],
                state=DeliveryState.SENT,
            ).values_list("object_id", flat=True)
        )
        result: dict[str, list[Planned]] = {}
        for draft in drafts:
            owner = draft.owner
            if (
                not draft.remind_me
                or draft.submitted_request_id
                or str(draft.pk) in nudged
                or (owner is not None and not owner.is_active)
                or (owner is None and not draft.email)
            ):
                result[str(draft.pk)] = []
                continue
            result[str(draft.pk)] = [
                Planned(
                    due_at=draft.updated_at + DRAFT_NUDGE_AFTER,
                    recipient=owner,
                    address="" if owner else draft.email,
                    municipality_id=owner.municipality_id if owner else None,
                    params={
                        "draft": str(draft.public_id),
                        "owned": owner is not None,
                    },
                )
            ]
        return result

    def message(self, params: dict[str, Any]) -> Message:
        link = (
            reverse("citizens:ask_review", args=[params["draft"]])
            if params.get("owned")
            else reverse("citizens:ask_start")
        )
        return Message(
            subject=_("Your request for help is not sent yet"),
            body=_(
                "A few days ago you started asking for help, but your request has "
                "not been sent yet. What you typed is kept: you can finish it "
                "whenever you like."
            ),
            link=link,
            link_label=_("Finish my request"),
        )


@register
class HelpRequestReceived(TransactionalKind):
    """The receipt of a sent help request (written by `help_request_submit`)."""

    key = "citizens.help_request_received"
    label = gettext_lazy("Receipt of a sent help request")
    model = HelpRequest

    def email(self, delivery: Any):  # type: ignore[no-untyped-def]
        from citizens.tasks import help_request_confirmation_email

        return help_request_confirmation_email(int(delivery.object_id))


@register
class FollowInvitation(TransactionalKind):
    """The invitation to follow a request filed on someone's behalf."""

    key = "citizens.follow_invitation"
    label = gettext_lazy("Invitation to follow a help request")
    model = HelpRequest

    def email(self, delivery: Any):  # type: ignore[no-untyped-def]
        from citizens.tasks import follow_invitation_email

        return follow_invitation_email(int(delivery.object_id))


class _MessageNotice(TransactionalKind):
    """A notice about a new message to one person; `builder` (in citizens.tasks)
    makes it from the message and the recipient when it is sent."""

    model = CaseMessage
    builder = ""

    def email(self, delivery: Any):  # type: ignore[no-untyped-def]
        from citizens import tasks

        build = getattr(tasks, self.builder)
        return build(int(delivery.object_id), delivery.recipient_id)


@register
class MessageForResident(_MessageNotice):
    """The notice that a caseworker's message waits in the portal, to the resident
    and to the person who filed the request (written by `message_post`)."""

    key = "citizens.message_for_resident"
    label = gettext_lazy("New message about a help request")
    builder = "message_for_resident_email"


@register
class MessageForContactPerson(_MessageNotice):
    """The notice to the contact person that the resident wrote (written by
    `message_post`)."""

    key = "citizens.message_for_contact_person"
    label = gettext_lazy("Message from a resident")
    builder = "message_for_contact_person_email"

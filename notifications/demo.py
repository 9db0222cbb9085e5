"""Demo reminders of every kind, already delivered, so the notification centres, the
residents' e-mails and the operations page have something to show. Idempotent: the
unique delivery record makes a second run change nothing. The scanner adds the real
ones (from the demo deadlines and referrals) as soon as beat runs."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import Role, User
from citizens.models import HelpRequest, Status
from municipalities.models import Municipality
from notifications.models import (
    Delivery,
    DeliveryState,
    EmailState,
    Notification,
    OutboxEmail,
)


def _deliver(
    *,
    kind: str,
    user: User,
    municipality: Municipality,
    params: dict,
    days_ago: int,
    email_state: str = EmailState.SENT,
    read: bool = False,
) -> None:
    moment = timezone.now() - timedelta(days=days_ago)
    delivery, created = Delivery.objects.get_or_create(
        kind=kind,
        object_id=f"demo-{municipality.pk}",
        due_at=moment.replace(hour=6, minute=0, second=0, microsecond=0),
        recipient_key=f"u{user.pk}",
        defaults={
            "recipient": user,
            "municipality": municipality,
            "params": params,
            "state": DeliveryState.SENT,
            "finished_at": moment,
        },
    )
    if not created:
        return
    if user.role != Role.RESIDENT:
        Notification.objects.create(
            delivery=delivery,
            recipient=user,
            kind=kind,
            params=params,
            created_at=moment,
            read_at=moment if read else None,
        )
    OutboxEmail.objects.create(
        delivery=delivery,
        municipality=municipality,
        state=email_state,
        attempts=1 if email_state == EmailState.SENT else 6,
        sent_at=moment if email_state == EmailState.SENT else None,
        last_error=""
        if email_state == EmailState.SENT
        else "SMTPServerDisconnected: Connection unexpectedly closed",
        created_at=moment,
    )


@transaction.atomic
def seed() -> None:
    today = timezone.localdate()
    for municipality in Municipality.objects.order_by("pk"):
        people = {
            role: User.objects.filter(
                email=demo_email(role=role, municipality=municipality)
            ).first()
            for role in (Role.CASEWORKER, Role.TEAM_LEAD, Role.PARTNER, Role.RESIDENT)
        }
        if None in people.values():
            continue
        request = (
            HelpRequest.objects.filter(municipality=municipality).order_by("pk").first()
        )
        if request is None:
            continue
        caseworker = people[Role.CASEWORKER]
        lead = people[Role.TEAM_LEAD]
        deadline = {
            "reference": request.reference,
            "deadline": "wmo_investigation",
            "due": (today + timedelta(days=3)).isoformat(),
        }
        passed = {**deadline, "due": (today - timedelta(days=2)).isoformat()}
        referral = {
            "referral": "",
            "reference": request.reference,
            "organisation": getattr(people[Role.PARTNER].organisation, "name", ""),
            "sent": (today - timedelta(days=15)).isoformat(),
        }
        for user in (caseworker, lead):
            _deliver(
                kind="casework.deadline_soon",
                user=user,
                municipality=municipality,
                params=deadline,
                days_ago=0,
            )
        _deliver(
            kind="casework.deadline_today",
            user=caseworker,
            municipality=municipality,
            params={**deadline, "due": today.isoformat()},
            days_ago=1,
            read=True,
        )
        _deliver(
            kind="casework.deadline_passed",
            user=lead,
            municipality=municipality,
            params=passed,
            days_ago=1,
        )
        _deliver(
            kind="casework.referral_unanswered",
            user=people[Role.PARTNER],
            municipality=municipality,
            params=referral,
            days_ago=2,
        )
        _deliver(
            kind="casework.referral_unanswered_caseworker",
            user=caseworker,
            municipality=municipality,
            params=referral,
            days_ago=0,
            email_state=EmailState.FAILED,
        )
        closed = (
            HelpRequest.objects.filter(municipality=municipality, status=Status.CLOSED)
            .order_by("pk")
            .first()
        )
        if closed is not None and closed.closed_at:
            _deliver(
                kind="citizens.follow_up",
                user=people[Role.RESIDENT],
                municipality=municipality,
                params={
                    "reference": closed.reference,
                    "request": str(closed.public_id),
                    "closed": closed.closed_at.isoformat(),
                },
                days_ago=0,
            )
        _deliver(
            kind="citizens.draft_nudge",
            user=people[Role.RESIDENT],
            municipality=municipality,
            params={"draft": "", "owned": False},
            days_ago=1,
        )

"""The reminder scanner: plan the reminders that should exist, then claim the due
ones in batches and turn each into an in-app notification and an outbox e-mail.

Exactly once, by construction:
- Planning inserts with ON CONFLICT DO NOTHING on the unique (kind, object, due
  moment, recipient): two scanners, two beats or a repeated tick plan nothing twice.
- A claim is one UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) that
  sets a fresh token and a lease: two scanners never claim the same row.
- A claimed batch becomes notifications, outbox rows and state `sent` in ONE
  transaction that first re-locks the rows by their token. A worker killed before
  the commit leaves nothing behind but its claim; when the lease runs out the rows
  are pending again and the next scan sends them. A slow worker whose lease ran
  out and whose rows were claimed again finds no rows with its token.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from notifications.leases import UnfinishedClaims
from notifications.models import (
    Delivery,
    DeliveryState,
    Notification,
    OutboxEmail,
    Preference,
)
from notifications.registry import REGISTRY, Planned, ReminderKind

logger = logging.getLogger(__name__)


def batch_size() -> int:
    return settings.NOTIFICATIONS_BATCH_SIZE


def lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


@dataclass
class ScanResult:
    planned: int = 0
    cancelled_at_planning: int = 0
    claimed: int = 0
    sent: int = 0
    cancelled: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return (
            f"planned {self.planned}, claimed {self.claimed}, sent {self.sent}, "
            f"cancelled {self.cancelled + self.cancelled_at_planning}, "
            f"skipped {self.skipped}"
        )


def _key(object_id: str, plan: Planned) -> tuple[str, datetime, str]:
    return (object_id, plan.due_at, plan.recipient_key)


def plan_kind(kind: ReminderKind, *, now: datetime, result: ScanResult) -> None:
    ids = [
        str(pk)
        for pk in kind.candidates(now=now, until=now + kind.horizon)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    for start in range(0, len(ids), batch_size()):
        chunk = ids[start : start + batch_size()]
        desired = kind.desired(kind.load(chunk), now=now)
        wanted = {
            _key(object_id, plan)
            for object_id, plans in desired.items()
            for plan in plans
        }
        rows = [
            Delivery(
                kind=kind.key,
                object_id=object_id,
                due_at=plan.due_at,
                recipient=plan.recipient,
                address=plan.address,
                recipient_key=plan.recipient_key,
                municipality_id=plan.municipality_id,
                params=plan.params,
            )
            for object_id, plans in desired.items()
            for plan in plans
        ]
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            # A moved due moment or another recipient: the old record is cancelled.
            stale = [
                pk
                for pk, object_id, due_at, recipient_key in Delivery.objects.filter(
                    kind=kind.key, object_id__in=chunk, state=DeliveryState.PENDING
                ).values_list("pk", "object_id", "due_at", "recipient_key")
                if (object_id, due_at, recipient_key) not in wanted
            ]
            if stale:
                result.cancelled_at_planning += Delivery.objects.filter(
                    pk__in=stale, state=DeliveryState.PENDING
                ).update(
                    state=DeliveryState.CANCELLED,
                    finished_at=now,
                    reason="no longer applies (planning)",
                )
        result.planned += len(rows)


def plan(
    *, now: datetime | None = None, result: ScanResult | None = None
) -> ScanResult:
    """Write the delivery records of every registered kind (idempotent)."""
    now = now or timezone.now()
    result = result or ScanResult()
    for kind in REGISTRY.values():
        plan_kind(kind, now=now, result=result)
    return result


CLAIM_SQL = """
UPDATE notifications_delivery
   SET state = 'claimed', claim_token = %(token)s, claimed_until = %(until)s
 WHERE id IN (
       SELECT id FROM notifications_delivery
        WHERE state = 'pending' AND due_at <= %(now)s
        ORDER BY due_at
        LIMIT %(limit)s
          FOR UPDATE SKIP LOCKED)
RETURNING id
"""


unfinished = UnfinishedClaims(
    Delivery, claimed=DeliveryState.CLAIMED, free=DeliveryState.PENDING
)


def release_expired_claims(*, now: datetime) -> int:
    """Claims whose worker died (or overran its lease) become pending again."""
    return Delivery.objects.filter(
        state=DeliveryState.CLAIMED, claimed_until__lt=now
    ).update(state=DeliveryState.PENDING, claim_token=None, claimed_until=None)


def claim_batch(*, now: datetime, limit: int | None = None) -> tuple[uuid.UUID, int]:
    limit = limit or batch_size()
    token = uuid.uuid4()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {"token": token, "until": now + lease(), "now": now, "limit": limit},
        )
        return token, cursor.rowcount


def process_batch(*, token: uuid.UUID, now: datetime, result: ScanResult) -> None:
    """Turn the claimed deliveries into notifications and outbox e-mails, and mark
    them, all in one transaction (see the module docstring)."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(of=("self",))
            .filter(claim_token=token, state=DeliveryState.CLAIMED)
            .select_related("recipient")
        )
        if not rows:
            return
        by_kind: dict[str, list[Delivery]] = defaultdict(list)
        for row in rows:
            by_kind[row.kind].append(row)
        still_wanted: dict[tuple[str, str, datetime, str], Planned] = {}
        for key, deliveries in by_kind.items():
            kind = REGISTRY.get(key)
            if kind is None:
                continue
            ids = sorted({d.object_id for d in deliveries})
            for object_id, plans in kind.desired(kind.load(ids), now=now).items():
                for plan in plans:
                    still_wanted[(key, *_key(object_id, plan))] = plan
        switched_off = set(
            Preference.objects.filter(
                user_id__in={r.recipient_id for r in rows if r.recipient_id}
            ).values_list("user_id", "kind")
        )
        notifications: list[Notification] = []
        emails: list[OutboxEmail] = []
        for row in rows:
            kind = REGISTRY.get(row.kind)
            plan = still_wanted.get(
                (row.kind, row.object_id, row.due_at, row.recipient_key)
            )
            user = row.recipient
            row.finished_at = now
            row.claim_token = None
            row.claimed_until = None
            if kind is None or plan is None:
                row.state = DeliveryState.CANCELLED
                row.reason = "no longer applies"
                result.cancelled += 1
                continue
            if user is not None and not user.is_active:
                row.state = DeliveryState.CANCELLED
                row.reason = "recipient inactive"
                result.cancelled += 1
                continue
            if (
                user is not None
                and not kind.mandatory
                and (user.pk, row.kind) in switched_off
            ):
                row.state = DeliveryState.SKIPPED
                row.reason = "switched off by the recipient"
                result.skipped += 1
                continue
            row.state = DeliveryState.SENT
            row.params = plan.params
            result.sent += 1
            if user is not None and user.role != Role.RESIDENT:
                notifications.append(
                    Notification(
                        delivery=row,
                        recipient=user,
                        kind=row.kind,
                        params=plan.params,
                        created_at=now,
                    )
                )
            if user.email if user else row.address:
                emails.append(
                    OutboxEmail(
                        delivery=row,
                        municipality_id=row.municipality_id,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
        # One UPDATE per (outcome, params) group, not a CASE per row: a batch holds
        # few objects, so few groups.
        groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for row in rows:
            params = json.dumps(row.params, sort_keys=True)
            groups[(row.state, row.reason, params)].append(row.pk)
        for (state, reason, params), pks in groups.items():
            Delivery.objects.filter(pk__in=pks).update(
                state=state,
                reason=reason,
                params=json.loads(params),
                finished_at=now,
                claim_token=None,
                claimed_until=None,
            )
        Notification.objects.bulk_create(notifications, batch_size=batch_size())
        OutboxEmail.objects.bulk_create(emails, batch_size=batch_size())


def dispatch(
    *,
    now: datetime | None = None,
    result: ScanResult | None = None,
    max_batches: int | None = None,
) -> ScanResult:
    """Claim and process due deliveries batch by batch until none is left."""
    now = now or timezone.now()
    result = result or ScanResult()
    unfinished.release()
    release_expired_claims(now=now)
    batches = 0
    while max_batches is None or batches < max_batches:
        token, claimed = claim_batch(now=now)
        if not claimed:
            break
        result.claimed += claimed
        with unfinished.working_off(token):
            process_batch(token=token, now=now, result=result)
        batches += 1
    return result


def scan(*, now: datetime | None = None) -> ScanResult:
    """The periodic job: plan, then dispatch what is due."""
    now = now or timezone.now()
    result = plan(now=now)
    dispatch(now=now, result=result)
    logger.info("reminder scan: %s", result)
    return result

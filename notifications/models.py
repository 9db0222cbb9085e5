"""Reminders as data: a delivery record per (kind, object, due moment, recipient),
written before anything is sent; what it produced (an in-app notification, an
e-mail in the outbox); the users' opt-outs; and the last run of each periodic job."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialdomain.lib.compiled import PreparedQuery

if TYPE_CHECKING:
    from accounts.models import User


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Being processed")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled (no longer applies)")
    SKIPPED = "skipped", _("Skipped (switched off by the recipient)")


class Delivery(models.Model):
    """One reminder to one recipient. The unique constraint makes planning the same
    reminder twice a no-op; the claim (state, token, lease) makes sending it twice
    impossible: whoever holds the claim turns it into outbox rows and `sent` in one
    transaction, and a claim whose worker died runs out after the lease."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # For someone without an account (an anonymous draft with a confirmed address).
    address = models.EmailField(blank=True)
    # "u<user id>" or "e<address>": one non-null column for the unique constraint.
    recipient_key = models.CharField(max_length=260)
    # No index of its own: delivery_municipality_state leads with it.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=DeliveryState, default=DeliveryState.PENDING
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_at", "recipient_key"],
                name="delivery_unique_reminder",
            )
        ]
        indexes = [
            # The scanner's due query: pending by due moment, and expired claims.
            models.Index(
                fields=["due_at"],
                name="delivery_pending_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(
                fields=["claimed_until"],
                name="delivery_claimed_lease",
                condition=models.Q(state="claimed"),
            ),
            # (kind, object_id) lookups use delivery_unique_reminder, which leads
            # with them.
            models.Index(
                fields=["municipality", "state", "due_at"],
                name="delivery_municipality_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.due_at:%Y-%m-%d %H:%M}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An entry in a staff member's notification centre. The text is built when it
    is shown, in the reader's language, from the kind and its params."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="notification"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            # The nav badge: one count over this index.
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class EmailState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxEmail(models.Model):
    """An e-mail waiting for the mail server, rendered when it is sent (in the
    recipient's language at that moment). Transient failures come back after a
    growing wait; after MAX_ATTEMPTS the e-mail is `failed` and shown to the
    functional admin, who can send it again."""

    MAX_ATTEMPTS = 6

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="email"
    )
    # No index of its own: outbox_municipality_state leads with it.
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    state = models.CharField(
        max_length=20, choices=EmailState, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_queued_next",
                condition=models.Q(state="queued"),
            ),
            models.Index(
                fields=["claimed_until"],
                name="outbox_sending_lease",
                condition=models.Q(state="sending"),
            ),
            models.Index(
                fields=["municipality", "state", "-created_at"],
                name="outbox_municipality_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.state}"

    @property
    def message_id(self) -> str:
        # The same on every attempt, so a repeated delivery is recognisable as one.
        return f"<{self.public_id}@buurtkracht.reminder>"


class Preference(models.Model):
    """An optional kind of notification a user switched off. Mandatory kinds
    (statutory deadlines) are never stored here: the form does not offer them and
    the scanner ignores such a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=60)
    switched_off_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} off: {self.kind}"


class JobRun(models.Model):
    """The last run of one periodic job (a row per job, overwritten each run)."""

    name = models.CharField(max_length=200, primary_key=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    succeeded = models.BooleanField(null=True)
    result = models.CharField(max_length=500, blank=True)
    runs = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# One indexed COUNT on every page with the badge, compiled once per worker: grouped
# by the recipient, so no row when there is nothing unread.
_UNREAD_COUNT = PreparedQuery(
    lambda recipient_id: (
        Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(unread=models.Count("pk"))
        .values_list("unread")
    ),
    -918_273_645,
)


def unread_count(user: User):  # type: ignore[no-untyped-def]
    """A callable counting `user`'s unread notifications (for the nav badge)."""
    return lambda: next(iter(_UNREAD_COUNT.rows(user.pk)), (0,))[0]

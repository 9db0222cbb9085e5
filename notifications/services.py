"""Workflows of the notification centre, the preferences and the operations page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailState, Notification, OutboxEmail, Preference
from notifications.registry import kinds_for_role


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def preferences_save(*, user: User, switched_off: set[str]) -> None:
    """Store which optional kinds `user` switched off; mandatory kinds and kinds not
    meant for the user's role are ignored."""
    optional = {k.key for k in kinds_for_role(user.role) if not k.mandatory}
    off = switched_off & optional
    with transaction.atomic():
        Preference.objects.filter(user=user).exclude(kind__in=off).delete()
        Preference.objects.bulk_create(
            [Preference(user=user, kind=kind) for kind in sorted(off)],
            ignore_conflicts=True,
        )


def outbox_retry(*, email: OutboxEmail) -> bool:
    """Queue a failed e-mail once more and have the worker send it after commit.
    False (and nothing changes) when it is not failed, e.g. a second click."""
    from notifications import tasks  # the Celery client only where a task is queued

    with transaction.atomic():
        changed = OutboxEmail.objects.filter(
            pk=email.pk, state=EmailState.FAILED
        ).update(
            state=EmailState.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        if changed:
            tasks.send_outbox.delay_on_commit()
    return bool(changed)

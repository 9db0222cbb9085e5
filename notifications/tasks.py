"""Periodic reminder jobs (Celery beat runs them every minute; each is also a
management command). They are safe to run twice, at once, or after downtime: the
delivery records and their claims decide what is sent, not the task."""

from celery import shared_task
from celery.signals import worker_ready
from django.db import transaction

from notifications import outbox, scanner


@shared_task
def scan_reminders() -> str:
    """Plan the reminders of every kind and move the due ones into the outbox."""
    result = scanner.scan()
    if result.sent:
        send_outbox.delay_on_commit()
    return str(result)


@shared_task
def send_outbox() -> str:
    """Send the e-mails that are due in the outbox; transient errors wait and retry."""
    return str(outbox.send_outbox())


@worker_ready.connect
def _send_what_waited(sender=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A worker that (re)starts sends what waited in the outbox without waiting
    for the next beat tick (e.g. e-mails written while the broker was down)."""
    from notifications.outbox import publish_quietly

    # Outside a transaction on_commit runs at once.
    transaction.on_commit(
        lambda: publish_quietly(
            lambda broker: send_outbox.apply_async(connection=broker)
        )
    )

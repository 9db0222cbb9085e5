"""Periodic reminder jobs (Celery beat runs them every minute; each is also a
management command). They are safe to run twice, at once, or after downtime: the
delivery records and their claims decide what is sent, not the task."""

from celery import shared_task

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

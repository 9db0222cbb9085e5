"""Periodic reminder jobs (Celery beat runs them every minute; each is also a
management command). They are safe to run twice, at once, or after downtime: the
delivery records and their claims decide what is sent, not the task."""

import threading
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_ready, worker_shutdown
from django.db import transaction

from notifications import jobs, outbox, scanner
from socialdomain.celery import app


# Both jobs keep their state in the database (deliveries and outbox rows, claimed with
# a token and a lease), so their task messages carry nothing worth redelivering: they
# are acknowledged when a worker takes them (acks_late off). A message the worker
# still held unacknowledged when Redis went away made kombu 5.7 fail while restoring
# it ("'NoneType' object has no attribute 'hostname'") and stop the worker for good:
# the Redis fault script found it when a send_outbox was in flight at the kill. A
# lost run changes nothing: beat sends the next one within seconds, and the outbox
# listener nudges again.
@app.task(acks_late=False)
def scan_reminders() -> str:
    """Plan the reminders of every kind and move the due ones into the outbox."""
    result = scanner.scan()
    if result.sent:
        send_outbox.delay_on_commit()
    return str(result)


@app.task(acks_late=False)
def send_outbox() -> str:
    """Send the e-mails that are due in the outbox; transient errors wait and retry."""
    return str(outbox.send_outbox())


_listener_stop = threading.Event()


def _nudge() -> bool:
    """Queue one send_outbox; False when the broker does not take it."""
    published: list[bool] = []
    # Outside a transaction on_commit runs at once.
    transaction.on_commit(
        lambda: published.append(
            outbox.publish_quietly(
                lambda broker: send_outbox.apply_async(connection=broker, retry=False)
            )
        )
    )
    return all(published)


@worker_ready.connect
def _listen_for_the_outbox(sender=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A worker that (re)starts sends what waited in the outbox without waiting for
    the next beat tick (e.g. e-mails written while no worker ran), and from then on
    sends each new outbox e-mail when its transaction commits (the NOTIFY of
    `outbox.enqueue`)."""
    _listener_stop.clear()
    threading.Thread(
        target=outbox.listen_for_wakeups,
        kwargs={"publish": _nudge, "stop": _listener_stop},
        name="outbox-listener",
        daemon=True,
    ).start()


@worker_shutdown.connect
def _stop_listening(sender=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    _listener_stop.set()


# The runs of the periodic jobs, for the operations page (notifications/jobs.py).
@task_prerun.connect
def _task_started(sender: Any = None, **kwargs: Any) -> None:
    if sender is not None and sender.name in jobs.periodic_task_names():
        jobs.record_start(sender.name)


@task_postrun.connect
def _task_finished(
    sender: Any = None, retval: Any = None, state: str | None = None, **kwargs: Any
) -> None:
    if sender is None or sender.name not in jobs.periodic_task_names():
        return
    jobs.record_end(
        sender.name,
        succeeded=state == "SUCCESS",
        result=str(retval if retval is not None else state or ""),
    )

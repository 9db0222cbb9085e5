"""Exactly once, whatever fails: real Celery workers and beats, the test database
and a private Redis server per test (stopped and started at will). Only mail
delivery is captured, in files; each e-mail carries its outbox row's Message-ID."""

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications.models import (
    Delivery,
    DeliveryState,
    EmailState,
    JobRun,
    Notification,
    OutboxEmail,
)
from tests.fixtures.personas import Place
from tests.fixtures.worker import database_url

from .helpers import overdue_deadlines
from .processes import RedisServer, Stack, free_port, wait_for

pytestmark = pytest.mark.worker

SCAN = "notifications.tasks.scan_reminders"
SEND = "notifications.tasks.send_outbox"


@pytest.fixture
def stack(transactional_db: None, tmp_path: Path) -> Iterator[Stack]:
    redis = RedisServer(port=free_port(), folder=tmp_path)
    redis.start()
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    stack = Stack(redis=redis, folder=tmp_path, outbox=outbox)
    try:
        yield stack
    finally:
        stack.stop_all()
        redis.stop()


@pytest.fixture
def leads(den_helder: Place, team_lead: User) -> list[User]:
    """Two team leads: every passed deadline escalates to both."""
    return [team_lead, UserFactory(team_lead=True, team=den_helder.team)]


def all_sent(expected: int) -> bool:
    return (
        OutboxEmail.objects.filter(state=EmailState.SENT).count() == expected
        and not Delivery.objects.filter(
            state__in=[DeliveryState.PENDING, DeliveryState.CLAIMED]
        ).exists()
    )


def assert_exactly_once(stack: Stack, expected: int) -> None:
    assert Delivery.objects.count() == expected
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == expected
    assert Notification.objects.count() == expected
    emails = OutboxEmail.objects.all()
    assert {e.state for e in emails} == {EmailState.SENT}
    ids = stack.message_ids()
    doubles = {message_id: n for message_id, n in ids.items() if n > 1}
    assert doubles == {}
    assert set(ids) == {e.message_id for e in emails}
    assert len(ids) == expected


def test_kill_9_of_a_worker_in_the_middle_of_a_batch_loses_and_doubles_nothing(
    stack: Stack, den_helder: Place, caseworker: User, leads: list[User]
) -> None:
    expected = overdue_deadlines(den_helder, requests=10, caseworker=caseworker) * 2
    stack.extra_env["NOTIFICATIONS_BATCH_SIZE"] = "40"
    first = stack.worker("first")
    # Hold the notification table, so the worker stops inside its batch
    # transaction: rows claimed and updated, nothing committed.
    with psycopg.connect(database_url(connection.settings_dict)) as holder:
        holder.execute("LOCK TABLE notifications_notification IN EXCLUSIVE MODE")
        stack.send(SCAN)

        def stuck() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                    "'Lock' AND query LIKE 'INSERT INTO \"notifications_notification\"%%'"
                )
                return cursor.fetchone()[0] == 1

        wait_for(stuck, 60, "the worker to block inside its batch")
        assert Delivery.objects.filter(state=DeliveryState.CLAIMED).count() == 40
        stack.kill(first)
        holder.rollback()

    def dead_backend_gone() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE query LIKE 'INSERT INTO \"notifications_notification\"%%'"
            )
            return cursor.fetchone()[0] == 0

    wait_for(dead_backend_gone, 30, "the killed worker's transaction to end")
    # The batch rolled back: claimed rows, no notification, no e-mail.
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert Delivery.objects.filter(state=DeliveryState.CLAIMED).count() == 40
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 0

    stack.worker("second")
    # After the lease (3 s here) the next scan takes the abandoned batch too.
    wait_for(
        lambda: (
            not Delivery.objects.filter(
                state=DeliveryState.CLAIMED, claimed_until__gt=connection_now()
            ).exists()
        ),
        30,
        "the lease to run out",
    )
    stack.send(SCAN)
    wait_for(lambda: all_sent(expected), 90, f"{expected} e-mails")
    assert_exactly_once(stack, expected)


def connection_now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


def test_kill_9_of_a_worker_while_it_sends_e_mails_loses_and_doubles_nothing(
    stack: Stack, den_helder: Place, caseworker: User, leads: list[User]
) -> None:
    """Killed while talking to the mail server, before it accepted the message: the
    batch's remaining e-mails (that one included) go out once, after the lease.
    (Killed in the microseconds after the server accepted and before our UPDATE
    commits, that one message would go out twice, with the same Message-ID: the
    mail hop is at-least-once; see notifications.outbox.)"""
    expected = overdue_deadlines(den_helder, requests=6, caseworker=caseworker) * 2
    stack.mail_delay = 0.4
    first = stack.worker("first")
    stack.send(SCAN)
    wait_for(lambda: len(stack.emails()) >= 5, 90, "the first e-mails")
    conversation = stack.outbox / "conversation"

    def talking_about_an_unsent_one() -> bool:
        current = conversation.read_text()
        return bool(current) and current not in stack.message_ids()

    wait_for(talking_about_an_unsent_one, 30, "the next conversation")
    stack.kill(first)
    delivered = stack.message_ids()
    assert conversation.read_text() not in delivered
    assert 5 <= len(delivered) < expected
    # Killed in the middle of its batch: the rest is still claimed by the dead one.
    assert OutboxEmail.objects.filter(state=EmailState.SENDING).exists()

    stack.mail_delay = 0.0
    stack.worker("second")
    wait_for(
        lambda: (
            not OutboxEmail.objects.filter(
                state=EmailState.SENDING, claimed_until__gt=connection_now()
            ).exists()
        ),
        30,
        "the lease to run out",
    )
    stack.send(SEND)
    wait_for(lambda: all_sent(expected), 90, f"{expected} e-mails")
    assert_exactly_once(stack, expected)


def test_scanners_running_at_the_same_time_send_each_reminder_once(
    stack: Stack, den_helder: Place, caseworker: User, leads: list[User]
) -> None:
    UserFactory(team_lead=True, team=den_helder.team)
    expected = overdue_deadlines(den_helder, requests=40, caseworker=caseworker) * 3
    stack.extra_env["NOTIFICATIONS_BATCH_SIZE"] = "25"
    stack.mail_delay = 0.003
    scanners = [
        stack.command(f"scanner{n}", "scan_reminders", "--send") for n in range(3)
    ]
    for process in scanners:
        assert process.wait(timeout=180) == 0
    outputs = [stack.log(f"scanner{n}") for n in range(3)]
    assert all_sent(expected), outputs
    assert_exactly_once(stack, expected)
    # They really overlapped: more than one of them claimed or sent something.
    busy = [
        out
        for out in outputs
        if "claimed 0," not in out or "E-mails: sent 0," not in out
    ]
    assert len(busy) >= 2, outputs


def test_two_beat_processes_send_each_reminder_once(
    stack: Stack, den_helder: Place, caseworker: User, leads: list[User]
) -> None:
    expected = overdue_deadlines(den_helder, requests=20, caseworker=caseworker) * 2
    stack.worker("worker1")
    stack.worker("worker2")
    stack.beat("beat1")
    stack.beat("beat2")
    wait_for(lambda: all_sent(expected), 120, f"{expected} e-mails")
    # Let both beats tick a few more times over the finished work.
    runs = JobRun.objects.get(name=SCAN).runs
    wait_for(lambda: JobRun.objects.get(name=SCAN).runs >= runs + 4, 60, "more scans")
    assert "Sending due task scan-reminders" in stack.log("beat1")
    assert "Sending due task scan-reminders" in stack.log("beat2")
    assert_exactly_once(stack, expected)


def test_redis_down_loses_no_reminder_and_doubles_none(
    stack: Stack, den_helder: Place, caseworker: User, leads: list[User]
) -> None:
    """Redis is stopped and comes back empty (no persistence): every queued task is
    gone, which is worse than an hour of downtime. The reminders that fell due
    meanwhile (their due moments lie in the past) are sent when it is back."""
    before = overdue_deadlines(den_helder, requests=4, caseworker=caseworker) * 2
    stack.worker("worker")
    stack.beat("beat")
    wait_for(lambda: all_sent(before), 90, f"{before} e-mails")

    stack.redis.stop()
    during = overdue_deadlines(den_helder, requests=4, caseworker=caseworker) * 2
    scans = JobRun.objects.get(name=SCAN).runs
    wait_for(lambda: "Connection refused" in stack.log("worker"), 30, "the outage")
    # Nothing runs while Redis is down: no scan, the new reminders wait as data.
    assert JobRun.objects.get(name=SCAN).runs == scans
    assert OutboxEmail.objects.count() == before

    stack.redis.start()
    wait_for(lambda: all_sent(before + during), 120, "the e-mails after the outage")
    assert_exactly_once(stack, before + during)

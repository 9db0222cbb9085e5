"""The receipt of a help request is an outbox row written in the submission's own
transaction (a transactional outbox): it exists exactly when the request does, the
submission does not depend on the broker, and the sweeper sends each row once, also
when two sweepers run at the same time."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from citizens.models import HelpRequest
from citizens.services import help_request_submit
from citizens.tests.factories import (
    HelpRequestDraftFactory,
    answers_for_someone_else,
)
from citizens.tests.helpers import fill_steps, send_url, start_draft
from municipalities.models import PostcodeArea
from notifications import outbox
from notifications.models import Delivery, DeliveryState, EmailState, OutboxEmail
from socialdomain.celery import app as celery_app
from tests.fixtures.personas import client_for

RECEIVED = "citizens.help_request_received"
INVITATION = "citizens.follow_invitation"


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> str:
    """The broker URL points at a port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    return url


@pytest.mark.django_db
def test_the_receipt_row_is_written_in_the_submissions_transaction(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    with transaction.atomic():
        help_request_submit(draft=draft, user=resident)
        # Inside the transaction: the request and its receipt exist together ...
        [email] = OutboxEmail.objects.select_related("delivery")
        assert email.delivery.kind == RECEIVED
        assert email.state == EmailState.QUEUED
        transaction.set_rollback(True)
    # ... and a rolled-back submission leaves neither.
    assert not HelpRequest.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert not Delivery.objects.exists()

    help_request = help_request_submit(draft=draft, user=resident)
    [email] = OutboxEmail.objects.select_related("delivery")
    assert email.delivery.object_id == str(help_request.pk)
    assert email.delivery.recipient == resident
    assert email.delivery.state == DeliveryState.SENT
    assert email.municipality_id == help_request.municipality_id
    # Submitting the same draft again is the same request and the same one row.
    assert help_request_submit(draft=draft, user=resident) == help_request
    assert OutboxEmail.objects.count() == 1


@pytest.mark.django_db
def test_a_request_on_someones_behalf_also_queues_the_invitation(
    resident: User, den_helder_postcode: PostcodeArea, locmem: list
) -> None:
    answers = answers_for_someone_else()
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)
    help_request = help_request_submit(draft=draft, user=resident)
    kinds = sorted(OutboxEmail.objects.values_list("delivery__kind", flat=True))
    assert kinds == [INVITATION, RECEIVED]

    result = outbox.send_outbox()

    assert result.sent == 2
    assert sorted(m.to[0] for m in locmem) == sorted(
        [resident.email, "oma@example.test"]
    )
    assert all(help_request.reference in m.body for m in locmem)


@pytest.mark.django_db
def test_the_submission_succeeds_quickly_with_the_broker_down_and_mails_later(
    resident: User,
    den_helder_postcode: PostcodeArea,
    broker_down: str,
    locmem: list,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(send_url(draft))
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    # The request never talks to the broker: the worker is woken by a NOTIFY.
    assert callbacks == []
    assert elapsed < 2.0, f"the submission waited {elapsed:.2f} s for the broker"
    help_request = HelpRequest.objects.get()
    assert OutboxEmail.objects.get().state == EmailState.QUEUED
    assert locmem == []

    # The broker is back: the periodic sweep sends the receipt, once.
    assert outbox.send_outbox().sent == 1
    assert outbox.send_outbox().sent == 0
    [receipt] = locmem
    assert receipt.to == [resident.email]
    assert help_request.reference in receipt.body
    assert receipt.extra_headers["Message-ID"] == OutboxEmail.objects.get().message_id


@pytest.mark.django_db
def test_a_receipt_whose_request_is_gone_is_cancelled_not_sent(
    resident: User, den_helder_postcode: PostcodeArea, locmem: list
) -> None:
    help_request = help_request_submit(
        draft=HelpRequestDraftFactory(owner=resident), user=resident
    )
    User.objects.filter(pk=resident.pk).update(is_active=False)

    result = outbox.send_outbox()

    assert (result.sent, result.cancelled) == (0, 1)
    assert locmem == []
    assert not OutboxEmail.objects.exists()
    delivery = Delivery.objects.get(object_id=str(help_request.pk))
    assert delivery.state == DeliveryState.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_the_same_time_send_every_receipt_once(
    resident: User,
    den_helder_postcode: PostcodeArea,
    locmem: list,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    count = 30
    # Without the wake-up at commit: a worker of the test session (started by an
    # earlier test) would otherwise send the rows before the two sweepers race.
    monkeypatch.setattr(outbox, "WAKE_CHANNEL", "nobody_listens_here")
    for _ in range(count):
        help_request_submit(
            draft=HelpRequestDraftFactory(owner=resident), user=resident
        )
    # Small batches, so the two sweepers interleave over many claims.
    monkeypatch.setattr(outbox, "BATCH_SIZE", 5)
    barrier = threading.Barrier(2)
    results: list[outbox.SendResult] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(outbox.send_outbox())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(r.sent for r in results) == count
    ids = Counter(m.extra_headers["Message-ID"] for m in locmem)
    assert len(ids) == count
    assert max(ids.values()) == 1
    assert OutboxEmail.objects.filter(state=EmailState.SENT).count() == count


@pytest.mark.django_db
def test_the_outbox_adds_a_fixed_number_of_queries_to_the_submission(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    with CaptureQueriesContext(connection) as queries:
        help_request_submit(draft=draft, user=resident)
    outbox_queries = [
        q["sql"]
        for q in queries.captured_queries
        if "notifications_" in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    # The delivery, the e-mail and the wake-up in one statement.
    assert len(outbox_queries) == 1, outbox_queries

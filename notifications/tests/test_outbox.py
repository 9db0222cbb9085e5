"""The outbox: HTML and text in the recipient's language, transient failures retried
with a growing wait, permanent ones and the last attempt recorded as failed."""

import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from notifications.models import EmailState, OutboxEmail
from notifications.outbox import backoff, send_outbox
from notifications.scanner import scan
from notifications.tests.mailbackends import FlakyBackend
from tests.fixtures.personas import Place

from .helpers import deadline_for


def _one_email(place: Place, caseworker: User) -> OutboxEmail:
    deadline_for(place, caseworker, timezone.localdate() - timedelta(days=10))
    scan()
    return OutboxEmail.objects.get()


def test_the_e_mail_has_text_and_html_in_the_recipients_language(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    team_lead.language = "en"
    team_lead.save()
    _one_email(den_helder, caseworker)
    send_outbox()

    [message] = mailbox
    assert message.to == [team_lead.email]
    assert message.subject.startswith("Deadline passed: HV-")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "has not been met" in message.body and "has not been met" in html
    assert message.extra_headers["Message-ID"].endswith("@buurtkracht.reminder>")

    team_lead.language = "nl"
    team_lead.save()
    email = OutboxEmail.objects.get()
    OutboxEmail.objects.filter(pk=email.pk).update(state=EmailState.QUEUED)
    send_outbox()
    assert mailbox[1].subject.startswith("Termijn verstreken: HV-")


def test_a_transient_failure_is_retried_with_a_growing_wait(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    email = _one_email(den_helder, caseworker)
    FlakyBackend.failures = 2
    start = timezone.now()
    with freeze_time(start):
        assert send_outbox().retried == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.QUEUED, 1)
    assert email.next_attempt_at == start + backoff(1)
    assert "SMTPServerDisconnected" in email.last_error
    with freeze_time(start + timedelta(seconds=10)):
        assert send_outbox().retried == 0  # not due yet
    with freeze_time(start + timedelta(seconds=31)):
        assert send_outbox().retried == 1
    email.refresh_from_db()
    assert email.next_attempt_at == start + timedelta(seconds=31) + backoff(2)
    assert backoff(2) == timedelta(seconds=60)
    with freeze_time(start + timedelta(minutes=5)):
        assert send_outbox().sent == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (EmailState.SENT, 3, "")
    assert len(mailbox) == 1


def test_after_the_last_attempt_the_e_mail_is_failed_and_stays_visible(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    email = _one_email(den_helder, caseworker)
    FlakyBackend.failures = 100
    moment = timezone.now()
    for _ in range(OutboxEmail.MAX_ATTEMPTS):
        moment += timedelta(hours=1)
        with freeze_time(moment):
            send_outbox()
    email.refresh_from_db()
    assert (email.state, email.attempts) == (
        EmailState.FAILED,
        OutboxEmail.MAX_ATTEMPTS,
    )
    with freeze_time(moment + timedelta(days=1)):
        assert send_outbox().sent == 0
    assert mailbox == []


def test_a_permanent_failure_is_not_retried(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    email = _one_email(den_helder, caseworker)
    FlakyBackend.permanent = True
    assert send_outbox().failed == 1
    email.refresh_from_db()
    assert email.state == EmailState.FAILED
    assert "SMTPRecipientsRefused" in email.last_error


def test_a_vanished_delivery_leaves_nothing_to_send(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    email = _one_email(den_helder, caseworker)
    email.delivery.delete()
    assert send_outbox().sent == 0
    assert mailbox == []


def test_a_batch_cut_off_by_a_database_restart_is_sent_by_the_next_run_not_after_the_lease(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    overdue = timezone.localdate() - timedelta(days=10)
    deadline_for(den_helder, caseworker, overdue)
    deadline_for(den_helder, caseworker, overdue)
    scan()
    ours, theirs = OutboxEmail.objects.order_by("pk")
    # Another worker's claim within its lease: not this worker's to give back.
    OutboxEmail.objects.filter(pk=theirs.pk).update(
        state=EmailState.SENDING,
        claim_token=uuid.uuid4(),
        claimed_until=timezone.now() + timedelta(minutes=5),
    )
    FlakyBackend.database_gone = True
    with pytest.raises(OperationalError):
        send_outbox()
    ours.refresh_from_db()
    assert ours.state == EmailState.SENDING  # claimed, its lease still running
    assert ours.claimed_until > timezone.now() + timedelta(minutes=4)
    assert mailbox == []

    assert send_outbox().sent == 1  # at once, not when the lease runs out
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.state == EmailState.SENT
    assert theirs.state == EmailState.SENDING
    assert [m.extra_headers["Message-ID"] for m in mailbox] == [
        f"<{ours.public_id}@buurtkracht.reminder>"
    ]

"""Sending the outbox through Django's mail backend, with retries.

An e-mail is claimed like a delivery (token and lease), sent, and marked sent by
its token. The one moment that cannot be made atomic is between the mail server
accepting a message and our UPDATE committing: a worker killed exactly there sends
that one message again after the lease, with the same Message-ID. Everything
before (rendering, connecting, the SMTP conversation) is safe to interrupt.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.tasks import TRANSIENT_MAIL_ERRORS
from notifications.models import EmailState, OutboxEmail
from notifications.registry import REGISTRY
from socialdomain.lib.email import render_email

logger = logging.getLogger(__name__)

BATCH_SIZE = 200


def is_transient(error: Exception) -> bool:
    """Worth another try: the connection failed, or the server answered 4xx."""
    if isinstance(error, TRANSIENT_MAIL_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... at most 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 30 * 60))


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retried}, failed {self.failed}"


CLAIM_SQL = """
UPDATE notifications_outboxemail
   SET state = 'sending', claim_token = %(token)s, claimed_until = %(until)s,
       attempts = attempts + 1
 WHERE id IN (
       SELECT id FROM notifications_outboxemail
        WHERE state = 'queued' AND next_attempt_at <= %(now)s
        ORDER BY next_attempt_at
        LIMIT %(limit)s
          FOR UPDATE SKIP LOCKED)
RETURNING id
"""


def release_expired(*, now: datetime) -> int:
    return OutboxEmail.objects.filter(
        state=EmailState.SENDING, claimed_until__lt=now
    ).update(state=EmailState.QUEUED, claim_token=None, claimed_until=None)


def claim(*, now: datetime, limit: int = BATCH_SIZE) -> tuple[uuid.UUID, list[int]]:
    token = uuid.uuid4()
    until = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL, {"token": token, "until": until, "now": now, "limit": limit}
        )
        return token, [row[0] for row in cursor.fetchall()]


def build(email: OutboxEmail):  # type: ignore[no-untyped-def]
    delivery = email.delivery
    kind = REGISTRY[delivery.kind]
    user = delivery.recipient
    language = user.language if user else settings.LANGUAGE_CODE
    with translation.override(language):
        message = kind.message(delivery.params)
    built = render_email(
        template="notification",
        context={"message": message, "user": user, "kind": kind},
        language=language,
        to=[user.email if user else delivery.address],
    )
    built.extra_headers["Message-ID"] = email.message_id
    return built


def _mark(email: OutboxEmail, token: uuid.UUID, **fields: object) -> None:
    OutboxEmail.objects.filter(pk=email.pk, claim_token=token).update(
        claim_token=None, claimed_until=None, **fields
    )


def send_batch(*, now: datetime | None = None, result: SendResult) -> int:
    now = now or timezone.now()
    token, ids = claim(now=now)
    if not ids:
        return 0
    emails = OutboxEmail.objects.filter(pk__in=ids, claim_token=token).select_related(
        "delivery__recipient"
    )
    mail = get_connection()
    try:
        mail.open()
    except Exception as error:
        # The mail server cannot be reached: the whole batch waits and tries again.
        OutboxEmail.objects.filter(pk__in=ids, claim_token=token).update(
            state=EmailState.QUEUED,
            claim_token=None,
            claimed_until=None,
            next_attempt_at=timezone.now() + backoff(1),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
        result.retried += len(ids)
        return len(ids)
    with mail:
        for email in emails:
            try:
                message = build(email)
                message.connection = mail
                message.send()
            except Exception as error:
                if not is_transient(error):
                    logger.exception("e-mail %s failed for good", email.pk)
                    _mark(
                        email,
                        token,
                        state=EmailState.FAILED,
                        last_error=f"{type(error).__name__}: {error}"[:500],
                    )
                    result.failed += 1
                    continue
                final = email.attempts >= OutboxEmail.MAX_ATTEMPTS
                _mark(
                    email,
                    token,
                    state=EmailState.FAILED if final else EmailState.QUEUED,
                    next_attempt_at=timezone.now() + backoff(email.attempts),
                    last_error=f"{type(error).__name__}: {error}"[:500],
                )
                if final:
                    result.failed += 1
                else:
                    result.retried += 1
            else:
                _mark(
                    email,
                    token,
                    state=EmailState.SENT,
                    sent_at=timezone.now(),
                    subject=message.subject[:300],
                    last_error="",
                )
                result.sent += 1
    return len(ids)


def send_outbox(
    *, now: datetime | None = None, max_batches: int | None = None
) -> SendResult:
    """Send what is due in the outbox, batch by batch."""
    result = SendResult()
    release_expired(now=now or timezone.now())
    batches = 0
    while max_batches is None or batches < max_batches:
        if not send_batch(now=now, result=result):
            break
        batches += 1
    return result

"""Sending the outbox through Django's mail backend, with retries.

Rows come from the scanner (reminders) and from workflows that write their e-mail in
their own transaction (`enqueue`, e.g. the receipt of a help request): nothing
depends on the broker answering when the row is written. The same statement sends a
PostgreSQL NOTIFY, delivered at COMMIT and dropped on rollback; each Celery worker
LISTENs (`listen_for_wakeups`) and turns a burst of them into one `send_outbox`
task, so the web request never talks to the broker. The periodic `send_outbox` (and a
starting worker) picks up whatever is left, e.g. when no worker was listening.

An e-mail is claimed like a delivery (token and lease), sent, and marked sent by
its token, in one transaction per e-mail. The one moment that cannot be made atomic
with SMTP is between the mail server accepting a message and our COMMIT: a worker
killed exactly there sends that one message again after the lease, with the same
Message-ID. A mail backend that records into this database (as the fault scripts'
does) commits with the mark, so there it is exactly once. Everything before
(rendering, connecting, the SMTP conversation) is safe to interrupt.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone, translation

from notifications.leases import DATABASE_GONE, UnfinishedClaims
from notifications.models import Delivery, DeliveryState, EmailState, OutboxEmail
from notifications.registry import REGISTRY, TransactionalKind
from socialdomain.lib.email import TRANSIENT_MAIL_ERRORS, render_email
from socialdomain.lib.inserts import Literal, insert_values

if TYPE_CHECKING:
    from accounts.models import User

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
    cancelled: int = 0

    def __str__(self) -> str:
        text = f"sent {self.sent}, to retry {self.retried}, failed {self.failed}"
        return text + (f", cancelled {self.cancelled}" if self.cancelled else "")


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


unfinished = UnfinishedClaims(
    OutboxEmail, claimed=EmailState.SENDING, free=EmailState.QUEUED
)


def release_expired(*, now: datetime) -> int:
    return OutboxEmail.objects.filter(
        state=EmailState.SENDING, claimed_until__lt=now
    ).update(state=EmailState.QUEUED, claim_token=None, claimed_until=None)


def claim(*, now: datetime, limit: int | None = None) -> tuple[uuid.UUID, list[int]]:
    limit = limit or BATCH_SIZE
    token = uuid.uuid4()
    until = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL, {"token": token, "until": until, "now": now, "limit": limit}
        )
        return token, [row[0] for row in cursor.fetchall()]


# The channel of the wake-up NOTIFY; only tests change it.
WAKE_CHANNEL = "notifications_outbox"


def transactional_parts(
    *,
    name: str,
    kind: TransactionalKind,
    object_id: object = None,
    object_id_sql: str = "",
    recipient: User | None = None,
    recipient_id_sql: str = "",
    address: str = "",
    address_sql: str = "",
    municipality_id: int | None = None,
    municipality_id_sql: str = "",
    params: dict[str, Any] | None = None,
    source: str = "",
    now: datetime | None = None,
    now_sql: str = "",
) -> tuple[str, list[Any]]:
    """Two WITH items, `{name}_delivery` and `{name}_email` (each RETURNING id), that
    write an e-mail of a transactional kind into the outbox, and their parameters:
    the delivery (ON CONFLICT DO NOTHING on its unique constraint, so twice for the
    same kind, object and recipient is one e-mail) and the e-mail when the delivery
    is new. With `source` (a WITH item of the caller's statement) the delivery is
    written once per row of it, and `object_id_sql`, `recipient_id_sql` (the
    recipient's user id), `address_sql`, `municipality_id_sql` and `now_sql` (the
    moment) may name its columns. The e-mail takes its municipality and moment from
    its delivery. Public ids are the database's (gen_random_uuid(), a version 4
    UUID as the field's default makes), and what is empty is written in: the
    statement of a caller that gives everything else as SQL has no parameters."""
    assert kind.key in REGISTRY, kind.key
    assert (object_id is None) != (not object_id_sql), "object_id or object_id_sql"
    now = now or timezone.now()
    key = f"u{recipient.pk}" if recipient is not None else f"e{address.lower()}"
    # Values, not instances (insert_values): this runs in every submission.
    delivery = {
        "kind": Literal(kind.key),
        "object_id": "" if object_id is None else str(object_id),
        "due_at": Literal(TRANSACTIONAL_DUE_AT),
        "recipient_key": key,
        "recipient_id": Literal(None) if recipient is None else recipient.pk,
        "address": address or Literal(""),
        "municipality_id": Literal(None)
        if municipality_id is None
        else municipality_id,
        "params": params or {},
        "state": Literal(DeliveryState.SENT),
        "created_at": now,
        "finished_at": now,
    }
    key_sql = (
        f"'u' || ({recipient_id_sql})"
        if recipient_id_sql
        else f"'e' || lower({address_sql})"
        if address_sql
        else ""
    )
    columns = {
        "public_id": "gen_random_uuid()",
        "created_at": now_sql,
        "finished_at": now_sql,
        "object_id": object_id_sql,
        "recipient_id": recipient_id_sql,
        "recipient_key": key_sql,
        "address": address_sql,
        "municipality_id": municipality_id_sql,
        "params": "" if params else "'{}'::jsonb",
    }
    moment = f"{name}_delivery.created_at"
    d_insert, d_params = insert_values(
        Delivery,
        delivery,
        sql={c: sql for c, sql in columns.items() if sql},
        source=source,
    )
    e_insert, e_params = insert_values(
        OutboxEmail,
        {},
        sql={
            "public_id": "gen_random_uuid()",
            "delivery_id": f"{name}_delivery.id",
            "municipality_id": f"{name}_delivery.municipality_id",
            "next_attempt_at": moment,
            "created_at": moment,
        },
        source=f"{name}_delivery",
    )
    ctes = (
        f"{name}_delivery AS ({d_insert} ON CONFLICT DO NOTHING "
        "RETURNING id, municipality_id, created_at), "
        f"{name}_email AS ({e_insert} RETURNING id)"
    )
    return ctes, [*d_params, *e_params]


def enqueue(
    *,
    kind: TransactionalKind,
    object_id: object,
    recipient: User | None = None,
    address: str = "",
    municipality_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> int | None:
    """Write an e-mail of a transactional kind into the outbox, in the caller's
    transaction (so it exists exactly when what it is about exists), and wake a
    worker at commit. Twice for the same (kind, object, recipient) is one e-mail:
    returns the new e-mail's id, or None when it was there already. One statement:
    `transactional_parts` and the NOTIFY."""
    ctes, values = transactional_parts(
        name="mail",
        kind=kind,
        object_id=object_id,
        recipient=recipient,
        address=address,
        municipality_id=municipality_id,
        params=params,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {ctes} SELECT (SELECT id FROM mail_email), pg_notify(%s, '')",
            [*values, WAKE_CHANNEL],
        )
        return cursor.fetchone()[0]


# Transactional e-mails have no due moment; one fixed value keeps the unique
# constraint (kind, object, due moment, recipient) meaning "once per object".
TRANSACTIONAL_DUE_AT = datetime(2000, 1, 1, tzinfo=UTC)

# How long the listener waits on an idle channel, and between tries of a nudge the
# broker did not take.
LISTEN_IDLE_SECONDS = 30.0
WAKE_RETRY_SECONDS = 2.0


def listen_for_wakeups(*, publish: Callable[[], bool], stop: threading.Event) -> None:
    """Worker side of the wake-up: LISTEN on WAKE_CHANNEL with a connection of its
    own and call `publish()` (which queues one send_outbox) once per burst of
    notifications. A nudge the broker did not take is tried again every
    WAKE_RETRY_SECONDS until it is; after (re)connecting it nudges once, for the
    notifications nobody heard meanwhile. Runs until `stop` is set."""
    from django.db import connections

    pending = True
    while not stop.is_set():
        wrapper = connections.create_connection("default")
        try:
            wrapper.ensure_connection()
            raw = wrapper.connection
            raw.execute(f"LISTEN {connection.ops.quote_name(WAKE_CHANNEL)}")
            while not stop.is_set():
                timeout = WAKE_RETRY_SECONDS if pending else LISTEN_IDLE_SECONDS
                heard = any(True for _ in raw.notifies(timeout=timeout, stop_after=1))
                if heard:
                    # The rest of the burst: one task sends them all.
                    for _ in raw.notifies(timeout=0.05):
                        pass
                if heard or pending:
                    pending = not publish()
        except Exception as error:  # noqa: BLE001 - reconnect after a pause
            logger.warning(
                "outbox listener lost its connection (%s: %s); reconnecting",
                type(error).__name__,
                error,
            )
            pending = True
            stop.wait(WAKE_RETRY_SECONDS)
        finally:
            wrapper.close()


def publish_quietly(publish: Callable[[Any], object]) -> bool:
    """Run `publish(broker connection)` with CELERY_PUBLISH_TIMEOUT and no retries;
    log and return False when the broker does not take it."""
    from socialdomain.celery import app

    timeout = settings.CELERY_PUBLISH_TIMEOUT
    started = time.monotonic()
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "max_retries": 0,
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
            },
        ) as broker:
            publish(broker)
    except Exception as error:  # noqa: BLE001 - a nudge may fail; the rows wait
        logger.warning(
            "outbox kick not published after %.2f s (%s: %s); the periodic "
            "send_outbox sends the e-mail",
            time.monotonic() - started,
            type(error).__name__,
            error,
        )
        return False
    return True


def build(email: OutboxEmail):  # type: ignore[no-untyped-def]
    """The message of `email`, or None when its kind says it no longer applies."""
    delivery = email.delivery
    kind = REGISTRY[delivery.kind]
    if isinstance(kind, TransactionalKind):
        built = kind.email(delivery)
        if built is None:
            return None
    else:
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


def _cancel(email: OutboxEmail, token: uuid.UUID) -> None:
    """A transactional e-mail that no longer applies (its object is gone, the
    person has already acted): the row goes, its delivery says why."""
    if OutboxEmail.objects.filter(pk=email.pk, claim_token=token).delete()[0]:
        Delivery.objects.filter(pk=email.delivery_id).update(
            state=DeliveryState.CANCELLED, reason="no longer applies when sent"
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
    with unfinished.working_off(token):
        _send_claimed(emails, token, mail, result)
    return len(ids)


def _send_claimed(emails: Any, token: uuid.UUID, mail: Any, result: SendResult) -> None:
    with mail:
        for email in emails:
            try:
                # Sent and marked in one transaction: a mail backend that records
                # into this database commits with the mark (see the docstring).
                with transaction.atomic():
                    message = build(email)
                    if message is None:
                        _cancel(email, token)
                        result.cancelled += 1
                        continue
                    message.connection = mail
                    message.send()
                    _mark(
                        email,
                        token,
                        state=EmailState.SENT,
                        sent_at=timezone.now(),
                        subject=message.subject[:300],
                        last_error="",
                    )
            except DATABASE_GONE:
                raise
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
                result.sent += 1


def send_outbox(
    *, now: datetime | None = None, max_batches: int | None = None
) -> SendResult:
    """Send what is due in the outbox, batch by batch."""
    result = SendResult()
    unfinished.release()
    release_expired(now=now or timezone.now())
    batches = 0
    while max_batches is None or batches < max_batches:
        if not send_batch(now=now, result=result):
            break
        batches += 1
    return result

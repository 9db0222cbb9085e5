"""The fault scripts' mail server: every message Django's mail backend is given is
rendered (as SMTP would send it) and recorded as a row of `faults_sent_mail`, in the
caller's database transaction. The outbox sends and marks an e-mail in one
transaction, so a worker killed at any moment leaves either both or neither."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        # A slower mail server, to give a kill something to interrupt.
        delay = float(os.environ.get("FAULTS_MAIL_DELAY", "0"))
        with connection.cursor() as cursor:
            for message in messages:
                raw = message.message().as_bytes()
                if delay:
                    time.sleep(delay)
                cursor.execute(
                    "INSERT INTO faults_sent_mail "
                    "(message_id, recipients, subject, size, pid) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [
                        str(message.extra_headers.get("Message-ID", "")),
                        ", ".join(message.recipients()),
                        message.subject,
                        len(raw),
                        os.getpid(),
                    ],
                )
        return len(messages)

"""Mail delivery is the one thing the tests capture. These backends stand in for a
mail server: a slow one (the SMTP conversation takes time before the server
accepts) and a flaky one (the server hangs up for the first few messages)."""

import os
import smtplib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError


class SlowFileBackend(FileBackend):
    """Writes each message to the outbox file only after MAIL_DELAY seconds, the way
    a mail server accepts a message only at the end of the conversation."""

    def write_message(self, message: EmailMessage) -> None:
        # Which message is "in conversation", for a test that kills the worker then.
        Path(self.file_path, "conversation").write_text(
            str(message.extra_headers.get("Message-ID", ""))
        )
        time.sleep(float(os.environ.get("MAIL_DELAY", "0")))
        super().write_message(message)
        self.stream.flush()


class FlakyBackend(LocmemBackend):
    """Hangs up on the first `failures` messages, then delivers to mail.outbox."""

    failures = 0
    permanent = False
    # The next message finds the database gone (PostgreSQL restarted under us).
    database_gone = False

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if FlakyBackend.database_gone:
            FlakyBackend.database_gone = False
            raise OperationalError("server closed the connection unexpectedly")
        if FlakyBackend.permanent:
            raise smtplib.SMTPRecipientsRefused({"x@example.test": (550, b"no")})
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        return super().send_messages(messages)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

"""Claims a worker could not finish because the database went away.

Deliveries (scanner) and outbox e-mails (outbox) are claimed with a token and a
lease in one transaction and worked off in later ones. When the connection to
PostgreSQL is lost in between (a restart, a failover), the claim stays behind until
its lease runs out (NOTIFICATIONS_LEASE_SECONDS, five minutes by default). The
worker process knows its own tokens, though: it keeps them here and gives them back
at the start of its next run, once the database answers again, so reminders and
receipts go out seconds after the outage rather than minutes. The lease stays the
safety net for a worker that died.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import InterfaceError, OperationalError

# What a lost or refused connection raises.
DATABASE_GONE = (OperationalError, InterfaceError)


class UnfinishedClaims:
    def __init__(self, model: Any, *, claimed: str, free: str) -> None:
        self.model = model
        self.claimed = claimed
        self.free = free
        self.tokens: set[uuid.UUID] = set()

    @contextmanager
    def working_off(self, token: uuid.UUID) -> Iterator[None]:
        """Remember `token` when the database goes away while it is worked off."""
        try:
            yield
        except DATABASE_GONE:
            self.tokens.add(token)
            raise

    def release(self) -> int:
        """Give this process's unfinished claims back; the number of rows freed."""
        if not self.tokens:
            return 0
        tokens = list(self.tokens)
        freed = self.model.objects.filter(
            state=self.claimed, claim_token__in=tokens
        ).update(state=self.free, claim_token=None, claimed_until=None)
        self.tokens.difference_update(tokens)
        return freed

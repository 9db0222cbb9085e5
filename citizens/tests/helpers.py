"""Walking the steps of asking for help with the test client, and reading e-mails."""

import re
import threading
import time
from email.message import Message as EmailMessage
from typing import Any

from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from citizens.models import HelpRequestDraft
from citizens.services import CONFIRMATION_SALT
from citizens.steps import STEPS
from citizens.tests.factories import complete_answers

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def start_draft(client: Client) -> HelpRequestDraft:
    response = client.post(reverse("citizens:ask_start"))
    assert response.status_code == 302
    public_id = re.search(UUID, response["Location"]).group(0)
    return HelpRequestDraft.objects.get(public_id=public_id)


def step_url(draft: HelpRequestDraft, slug: str) -> str:
    return reverse("citizens:ask_step", args=[draft.public_id, slug])


def review_url(draft: HelpRequestDraft) -> str:
    return reverse("citizens:ask_review", args=[draft.public_id])


def send_url(draft: HelpRequestDraft) -> str:
    return reverse("citizens:ask_send", args=[draft.public_id])


def confirm_path(draft: HelpRequestDraft, email: str) -> str:
    """The link the address-confirmation e-mail would carry for `email` (for tests
    without a worker; the worker tests take it from the real e-mail)."""
    draft.email = email
    draft.save(update_fields=["email"])
    token = signing.dumps(
        {"draft": str(draft.public_id), "email": email}, salt=CONFIRMATION_SALT
    )
    return reverse("citizens:confirm_email", args=[token])


def fill_steps(
    client: Client,
    draft: HelpRequestDraft,
    answers: dict[str, dict[str, Any]] | None = None,
    until: str | None = None,
) -> None:
    """Answer every step (or those before `until`) as a visitor pressing Next."""
    answers = answers or complete_answers()
    for step in STEPS:
        if step.slug == until:
            return
        response = client.post(step_url(draft, step.slug), answers[step.slug])
        assert response.status_code == 302, (step.slug, response.context["form"].errors)


def unsafe_alert_shown(html: str) -> bool:
    tag = re.search(r'<div[^>]*id="unsafe-alert"[^>]*>', html)
    assert tag, "the page has no unsafe alert"
    return re.search(r"\shidden[\s>=]", tag.group(0)) is None


def email_parts(message: EmailMessage) -> str:
    """Subject and every text part of an e-mail, for checking what it says."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_payload(decode=True).decode())
    return "\n".join(parts)


def link_path(message: EmailMessage, prefix: str) -> str:
    """The path of the first link in the e-mail that starts with `prefix`."""
    text = email_parts(message)
    match = re.search(r"https?://[^/\s\"]+(" + re.escape(prefix) + r"[^\s\"<]+)", text)
    assert match, f"no {prefix} link in:\n{text}"
    return match.group(1)


def wait_until_blocked_on_locks(count: int, timeout: float = 10.0) -> None:
    """Wait until `count` other sessions of this database wait for a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction PostgreSQL keeps showing the first snapshot.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} sessions never waited for the lock")


class ConcurrentPosts:
    """POST `path` once per client, each in its own thread and database session.

    Start them while holding a row lock, wait until they queue for it, then release:
    that makes two clicks meet inside the locked section every time."""

    def __init__(self, clients: list[Client], path: str) -> None:
        self.responses: list[HttpResponse] = []
        self.threads = [
            threading.Thread(target=self._post, args=[client, path])
            for client in clients
        ]
        for thread in self.threads:
            thread.start()

    def _post(self, client: Client, path: str) -> None:
        try:
            self.responses.append(client.post(path))
        finally:
            connection.close()

    def results(self) -> list[HttpResponse]:
        for thread in self.threads:
            thread.join(timeout=30)
        assert len(self.responses) == len(self.threads)
        return self.responses

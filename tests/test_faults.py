"""The fault scripts of #10 (faults/, docs/faults.md) run with --quick in the suite.

Each script starts a private portal on loopback (its own copy of a seeded template
database on the suite's PostgreSQL server, or a PostgreSQL of its own for the
restart; its own Redis; gunicorn; Celery) and prints one FAULTS-REPORT line. These
tests run each script as a separate process, as `make fault-<name>` does, and check
its verdict and the counts that the issue names. The full sizes (500 submissions,
50 claims, 1,000 reminders) are run by hand; their counts are in docs/faults.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.worker


def server_url() -> str:
    """The suite's PostgreSQL server (not its database) as a URL for psql."""
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "localhost"
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgresql://{quote(db.get('USER') or 'postgres', safe='')}{password}@{host}{port}"


def run_script(name: str) -> dict:
    env = {
        **os.environ,
        "FAULTS_POSTGRES": server_url(),
        "FAULTS_TEMPLATE_REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-m", f"faults.{name}", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    lines = [
        line for line in result.stdout.splitlines() if line.startswith("FAULTS-REPORT ")
    ]
    assert lines, f"no report (exit {result.returncode}):\n{result.stderr[-4000:]}"
    report = json.loads(lines[-1].removeprefix("FAULTS-REPORT "))
    assert report["verdict"] == "PASS", (report["failures"], result.stdout[-3000:])
    assert result.returncode == 0
    return report["counts"]


def test_concurrent_submissions_lose_and_duplicate_nothing():
    counts = run_script("submissions")
    assert counts["drafts"] == 60 and counts["POSTs sent (at once)"] == 66
    assert counts["help requests stored"] == 60
    assert counts["lost (draft without a request)"] == 0
    assert counts["duplicated (requests beyond one per draft)"] == 0
    assert counts["receipt e-mails sent"] == 60


def test_concurrent_claims_have_exactly_one_winner():
    counts = run_script("claims")
    assert counts["told they won"] == 1
    assert (
        counts["told someone else was first"]
        == counts["claimers (own sessions, at once)"] - 1
    )
    assert counts["winner told = contact person"] is True
    assert counts["stage changes made by the claims"] == 1


def test_killed_workers_lose_and_duplicate_no_reminder():
    counts = run_script("worker_kill")
    assert counts["reminders due"] == counts["deliveries planned"] == 200
    assert 0 < counts["second kill: e-mails sent at the kill"] < 200
    assert counts["e-mails sent (recorded by the mail backend)"] == 200
    assert counts["lost (reminders without an e-mail)"] == 0
    assert counts["duplicated (reminders with more than one e-mail)"] == 0


def test_submissions_are_accepted_while_redis_is_down_and_mailed_after():
    counts = run_script("redis_outage")
    assert counts["answers during the outage"] == "accepted × 30"
    assert counts["receipts sent during the outage"] == 0
    assert (
        counts["receipt e-mails sent"]
        == counts["help requests stored (of all submissions)"]
        == 33
    )
    assert counts["requests with more than one receipt"] == 0


def test_the_portal_recovers_by_itself_after_a_postgres_restart():
    counts = run_script("postgres_restart")
    assert counts["errors outside the outage"] == 0
    assert counts["errors during the outage / of its answers"].split(" / ")[0] != "0"
    assert all(counts["portal processes still the same"].values())
    assert counts["accepted but not stored"] == 0
    assert counts["drafts never accepted"] == 0
    assert counts["requests without a receipt"] == 0
    assert counts["requests with more than one receipt"] == 0

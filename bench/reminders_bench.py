"""Benchmark: the reminder scanner over 100,000 due reminders, in batches.

Loads 100,000 pending delivery records (one per deadline escalation, spread over
2,000 open deadlines of 50 team leads, so the real kind's `desired()` runs for every
batch), then times `notifications.scanner.dispatch`: claim (SKIP LOCKED), re-check,
preferences, notification + outbox rows and `sent`, batch by batch. Sending the
e-mails is the outbox's separate job and not part of this figure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bk_bench \\
    REDIS_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/reminders_bench.py

It creates (and afterwards drops) the database `<name>_reminders_bench`.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings_test")

import django  # noqa: E402

TOTAL = int(os.environ.get("BENCH_REMINDERS", "100000"))


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    names = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        run()
    finally:
        connection.close()
        teardown_databases(names, verbosity=0)


def run() -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Role, User
    from casework.models import Deadline, DeadlineKind
    from citizens.models import HelpRequest, Status
    from municipalities.models import District, Municipality, Neighbourhood, Team
    from notifications.kinds import next_working_day_after
    from notifications.models import Delivery, DeliveryState, Notification, OutboxEmail
    from notifications.registry import day_start
    from notifications.scanner import dispatch

    municipality = Municipality.objects.create(
        name="Bench", slug="bench", cbs_code="GM9999"
    )
    district = District.objects.create(
        municipality=municipality, name="Wijk", cbs_code="WK999900"
    )
    neighbourhood = Neighbourhood.objects.create(
        district=district, name="Buurt", cbs_code="BU99990000"
    )
    team = Team.objects.create(
        district=district, municipality=municipality, name="Team"
    )
    leads = User.objects.bulk_create(
        User(
            email=f"lead{n}@bench.test",
            role=Role.TEAM_LEAD,
            municipality=municipality,
            team=team,
            password="!",
        )
        for n in range(50)
    )
    now = timezone.now()
    due = timezone.localdate() - timedelta(days=21)
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(
            reference=f"HV-2026-{n:06d}",
            municipality=municipality,
            neighbourhood=neighbourhood,
            team=team,
            status=Status.IN_PROGRESS,
            life_events=["other"],
            story="bench",
            own_strength="bench",
            postcode="1781 AB",
            house_number="1",
            contact_methods=["email"],
            privacy_accepted_at=now,
        )
        for n in range(TOTAL // len(leads) // 5 + 1)
    )
    deadlines = Deadline.objects.bulk_create(
        Deadline(help_request=r, kind=kind, start=due, due=due)
        for r in requests
        for kind in DeadlineKind.values
    )[: TOTAL // len(leads)]
    moment = day_start(next_working_day_after(due))
    started = time.perf_counter()
    Delivery.objects.bulk_create(
        (
            Delivery(
                kind="casework.deadline_passed",
                object_id=str(d.pk),
                due_at=moment,
                recipient=lead,
                recipient_key=f"u{lead.pk}",
                municipality=municipality,
            )
            for d in deadlines
            for lead in leads
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    count = Delivery.objects.filter(state=DeliveryState.PENDING).count()
    print(f"loaded {count} due reminders in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = dispatch()
    elapsed = time.perf_counter() - started

    assert result.sent == count, result
    assert Notification.objects.count() == count
    assert OutboxEmail.objects.count() == count
    print(f"scanner: {result} in {elapsed:.1f} s ({count / elapsed:,.0f} reminders/s)")


if __name__ == "__main__":
    main()

"""`manage.py generate_dashboard_data`: many help requests for the dashboards (COPY),
then a full refresh of the summary tables."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dashboards.generator import Generator, delete_generated, places
from dashboards.refresh import refresh
from municipalities.models import Municipality


class Command(BaseCommand):
    help = (
        "Generate help requests with triage, deadlines, contacts, plans and outcomes "
        "for the dashboards (PostgreSQL COPY), then refresh the summary tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--municipality", help="Slug (default: all municipalities)."
        )
        parser.add_argument("--delete", action="store_true", help="Remove them again.")
        parser.add_argument(
            "--no-refresh", action="store_true", help="Leave the summaries alone."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["delete"]:
            self.stdout.write(f"Deleted {delete_generated():,} generated requests.")
        else:
            if options["count"] < 1:
                raise CommandError("--count must be at least 1.")
            ids = None
            if options["municipality"]:
                ids = list(
                    Municipality.objects.filter(
                        slug=options["municipality"]
                    ).values_list("pk", flat=True)
                )
                if not ids:
                    raise CommandError("No municipality with that slug.")
            found = places(ids)
            if not found:
                raise CommandError("No neighbourhoods: run seed_demo first.")
            counts = Generator(
                seed=options["seed"], places=found, say=self.stdout.write
            ).run(options["count"])
            loaded = time.monotonic()
            self.stdout.write(
                "Loaded "
                + ", ".join(f"{n:,} {name}" for name, n in counts.items())
                + f" in {loaded - started:.1f} s."
            )
            # VACUUM as well as fresh statistics: a million new rows leave the
            # visibility map empty until autovacuum comes by, and until then no
            # index-only scan is possible (the queue's counts read the table
            # instead: 1 -> 8 ms).
            with connection.cursor() as cursor:
                for table in (
                    "citizens_helprequest",
                    "casework_triage",
                    "casework_deadline",
                    "casework_contactmoment",
                    "casework_householdmembership",
                    "casework_plangoal",
                ):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        if not options["no_refresh"]:
            before = time.monotonic()
            result = refresh(full=True)
            self.stdout.write(
                f"Summary tables rebuilt from {result.requests:,} requests "
                f"({result.cells:,} monthly cells) in {time.monotonic() - before:.1f} s."
            )
        self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")

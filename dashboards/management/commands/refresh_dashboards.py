"""`manage.py refresh_dashboards`: what the beat job does every minute."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dashboards.refresh import refresh


class Command(BaseCommand):
    help = (
        "Bring the dashboard summary tables up to date (incremental; --full rebuilds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        result = refresh(full=options["full"])
        kind = "Full rebuild" if result.full else "Incremental refresh"
        self.stdout.write(
            f"{kind}: {result.requests:,} requests, {result.cells:,} cells, "
            f"{result.seconds:.2f} s."
        )

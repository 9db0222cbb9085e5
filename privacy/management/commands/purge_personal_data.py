from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.jobs import recorded
from privacy import services


class Command(BaseCommand):
    help = (
        "Anonymise or remove personal data past its retention period, except cases "
        "under a legal hold (the periodic job privacy.tasks.purge_personal_data). "
        "Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would go; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            result = services.purge_personal_data(dry_run=True)
            self.stdout.write(f"Dry run, nothing changed. Would remove: {result}.")
            return
        with recorded("privacy.tasks.purge_personal_data") as outcome:
            result = services.purge_personal_data()
            outcome["result"] = str(result)
        self.stdout.write(f"Removed or anonymised: {result}.")

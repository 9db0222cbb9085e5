from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import outbox, scanner
from notifications.jobs import recorded


class Command(BaseCommand):
    help = (
        "Plan the reminders of every kind and move the due ones into the outbox "
        "(the periodic job notifications.tasks.scan_reminders). Safe to run at any "
        "time, twice, or next to the workers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--send", action="store_true", help="Also send the outbox afterwards."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with recorded("notifications.tasks.scan_reminders") as outcome:
            result = scanner.scan()
            outcome["result"] = str(result)
        self.stdout.write(f"Reminders: {result}.")
        if options["send"]:
            with recorded("notifications.tasks.send_outbox") as outcome:
                sent = outbox.send_outbox()
                outcome["result"] = str(sent)
            self.stdout.write(f"E-mails: {sent}.")

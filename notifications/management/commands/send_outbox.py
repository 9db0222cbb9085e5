from typing import Any

from django.core.management.base import BaseCommand

from notifications import outbox
from notifications.jobs import recorded


class Command(BaseCommand):
    help = (
        "Send the e-mails that are due in the outbox (the periodic job "
        "notifications.tasks.send_outbox); failures wait and are retried."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with recorded("notifications.tasks.send_outbox") as outcome:
            result = outbox.send_outbox()
            outcome["result"] = str(result)
        self.stdout.write(f"E-mails: {result}.")

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citizens.models import HelpRequest


class Command(BaseCommand):
    help = (
        "Recompute the full-text search document of every help request, in batches "
        "(after a change of the search configuration or a bulk load)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(options["batch_size"], 1)
        last_pk = 0
        done = 0
        while True:
            # Each batch is its own short UPDATE: no long lock over the whole table.
            pks = list(
                HelpRequest.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                break
            done += HelpRequest.objects.filter(pk__in=pks).refresh_search_document()
            last_pk = pks[-1]
        self.stdout.write(f"Refreshed the search document of {done} help requests.")

"""`manage.py create_monthly_reports`: what the daily beat job does."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboards.monthly import monthly_reports_create


class Command(BaseCommand):
    help = (
        "From the first working day of the month: create (and have built and e-mailed) "
        "the monthly report of every alderman who has none yet."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = monthly_reports_create(today=timezone.localdate())
        self.stdout.write(f"Created {created} monthly reports.")

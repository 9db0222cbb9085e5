"""`manage.py clear_expired_reports`: what the hourly beat job does."""

from typing import Any

from django.core.management.base import BaseCommand

from dashboards.reports import clear_expired


class Command(BaseCommand):
    help = "Remove reports (and their files) past their retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Removed {clear_expired()} expired reports.")

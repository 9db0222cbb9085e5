from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.demo import DEMO_PASSWORD, demo_accounts
from socialdomain.demo import STEPS


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--accounts", action="store_true", help="List the demo accounts afterwards."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, step in STEPS:
            step()
            self.stdout.write(f"Demo data: {label} ready.")
        if options["accounts"]:
            self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
            for municipality, role, email in demo_accounts():
                self.stdout.write(f"  {municipality:<12} {role:<26} {email}")

"""manage.py demo_code <email>: the current code of a demo staff account's
authenticator app (the demo key of accounts.demo), to log in without a phone."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import is_demo_device
from accounts.models import User
from accounts.two_factor import confirmed_totp_device, current_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        device = confirmed_totp_device(user)
        if device is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        if not is_demo_device(device):
            # Only the published demo key: never a way around a real second factor.
            raise CommandError(f"{email} does not use the demo key.")
        self.stdout.write(current_code(device))

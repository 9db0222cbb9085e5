#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that only read the code (they serve nothing and sign nothing) may run on a
# bare checkout: they get harmless placeholders for the variables the settings demand.
# Everything else, the web server and workers included, still fails closed without them.
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
OFFLINE_PLACEHOLDERS = {
    "DJANGO_SECRET_KEY": "offline-command-placeholder-never-used-to-sign",
    "DJANGO_ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "postgres://localhost/buurtkracht",
    "REDIS_URL": "redis://localhost:6379/0",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        for name, value in OFFLINE_PLACEHOLDERS.items():
            os.environ.setdefault(name, value)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

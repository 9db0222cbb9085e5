"""The Celery app of the worker and beat (`celery -A socialdomain ...`).

Web workers do not import this module up front (socialdomain/__init__.py leaves it
out): the Celery stack is about 20 MB per process and a web request never talks to
the broker on its way (the outbox is woken by a PostgreSQL NOTIFY). Code that does
queue a task (a report to build, a password-reset e-mail) imports its tasks module
when it does, and every tasks module imports this app first, so a task is never
sent by an unconfigured default app.
"""

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings")

app = Celery("socialdomain")
app.config_from_object("django.conf:settings", namespace="CELERY")


def beat_schedule(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The settings' schedule with Celery's crontab for each `cron(...)` entry."""
    made = {}
    for name, entry in entries.items():
        schedule = entry["schedule"]
        if isinstance(schedule, dict):
            schedule = crontab(**schedule["crontab"])
        made[name] = {**entry, "schedule": schedule}
    return made


def _settings_schedule() -> dict[str, dict[str, Any]]:
    from django.conf import settings

    return beat_schedule(settings.CELERY_BEAT_SCHEDULE)


app.conf.beat_schedule = _settings_schedule()
app.autodiscover_tasks()

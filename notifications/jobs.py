"""The last run and result of every periodic job, for the operations page.

Celery tasks in CELERY_BEAT_SCHEDULE are recorded through Celery's task signals,
connected in notifications/tasks.py, a module only the worker loads (so jobs of
other apps show up without changes there); the management commands of the
jobs record themselves with `recorded()`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from notifications.models import JobRun

logger = logging.getLogger(__name__)


def periodic_task_names() -> dict[str, str]:
    """Task name -> the schedule entry's name."""
    return {
        entry["task"]: name for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }


def record_start(name: str) -> None:
    try:
        with transaction.atomic():
            run, _ = JobRun.objects.get_or_create(name=name)
            JobRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
    except DatabaseError:
        logger.exception("could not record the start of %s", name)


def record_end(name: str, *, succeeded: bool, result: str) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {
        "finished_at": now,
        "succeeded": succeeded,
        "result": result[:500],
        "runs": F("runs") + 1,
    }
    if succeeded:
        fields["last_success_at"] = now
    try:
        JobRun.objects.filter(name=name).update(**fields)
    except DatabaseError:
        logger.exception("could not record the end of %s", name)


@contextmanager
def recorded(name: str) -> Iterator[dict[str, str]]:
    """Record a run of job `name`; put the outcome in the yielded dict's "result"."""
    outcome = {"result": ""}
    record_start(name)
    started = time.monotonic()
    try:
        yield outcome
    except BaseException as error:
        record_end(name, succeeded=False, result=f"{type(error).__name__}: {error}")
        raise
    record_end(
        name,
        succeeded=True,
        result=f"{outcome['result']} ({time.monotonic() - started:.1f} s)".strip(),
    )

"""Starting a report."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from dashboards.models import Report


@transaction.atomic
def report_request(*, user: User, data: dict[str, Any]) -> Report:
    """Record the report and have the `reports` queue build it after commit. A
    regional manager's report covers their region, or the municipality chosen."""
    chosen = data.get("municipality")
    report = Report.objects.create(
        owner=user,
        municipality_id=chosen or user.municipality_id,
        region_id=None if chosen else user.region_id,
        start=data["start"],
        end=data["end"],
        neighbourhood_ids=[n.pk for n in data.get("neighbourhoods") or []],
        pilot_ids=list(data.get("pilots") or []),
        sections=list(data["sections"]),
    )
    from dashboards import tasks  # the Celery client only where a task is queued

    tasks.build_report.delay_on_commit(report.pk)
    return report

"""Background jobs of the dashboards: the summary refresh (every minute), reports
(on the `reports` queue) and removing expired reports."""

from __future__ import annotations

from celery import shared_task

from dashboards import refresh, reports


@shared_task(name="dashboards.tasks.refresh_summaries")
def refresh_summaries() -> int:
    """Incremental refresh; a second run at the same time waits for the first."""
    return refresh.refresh().requests


# Named under "reports." so that CELERY_TASK_ROUTES sends it to the reports queue.
@shared_task(name="reports.build_dashboard_report")
def build_report(report_id: int) -> None:
    """Build one report's PDF and XLSX; quietly nothing when the report is gone or
    another run has claimed it already."""
    reports.build(report_id)


@shared_task(name="dashboards.tasks.clear_expired_reports")
def clear_expired_reports() -> int:
    return reports.clear_expired()

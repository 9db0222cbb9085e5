"""Background jobs of the dashboards: the summary refresh (every minute), reports
(on the `reports` queue) and removing expired reports."""

from __future__ import annotations

from dashboards import refresh, reports
from socialdomain.celery import app


@app.task(name="dashboards.tasks.refresh_summaries")
def refresh_summaries() -> int:
    """Incremental refresh; a second run at the same time waits for the first."""
    return refresh.refresh().requests


# Named under "reports." so that CELERY_TASK_ROUTES sends it to the reports queue.
@app.task(name="reports.build_dashboard_report")
def build_report(report_id: int) -> None:
    """Build one report's PDF and XLSX; quietly nothing when the report is gone or
    another run has claimed it already."""
    reports.build(report_id)


@app.task(name="dashboards.tasks.create_monthly_reports")
def create_monthly_reports() -> int:
    """Daily; from the first working day of the month the monthly reports."""
    from django.utils import timezone

    from dashboards.monthly import monthly_reports_create

    return monthly_reports_create(today=timezone.localdate())


@app.task(
    name="dashboards.tasks.email_monthly_report",
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
def email_monthly_report(report_id: int) -> None:
    """The link to a finished monthly report, once (mail-server errors retry)."""
    from dashboards.monthly import monthly_report_email

    monthly_report_email(report_id)


@app.task(name="dashboards.tasks.clear_expired_reports")
def clear_expired_reports() -> int:
    return reports.clear_expired()

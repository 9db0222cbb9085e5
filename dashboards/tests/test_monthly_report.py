"""The monthly report: from the first working day of the month, one per alderman,
built by the worker and announced by e-mail with a link, never an attachment."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import User
from dashboards.models import Report, ReportStatus
from dashboards.monthly import monthly_report_email, monthly_reports_create
from socialdomain.celery import app
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker

# November 2026 starts on a Sunday: its first working day is Monday the 2nd.
SUNDAY = dt.date(2026, 11, 1)
MONDAY = dt.date(2026, 11, 2)


@pytest.mark.django_db
def test_nothing_before_the_first_working_day_then_one_per_alderman(
    alderman: User, lelystad_alderman: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert monthly_reports_create(today=dt.date(2026, 10, 30)) == 2  # October's
    Report.objects.all().delete()
    assert monthly_reports_create(today=SUNDAY) == 0

    with django_capture_on_commit_callbacks() as enqueued:
        assert monthly_reports_create(today=MONDAY) == 2
    assert monthly_reports_create(today=MONDAY) == 0
    assert monthly_reports_create(today=dt.date(2026, 11, 20)) == 0

    assert len(enqueued) == 2
    reports = Report.objects.order_by("owner__email")
    assert {r.owner for r in reports} == {alderman, lelystad_alderman}
    assert all(r.monthly_for == dt.date(2026, 10, 1) for r in reports)
    assert all(r.start == r.end == dt.date(2026, 10, 1) for r in reports)


@pytest.mark.django_db
def test_a_run_missed_on_the_first_working_day_catches_up_later(
    alderman: User,
) -> None:
    assert monthly_reports_create(today=dt.date(2026, 11, 5)) == 1


@pytest.mark.django_db
def test_the_daily_job_runs_as_a_command_and_is_scheduled(alderman: User) -> None:
    with freeze_time("2026-11-02 08:00:00+01:00"):
        call_command("create_monthly_reports")
        call_command("create_monthly_reports")

    assert Report.objects.filter(owner=alderman).count() == 1
    entry = app.conf.beat_schedule["create-monthly-reports"]
    assert entry["task"] == "dashboards.tasks.create_monthly_reports"
    assert not 2 <= entry["schedule"].hour.pop() < 3


@pytest.mark.worker
def test_the_worker_builds_it_and_mails_a_link_once(
    celery_worker: Worker, alderman: User, den_helder: Place
) -> None:
    monthly_reports_create(today=MONDAY)

    [message] = celery_worker.wait_for_emails(1)
    report = Report.objects.get(owner=alderman)
    assert report.status == ReportStatus.READY and report.emailed_at is not None
    assert message["To"] == alderman.email
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "/dashboard/reports/" in text
    content_types = [part.get_content_type() for part in message.walk()]
    assert "application/pdf" not in content_types
    assert not any("spreadsheet" in kind for kind in content_types)

    assert monthly_report_email(report.pk) is False
    time.sleep(1)
    assert len(celery_worker.sent_emails()) == 1

"""The monthly report: from the first working day of a month, every active alderman
gets a report of their municipality over the previous month, and every active
regional manager one of their whole region, with an e-mail with a link to it (never
the file itself)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import DASHBOARD_ROLES, User
from dashboards.figures import add_months
from dashboards.models import Report, Section
from socialdomain.lib.email import send_email
from socialdomain.lib.workdays import next_working_day


def first_working_day(day: date) -> date:
    return next_working_day(day.replace(day=1))


def monthly_reports_create(*, today: date) -> int:
    """Create the missing monthly reports of this month and have them built. Runs
    daily: before the first working day it does nothing; afterwards a report that
    exists is left alone (unique per owner and month), so a repeated or missed run
    neither duplicates nor skips anyone."""
    if today < first_working_day(today):
        return 0
    from dashboards import tasks  # the Celery client only where a task is queued

    month = add_months(today.replace(day=1), -1)
    created = 0
    readers = User.objects.filter(
        role__in=DASHBOARD_ROLES, is_active=True, municipality__isnull=False
    ).exclude(reports__monthly_for=month)
    for reader in readers:
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    owner=reader,
                    municipality_id=reader.municipality_id,
                    region_id=reader.region_id,
                    start=month,
                    end=month,
                    sections=list(Section.values),
                    monthly_for=month,
                )
                tasks.build_report.delay_on_commit(report.pk)
        except IntegrityError:  # another run created it first
            continue
        created += 1
    return created


def monthly_report_email(report_id: int) -> bool:
    """Send the link to a finished monthly report once: the conditional UPDATE
    claims the sending, so two workers cannot both send it."""
    claimed = Report.objects.filter(
        pk=report_id, monthly_for__isnull=False, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    report = Report.objects.select_related("owner", "municipality", "region").get(
        pk=report_id
    )
    try:
        send_email(
            template="dashboard_monthly_report",
            context={
                "user": report.owner,
                "report": report,
                "reports_path": reverse("dashboards:reports"),
            },
            language=report.owner.language,
            to=[report.owner.email],
        )
    except Exception:
        # Not sent: let the next attempt claim it again.
        Report.objects.filter(pk=report_id).update(emailed_at=None)
        raise
    return True

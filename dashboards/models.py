"""Summary tables for the dashboards, and the reports built from them.

The dashboard never reads help requests: it reads `MonthlySummary` and
`DurationSummary`. Those are aggregated from one fact row per help request
(`RequestFact`) and per statutory deadline (`DeadlineFact`), which `refresh.py`
rebuilds for the requests that database triggers note in `DirtyRequest`.

Aggregates hold every request once under domain "" and pilot 0 ("all"), and once
more under each of its domains and pilots, so that a filter reads one key.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ALL_DOMAINS = ""
ALL_PILOTS = 0


class DirtyRequest(models.Model):
    """A help request whose facts must be rebuilt; filled by triggers (see the
    migration) on help requests, triage, deadlines, contact moments and plans."""

    help_request_id = models.BigIntegerField(primary_key=True)
    noted_at = models.DateTimeField(db_default=models.functions.Now())

    def __str__(self) -> str:
        return str(self.help_request_id)


class RefreshState(models.Model):
    """One row: when the summaries were last refreshed, and up to which day deadlines
    that passed without being met have been counted as missed."""

    deadlines_checked_on = models.DateField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"refreshed at {self.refreshed_at}"


class RequestFact(models.Model):
    help_request_id = models.BigIntegerField(primary_key=True)
    municipality_id = models.BigIntegerField()
    neighbourhood_id = models.BigIntegerField()
    submitted_month = models.DateField()
    closed_month = models.DateField(null=True)
    domains = ArrayField(models.CharField(max_length=20), default=list)
    life_events = ArrayField(models.CharField(max_length=30), default=list)
    pilots = ArrayField(models.BigIntegerField(), default=list)
    first_contact_days = models.IntegerField(null=True)
    plan_days = models.IntegerField(null=True)
    outcome = models.CharField(max_length=30, blank=True)
    satisfaction = models.SmallIntegerField(null=True)
    is_open = models.BooleanField()
    is_waiting = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["neighbourhood_id", "submitted_month"]),
            models.Index(fields=["neighbourhood_id", "closed_month"]),
        ]

    def __str__(self) -> str:
        return str(self.help_request_id)


class DeadlineFact(models.Model):
    deadline_id = models.BigIntegerField(primary_key=True)
    help_request_id = models.BigIntegerField(db_index=True)
    neighbourhood_id = models.BigIntegerField()
    due_month = models.DateField()
    # Met, or passed without being met (and not suspended).
    counted = models.BooleanField()
    on_time = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["neighbourhood_id", "due_month"])]

    def __str__(self) -> str:
        return str(self.deadline_id)


class MonthlySummary(models.Model):
    """Counts per neighbourhood, month, domain and pilot. Each measure belongs to
    its own month: requests, life events and the open caseload to the month of
    submission; outcomes and satisfaction to the month of closing; deadlines to the
    month they fall due. `life_events` and `outcomes` follow the order of
    `LIFE_EVENTS` and `OUTCOMES` in `dashboards.figures`."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    neighbourhood = models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    month = models.DateField()
    domain = models.CharField(max_length=20, blank=True)
    pilot = models.BigIntegerField(default=ALL_PILOTS)
    requests = models.IntegerField(default=0)
    life_events = ArrayField(models.IntegerField(), default=list)
    open = models.IntegerField(default=0)
    waiting = models.IntegerField(default=0)
    outcomes = ArrayField(models.IntegerField(), default=list)
    satisfaction_count = models.IntegerField(default=0)
    satisfaction_sum = models.IntegerField(default=0)
    deadlines_counted = models.IntegerField(default=0)
    deadlines_on_time = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "month", "domain", "pilot"],
                name="monthly_summary_one_per_cell",
            )
        ]
        indexes = [models.Index(fields=["municipality", "domain", "pilot", "month"])]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id} {self.month} {self.domain} {self.pilot}"


class DurationKind(models.TextChoices):
    FIRST_CONTACT = "contact", _("Days to first contact")
    PLAN = "plan", _("Days to a plan")


class DurationSummary(models.Model):
    """How many requests submitted in a month took this many days to a first
    contact or a plan: a histogram, so medians come out exact."""

    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    neighbourhood = models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    month = models.DateField()
    domain = models.CharField(max_length=20, blank=True)
    pilot = models.BigIntegerField(default=ALL_PILOTS)
    kind = models.CharField(max_length=10, choices=DurationKind)
    days = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["municipality", "domain", "pilot", "month"]),
            models.Index(fields=["neighbourhood", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id} {self.month} {self.kind} {self.days}"


# --- reports ----------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Section(models.TextChoices):
    REQUESTS = "requests", _("Help requests")
    SPEED = "speed", _("Speed and statutory deadlines")
    CASELOAD = "caseload", _("Open caseload")
    OUTCOMES = "outcomes", _("How requests were resolved")
    SATISFACTION = "satisfaction", _("Resident satisfaction")
    PROFILES = "profiles", _("Neighbourhood profiles")
    PILOTS = "pilots", _("Pilots")


class ReportQuerySet(models.QuerySet["Report"]):
    def owned_by(self, user: object) -> ReportQuerySet:
        return self.filter(owner=user)

    def expired(self, now: object) -> ReportQuerySet:
        return self.filter(expires_at__lte=now)


def default_expiry() -> object:
    return timezone.now() + timedelta(days=settings.DASHBOARD_REPORT_RETENTION_DAYS)


class Report(models.Model):
    """A PDF and XLSX report over the summary tables, built by a Celery task; only
    its owner can download it, until `expires_at`. It covers `municipality`, or with
    `region` set every municipality of that region (a regional manager's report)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "municipalities.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    start = models.DateField(_("from month"))
    end = models.DateField(_("to month"))
    neighbourhood_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    pilot_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    sections = ArrayField(models.CharField(max_length=20, choices=Section))
    status = models.CharField(
        max_length=10, choices=ReportStatus, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    pdf_name = models.CharField(max_length=64, blank=True)
    xlsx_name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_expiry)
    # The automatic monthly report: the month it covers, and when its link was sent.
    monthly_for = models.DateField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "monthly_for"],
                condition=models.Q(monthly_for__isnull=False),
                name="report_one_monthly_per_owner",
            )
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.READY, ReportStatus.FAILED)


class PilotSummary(models.Model):
    """A pilot as the dashboard shows it, rebuilt by every refresh: phase, active
    participants, budget, and the outcome rows (aggregates of n >= 5 only)."""

    pilot_id = models.BigIntegerField(primary_key=True)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    title = models.CharField(max_length=200)
    phase = models.CharField(max_length=20)
    participants = models.IntegerField()
    planned = models.DecimalField(max_digits=14, decimal_places=2)
    spent = models.DecimalField(max_digits=14, decimal_places=2)
    # [{"label", "n", "baseline", "follow_up", "change", "target", "target_met"}]
    outcomes = models.JSONField(default=list)

    class Meta:
        ordering = ["title", "pilot_id"]
        indexes = [models.Index(fields=["municipality", "title"])]

    def __str__(self) -> str:
        return self.title


class ResearchExport(models.Model):
    """Every pseudonymised research export: who, for which municipality and period,
    why, and how many rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(_("purpose"))
    start = models.DateField()
    end = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"

"""Retention bookkeeping: the deletion register, purge runs and legal holds.

Nothing here holds a resident's personal data: the register counts what was removed
under which rule, never what it was."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    WMO = "wmo", _("Closed Wmo case")
    YOUTH = "youth", _("Closed Jeugdwet case")
    PARTICIPATION = "participation", _("Participatiewet file")
    OTHER = "other", _("Closed other help request")
    DRAFT = "draft", _("Unfinished draft")
    ACCESS_LOG = "access_log", _("Access log entry")
    SECURITY_LOG = "security_log", _("Security log entry (account changes)")
    RESIDENT_ACCOUNT = "resident_account", _("Resident account without requests")


class RecordKind(models.TextChoices):
    HELP_REQUEST = "help_request", _("Help request (anonymised)")
    MESSAGE = "message", _("Message")
    ATTACHMENT = "attachment", _("Document")
    DRAFT = "draft", _("Draft")
    CASE_TEXT = "case_text", _("Case record (text erased)")
    ACCESS_LOG = "access_log", _("Access log entry")
    SECURITY_EVENT = "security_event", _("Security log entry")
    ACCOUNT = "account", _("Resident account (anonymised)")


class PurgeRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}{' (dry run)' if self.dry_run else ''}"


class DeletionRecord(models.Model):
    """One line of the deletion register: how many records of one kind went under one
    rule in one run, per municipality (empty for drafts, which have none)."""

    run = models.ForeignKey(PurgeRun, on_delete=models.PROTECT, related_name="records")
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=RecordKind)
    rule = models.CharField(max_length=20, choices=Rule)
    count = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "kind"]
        indexes = [models.Index(fields=["municipality", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.rule} {self.kind}: {self.count}"


class Anonymisation(models.Model):
    """Marks a help request as anonymised, so a later run leaves it alone."""

    help_request = models.OneToOneField(
        "citizens.HelpRequest",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="anonymisation",
    )
    rule = models.CharField(max_length=20, choices=Rule)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.help_request_id}: {self.rule}"


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active_on(self, day: date) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True, until__gte=day)


class LegalHold(models.Model):
    """Stops the purge of one help request (a court case, an objection, a complaint
    to the ombudsman) until a date, or until lifted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateField(_("until"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["until", "pk"]
        indexes = [models.Index(fields=["help_request", "until"])]

    def __str__(self) -> str:
        return f"{self.help_request_id} until {self.until}"

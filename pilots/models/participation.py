"""Participants, activities and the measurements that show whether people are better
off: ZRM (13 domains, 1-5), Positieve Gezondheid (6 dimensions, 0-10) and life
satisfaction (1-10)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.models import ZrmDomain
from pilots.models.register import ACTIVE_PHASES, Pilot

if TYPE_CHECKING:
    from accounts.models import User


class Instrument(models.TextChoices):
    ZRM = "zrm", _("Self-reliance matrix (ZRM)")
    POSITIVE_HEALTH = "positive_health", _("Positive health")
    LIFE_SATISFACTION = "life_satisfaction", _("Life satisfaction")


class PositiveHealthDimension(models.TextChoices):
    BODILY_FUNCTIONS = "bodily_functions", _("Bodily functions")
    MENTAL_WELLBEING = "mental_wellbeing", _("Mental well-being")
    MEANINGFULNESS = "meaningfulness", _("Meaningfulness")
    QUALITY_OF_LIFE = "quality_of_life", _("Quality of life")
    PARTICIPATION = "participation", _("Participation")
    DAILY_FUNCTIONING = "daily_functioning", _("Daily functioning")


LIFE_SATISFACTION_DOMAIN = "score"

# instrument: (lowest, highest) score
SCALES: dict[str, tuple[int, int]] = {
    Instrument.ZRM: (1, 5),
    Instrument.POSITIVE_HEALTH: (0, 10),
    Instrument.LIFE_SATISFACTION: (1, 10),
}


def domains_for(instrument: str) -> list[tuple[str, Promise]]:
    """The domains (value, label) an instrument scores, in their usual order."""
    if instrument == Instrument.ZRM:
        return list(ZrmDomain.choices)
    if instrument == Instrument.POSITIVE_HEALTH:
        return list(PositiveHealthDimension.choices)
    return [(LIFE_SATISFACTION_DOMAIN, _("How satisfied are you with your life?"))]


def domain_label(instrument: str, domain: str) -> str:
    return str(dict(domains_for(instrument)).get(domain, domain))


class EnrolledVia(models.TextChoices):
    HELP_REQUEST = "help_request", _("From a help request")
    OWNER = "owner", _("By the pilot owner")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def active(self) -> ParticipantQuerySet:
        return self.filter(left_on__isnull=True)

    def of_resident(self, user: User) -> ParticipantQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(resident=user)


class Participant(models.Model):
    """A person taking part. Their name stays within the municipality's staff."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilot_participations",
    )
    help_request = models.ForeignKey(
        "citizens.HelpRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilot_participations",
    )
    enrolled_via = models.CharField(max_length=20, choices=EnrolledVia)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    consent_at = models.DateTimeField(_("consent given at"))
    consent_note = models.CharField(_("how consent was given"), max_length=300)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["pilot", "left_on"]),
            models.Index(fields=["resident"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "resident"],
                condition=Q(resident__isnull=False),
                name="participant_once_per_resident",
            ),
            models.UniqueConstraint(
                fields=["pilot", "help_request"],
                condition=Q(help_request__isnull=False),
                name="participant_once_per_help_request",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class Activity(models.Model):
    """A session or activity: a clinic, a walk-in hour, a lesson."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=200)
    on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["pilot", "-on"])]

    def __str__(self) -> str:
        return f"{self.title} {self.on}"


class MeasurementMoment(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class MeasurementQuerySet(models.QuerySet["Measurement"]):
    def completed(self) -> MeasurementQuerySet:
        return self.filter(taken_on__isnull=False)

    def pending(self) -> MeasurementQuerySet:
        return self.filter(taken_on__isnull=True)

    def follow_ups_due(self, until: date) -> MeasurementQuerySet:
        """Follow-ups due on or before `until` that nobody filled in, of participants
        who stayed, in running or evaluating pilots (on the due_on index)."""
        return self.pending().filter(
            moment=MeasurementMoment.FOLLOW_UP,
            due_on__lte=until,
            participant__left_on__isnull=True,
            participant__pilot__phase__in=ACTIVE_PHASES,
        )


class Measurement(models.Model):
    """One filled-in (or planned) instrument of one participant.

    A planned measurement has a due date and no scores yet; a resident can fill it in
    through a single-use link (only the hash of its token is stored)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="measurements"
    )
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument)
    moment = models.CharField(_("moment"), max_length=20, choices=MeasurementMoment)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by_resident = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["participant", "instrument", "moment", "taken_on", "pk"]
        indexes = [
            models.Index(fields=["participant", "instrument", "moment"]),
            # follow_ups_due: pending follow-ups by due date.
            models.Index(
                fields=["due_on"],
                condition=Q(taken_on__isnull=True, moment="follow_up"),
                name="measurement_follow_up_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "instrument"],
                condition=Q(moment="baseline"),
                name="measurement_one_baseline",
            ),
            models.CheckConstraint(
                condition=Q(taken_on__isnull=False) | Q(due_on__isnull=False),
                name="measurement_planned_or_taken",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.instrument} {self.moment}"

    @property
    def is_completed(self) -> bool:
        return self.taken_on is not None

    def issue_link_token(self) -> str:
        """A new single-use token for the resident's link; the old one stops working."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.save(update_fields=["token_hash"])
        return token

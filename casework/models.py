"""Triage and statutory deadlines of help requests.

The deadline rules (PRODUCT.md): Wmo investigation 6 weeks after the melding, Wmo
decision 2 weeks after the aanvraag, Participatiewet and Jeugdwet decisions 8 weeks,
debt relief first conversation within 4 weeks, or 3 working days under a threat of
eviction, cut-off of energy or water, or termination of health insurance.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass

from casework.stages import Stage
from socialdomain.lib.workdays import (
    add_weeks,
    add_working_days,
    next_working_day,
    working_days_between,
)

DUE_SOON_WORKING_DAYS = 3


class Domain(models.TextChoices):
    WMO = "wmo", _("Wmo (support)")
    PARTICIPATION = "participation", _("Participatiewet (income and work)")
    YOUTH = "youth", _("Jeugdwet (youth)")
    DEBT = "debt", _("Debt relief")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    NETWORK_ONLY = "network_only", _("Neighbourhood network only")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRISIS = "crisis", _("Crisis")


class DeadlineKind(models.TextChoices):
    WMO_INVESTIGATION = "wmo_investigation", _("Wmo investigation (6 weeks)")
    WMO_DECISION = "wmo_decision", _("Wmo decision (2 weeks after the application)")
    PARTICIPATION_DECISION = (
        "participation_decision",
        _("Participatiewet decision (8 weeks)"),
    )
    YOUTH_DECISION = "youth_decision", _("Jeugdwet decision (8 weeks)")
    DEBT_FIRST_CONVERSATION = (
        "debt_first_conversation",
        _("Debt relief: first conversation"),
    )


# Deadlines counted in weeks; the debt-relief one is in weeks or working days.
WEEKS: dict[str, int] = {
    DeadlineKind.WMO_INVESTIGATION: 6,
    DeadlineKind.WMO_DECISION: 2,
    DeadlineKind.PARTICIPATION_DECISION: 8,
    DeadlineKind.YOUTH_DECISION: 8,
    DeadlineKind.DEBT_FIRST_CONVERSATION: 4,
}
DEBT_THREAT_WORKING_DAYS = 3

# The deadlines a domain brings along at triage.
DOMAIN_DEADLINES: dict[str, list[str]] = {
    Domain.WMO: [DeadlineKind.WMO_INVESTIGATION],
    Domain.PARTICIPATION: [DeadlineKind.PARTICIPATION_DECISION],
    Domain.YOUTH: [DeadlineKind.YOUTH_DECISION],
    Domain.DEBT: [DeadlineKind.DEBT_FIRST_CONVERSATION],
}


def compute_due(kind: str, start: date, *, in_working_days: bool = False) -> date:
    if in_working_days:
        return add_working_days(start, DEBT_THREAT_WORKING_DAYS)
    return add_weeks(start, WEEKS[kind])


class DeadlineState(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    SUSPENDED = "suspended", _("Suspended")
    MET = "met", _("Met")


class Triage(models.Model):
    help_request = models.OneToOneField(
        "citizens.HelpRequest",
        on_delete=models.CASCADE,
        related_name="triage",
        primary_key=True,
    )
    domains = ArrayField(
        models.CharField(max_length=20, choices=Domain), verbose_name=_("domains")
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency, default=Urgency.NORMAL
    )
    debt_threat = models.BooleanField(
        _("threat of eviction, cut-off or termination of health insurance"),
        default=False,
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    triaged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.help_request_id}: {', '.join(self.domains)}"


def running_state(due: date, today: date) -> DeadlineState:
    """The state of a deadline whose clock runs (not met, not suspended)."""
    if today > due:
        return DeadlineState.OVERDUE
    # working_days_between(today, due) <= N, counted only up to N + 1 working days
    # (the same: the count grows with `due`), not over every day up to a far due date.
    if due < add_working_days(today, DUE_SOON_WORKING_DAYS + 1):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


class Deadline(models.Model):
    """One statutory time limit of a help request, with suspension."""

    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(max_length=30, choices=DeadlineKind)
    in_working_days = models.BooleanField(default=False)
    start = models.DateField()
    due = models.DateField()
    suspended_since = models.DateField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "kind"], name="deadline_one_per_kind"
            )
        ]
        indexes = [
            models.Index(
                fields=["due"],
                name="deadline_open_due",
                condition=models.Q(met_at__isnull=True, suspended_since__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.due}"

    def state(self, today: date) -> DeadlineState:
        if self.met_at:
            return DeadlineState.MET
        if self.suspended_since:
            return DeadlineState.SUSPENDED
        return running_state(self.due, today)

    def suspend(self, on: date) -> None:
        """Stop the clock while waiting for the resident."""
        if self.suspended_since is None and self.met_at is None:
            self.suspended_since = on
            self.save(update_fields=["suspended_since"])

    def resume(self, on: date) -> None:
        """Start the clock again with the days that were left when it stopped."""
        if self.suspended_since is None:
            return
        since = self.suspended_since
        if self.in_working_days:
            remaining = working_days_between(since, self.due)
            self.due = add_working_days(max(on, since), remaining)
        else:
            remaining = max((self.due - since).days, 0)
            self.due = next_working_day(max(on, since) + timedelta(days=remaining))
        self.suspended_since = None
        self.save(update_fields=["due", "suspended_since"])


class CaseState(models.Model):
    """The staff-side stage of a help request (see casework.stages). A request
    without a row is in the stage that follows from its status."""

    help_request = models.OneToOneField(
        "citizens.HelpRequest",
        on_delete=models.CASCADE,
        related_name="case_state",
        primary_key=True,
    )
    stage = models.CharField(_("stage"), max_length=30, choices=Stage)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["stage"], name="case_state_stage")]

    def __str__(self) -> str:
        return f"{self.help_request_id}: {self.stage}"


class StageChange(models.Model):
    """One move of a case from one stage to another: who, when, from, to and why."""

    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=30, choices=Stage)
    to_stage = models.CharField(max_length=30, choices=Stage)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["help_request", "at"])]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class SavedFilter(models.Model):
    """A caseworker's named queue filter (the query string of the queue page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], name="saved_filter_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in")


class ContactMoment(models.Model):
    """A contact with the resident: when, how, and a short summary (staff only)."""

    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="contact_moments"
    )
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    is_intake = models.BooleanField(
        _("intake (kitchen-table conversation)"), default=False
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["help_request", "-happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class ZrmDomain(models.TextChoices):
    """The 13 domains of the Zelfredzaamheid-Matrix, scored 1 (acute crisis) to 5."""

    FINANCES = "finances", _("Finances")
    WORK_EDUCATION = "work_education", _("Work and education")
    TIME_USE = "time_use", _("Time use")
    HOUSING = "housing", _("Housing")
    DOMESTIC_RELATIONS = "domestic_relations", _("Domestic relations")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    BASIC_ADL = "basic_adl", _("Basic daily living (ADL)")
    INSTRUMENTAL_ADL = "instrumental_adl", _("Instrumental daily living (IADL)")
    SOCIAL_NETWORK = "social_network", _("Social network")
    SOCIAL_PARTICIPATION = "social_participation", _("Social participation")
    JUSTICE = "justice", _("Justice")


class ZrmMoment(models.TextChoices):
    INTAKE = "intake", _("Intake")
    EVALUATION = "evaluation", _("Evaluation")


class ZrmAssessment(models.Model):
    """ZRM scores of one help request at intake or at evaluation."""

    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="zrm_assessments"
    )
    moment = models.CharField(max_length=20, choices=ZrmMoment)
    scores = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "moment"], name="zrm_one_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} {self.moment}"


class Household(models.Model):
    """1 gezin, 1 plan, 1 regisseur: the requests of one household, one coordinator."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_households",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"household {self.pk}"


class HouseholdMembership(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="memberships"
    )
    help_request = models.OneToOneField(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="household_link"
    )

    def __str__(self) -> str:
        return f"{self.household_id}: {self.help_request_id}"


class ActionOwner(models.TextChoices):
    RESIDENT = "resident", _("The resident")
    OWN_NETWORK = "own_network", _("Own network")
    VOLUNTEER = "volunteer", _("Volunteer")
    ORGANISATION = "organisation", _("Organisation")
    CASEWORKER = "caseworker", _("Caseworker")


class PlanGoal(models.Model):
    """A goal of the household's support plan, on one ZRM domain."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="goals"
    )
    domain = models.CharField(_("ZRM domain"), max_length=30, choices=ZrmDomain)
    description = models.CharField(_("goal"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.description


class PlanAction(models.Model):
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who does it"), max_length=20, choices=ActionOwner)
    due = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.description


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset(
        {ReferralStatus.COMPLETED, ReferralStatus.DECLINED}
    ),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
}


class Referral(models.Model):
    """A referral of a help request to an organisation of the social map.

    The partner answers through `casework.services.referral_answer` (their pages come
    with the networks capability); every answer lands in the case timeline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="referrals"
    )
    organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, related_name="referrals"
    )
    question = models.TextField(_("what we ask of the organisation"))
    status = models.CharField(
        max_length=20, choices=ReferralStatus, default=ReferralStatus.SENT
    )
    # The partner's reason when declining, or note when accepting.
    answer = models.TextField(_("answer"), blank=True)
    # The partner's report back when the referral is completed.
    feedback = models.TextField(_("report back"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["help_request", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} → {self.organisation_id}"

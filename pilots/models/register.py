"""The pilot register of a municipality: phases, goals, budget and the journal."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User

# Who manages the pilots of their municipality, and who may only read them.
MANAGER_ROLES = frozenset({Role.PILOT_OWNER, Role.FUNCTIONAL_ADMIN})
READER_ROLES = MANAGER_ROLES | {Role.ALDERMAN}

# Spending may run this far ahead of the elapsed share of the period before we warn.
SPENDING_MARGIN = Decimal("0.10")


class Theme(models.TextChoices):
    SOCIAL_ACTIVATION = (
        "social_activation",
        _("Social activation, income and work with fewer rules and more trust"),
    )
    CARE_IN_NEIGHBOURHOOD = (
        "care_in_neighbourhood",
        _("Care in the neighbourhood instead of in institutions"),
    )
    EDUCATION_HAPPINESS = "education_happiness", _("Education and happiness")
    OTHER = "other", _("Other")


class Phase(models.TextChoices):
    IDEA = "idea", _("Idea")
    DESIGN = "design", _("Design")
    RUNNING = "running", _("Running")
    EVALUATION = "evaluation", _("Evaluation")
    SCALED_UP = "scaled_up", _("Scaled up")
    STOPPED = "stopped", _("Stopped")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.IDEA: frozenset({Phase.DESIGN, Phase.STOPPED}),
    Phase.DESIGN: frozenset({Phase.RUNNING, Phase.STOPPED}),
    Phase.RUNNING: frozenset({Phase.EVALUATION, Phase.STOPPED}),
    # An evaluation can send a pilot back for another round.
    Phase.EVALUATION: frozenset({Phase.RUNNING, Phase.SCALED_UP, Phase.STOPPED}),
    Phase.SCALED_UP: frozenset(),
    # A stopped pilot is a result: it stays in the register, it never comes back.
    Phase.STOPPED: frozenset(),
}
ACTIVE_PHASES = frozenset({Phase.RUNNING, Phase.EVALUATION})
PUBLIC_PHASES = frozenset({Phase.RUNNING, Phase.EVALUATION, Phase.SCALED_UP})


class InvalidTransition(ValidationError):
    pass


class PilotQuerySet(models.QuerySet["Pilot"]):
    def visible_to(self, user: User) -> PilotQuerySet:
        """Pilot owners, functional admins and aldermen see their municipality's."""
        if not user.is_authenticated or user.role not in READER_ROLES:
            return self.none()
        return self.filter(municipality_id=user.municipality_id)

    def open_for_enrolment(self, user: User) -> PilotQuerySet:
        """Running pilots a caseworker may enrol a resident of their municipality in."""
        if not user.is_authenticated or user.role not in (
            Role.CASEWORKER,
            Role.TEAM_LEAD,
            *MANAGER_ROLES,
        ):
            return self.none()
        return self.filter(
            municipality_id=user.municipality_id, phase__in=ACTIVE_PHASES
        )


class Pilot(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="pilots",
        verbose_name=_("municipality"),
    )
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme)
    description = models.TextField(_("description"))
    neighbourhoods = models.ManyToManyField(
        "municipalities.Neighbourhood",
        blank=True,
        related_name="pilots",
        verbose_name=_("neighbourhoods"),
    )
    partners = models.ManyToManyField(
        "networks.Organisation",
        blank=True,
        related_name="pilots",
        verbose_name=_("partner organisations"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pilots_owned",
        verbose_name=_("owner"),
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase, default=Phase.IDEA
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    hypotheses = models.TextField(_("hypotheses"), blank=True)
    approach = models.TextField(_("approach"), blank=True)
    stop_reason = models.TextField(_("why the pilot stopped"), blank=True)
    lessons = models.TextField(_("what we learned"), blank=True)
    idea = models.OneToOneField(
        "pilots.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilot",
        verbose_name=_("idea"),
    )
    # Aggregates (n >= 5 only) published on the neighbourhood pages, as a snapshot.
    public_results = models.JSONField(default=list, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        indexes = [models.Index(fields=["municipality", "phase", "title"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="pilot_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:detail", args=[self.public_id])

    @property
    def is_closed(self) -> bool:
        return self.phase in (Phase.STOPPED, Phase.SCALED_UP)

    def is_running_on(self, day: dt.date) -> bool:
        return (
            self.phase in ACTIVE_PHASES
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )

    def allowed_phases(self) -> list[tuple[str, str]]:
        allowed = ALLOWED_TRANSITIONS[self.phase]
        return [(value, label) for value, label in Phase.choices if value in allowed]

    def transition(
        self, to: str, *, by: User, on: dt.date, note: str = ""
    ) -> PhaseChange:
        """Move along ALLOWED_TRANSITIONS with a dated history row."""
        if to not in ALLOWED_TRANSITIONS.get(self.phase, ()):
            raise InvalidTransition(
                _("A pilot cannot go from %(from)s to %(to)s.")
                % {"from": self.get_phase_display(), "to": to}
            )
        change = PhaseChange.objects.create(
            pilot=self, from_phase=self.phase, to_phase=to, on=on, by=by, note=note
        )
        self.phase = to
        self.save(update_fields=["phase"])
        return change

    def elapsed_share(self, today: dt.date) -> Decimal | None:
        """How much of the period from start to end has passed (0 to 1)."""
        if not self.starts_on or not self.ends_on:
            return None
        total = (self.ends_on - self.starts_on).days + 1
        passed = min(max((today - self.starts_on).days + 1, 0), total)
        return Decimal(passed) / Decimal(total)


class PhaseChange(models.Model):
    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=20, choices=Phase, blank=True)
    to_phase = models.CharField(max_length=20, choices=Phase)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "created_at", "pk"]
        indexes = [models.Index(fields=["pilot", "on"])]

    def __str__(self) -> str:
        return f"{self.from_phase or '-'} → {self.to_phase}"


class Goal(models.Model):
    """A goal with its KPI. Linked to an instrument (and domain), the outcome page
    sets the measured change beside the target."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=200)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    current_value = models.DecimalField(
        _("current value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    instrument = models.CharField(_("measured with"), max_length=30, blank=True)
    domain = models.CharField(_("domain"), max_length=30, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["pilot", "instrument", "domain"])]

    def __str__(self) -> str:
        return self.indicator


class BudgetLine(models.Model):
    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="budget_lines"
    )
    name = models.CharField(_("budget line"), max_length=200)
    planned = models.DecimalField(_("planned amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["pilot"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "name"], name="budget_line_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0), name="budget_line_planned_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BudgetEntryKind(models.TextChoices):
    COMMITMENT = "commitment", _("Commitment")
    SPENDING = "spending", _("Spending")


class BudgetEntry(models.Model):
    line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BudgetEntryKind)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["line", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="budget_entry_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


def budget_overview(pilot: Pilot, today: dt.date) -> dict[str, object]:
    """Planned, committed and spent per line and in total, in one query, and whether
    spending runs ahead of time (a bigger share spent than of the period passed,
    beyond SPENDING_MARGIN)."""
    lines = list(
        pilot.budget_lines.annotate(
            spent=Sum("entries__amount", filter=Q(entries__kind="spending")),
            committed=Sum("entries__amount", filter=Q(entries__kind="commitment")),
        )
    )
    zero = Decimal("0.00")
    for line in lines:
        line.spent = line.spent or zero
        line.committed = line.committed or zero
        line.remaining = line.planned - line.spent
        line.overspent = line.spent > line.planned
    planned = sum((line.planned for line in lines), zero)
    spent = sum((line.spent for line in lines), zero)
    committed = sum((line.committed for line in lines), zero)
    elapsed = pilot.elapsed_share(today)
    spent_share = spent / planned if planned else None
    ahead = (
        elapsed is not None
        and spent_share is not None
        and spent_share > elapsed + SPENDING_MARGIN
    )
    return {
        "lines": lines,
        "planned": planned,
        "spent": spent,
        "committed": committed,
        "remaining": planned - spent,
        "spent_percent": round(spent_share * 100) if spent_share is not None else None,
        "elapsed_percent": round(elapsed * 100) if elapsed is not None else None,
        "ahead_of_time": ahead,
    }


class JournalEntry(models.Model):
    """A dated learning-journal entry; a decision is an entry with a decision."""

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="journal_entries"
    )
    written_on = models.DateField(_("date"))
    tried = models.TextField(_("what we tried"))
    saw = models.TextField(_("what we saw"))
    change = models.TextField(_("what we change"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_on", "-pk"]
        indexes = [models.Index(fields=["pilot", "-written_on"])]

    def __str__(self) -> str:
        return f"{self.pilot_id} {self.written_on}"

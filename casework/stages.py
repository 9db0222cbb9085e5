"""The stages of a case on the staff side, and the resident's status that follows.

Staff move a case through finer stages than a resident needs to see. One table says
which stage may follow which; one function (`resident_status_for`) says what the
resident sees in each stage, so internal stage names never reach them.

The resident's status can also change outside casework (the resident withdraws, or
reopens a closed request after a low score). A stored stage that no longer fits the
status is then ignored and the stage follows from the status (`effective_stage`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.models import OPEN_STATUSES, Status


class Stage(models.TextChoices):
    NEW = "new", _("New")
    TRIAGE = "triage", _("Triage")
    INTAKE_PLANNED = "intake_planned", _("Intake planned")
    INTAKE_DONE = "intake_done", _("Intake done")
    PLAN = "plan", _("Support plan")
    IN_PROGRESS = "in_progress", _("In progress")
    EVALUATION = "evaluation", _("Evaluation")
    WAITING_FOR_RESIDENT = "waiting_for_resident", _("Waiting for the resident")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


_ENDS = frozenset({Stage.CLOSED, Stage.WITHDRAWN})
_WAIT_OR_END = _ENDS | {Stage.WAITING_FOR_RESIDENT}

STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    # A walk-in can have the intake right away, hence new -> intake done.
    Stage.NEW: frozenset({Stage.TRIAGE, Stage.INTAKE_PLANNED, Stage.INTAKE_DONE})
    | _WAIT_OR_END,
    Stage.TRIAGE: frozenset({Stage.INTAKE_PLANNED, Stage.INTAKE_DONE}) | _WAIT_OR_END,
    Stage.INTAKE_PLANNED: frozenset({Stage.INTAKE_DONE}) | _WAIT_OR_END,
    Stage.INTAKE_DONE: frozenset({Stage.PLAN, Stage.IN_PROGRESS}) | _WAIT_OR_END,
    Stage.PLAN: frozenset({Stage.IN_PROGRESS}) | _WAIT_OR_END,
    # A new appointment or a changed plan can be needed along the way.
    Stage.IN_PROGRESS: frozenset({Stage.EVALUATION, Stage.PLAN, Stage.INTAKE_PLANNED})
    | _WAIT_OR_END,
    Stage.EVALUATION: frozenset({Stage.IN_PROGRESS, Stage.PLAN}) | _WAIT_OR_END,
    # Leaving "waiting" goes back to work; which stage is checked against the
    # resident's status table too (see allowed_stages).
    Stage.WAITING_FOR_RESIDENT: frozenset(
        {
            Stage.TRIAGE,
            Stage.INTAKE_PLANNED,
            Stage.INTAKE_DONE,
            Stage.PLAN,
            Stage.IN_PROGRESS,
            Stage.EVALUATION,
        }
    )
    | _ENDS,
    # A closed case is reopened by looking at it again.
    Stage.CLOSED: frozenset({Stage.TRIAGE}),
    Stage.WITHDRAWN: frozenset(),
}

# What the resident sees per stage; "waiting" keeps whatever they saw before.
_RESIDENT_STATUS: dict[str, str] = {
    Stage.NEW: Status.RECEIVED,
    Stage.TRIAGE: Status.IN_REVIEW,
    Stage.INTAKE_PLANNED: Status.APPOINTMENT_PLANNED,
    Stage.INTAKE_DONE: Status.IN_PROGRESS,
    Stage.PLAN: Status.IN_PROGRESS,
    Stage.IN_PROGRESS: Status.IN_PROGRESS,
    Stage.EVALUATION: Status.IN_PROGRESS,
    Stage.CLOSED: Status.CLOSED,
    Stage.WITHDRAWN: Status.WITHDRAWN,
}

# The stage a request is in when only its status is known (older requests, or a
# status changed by the resident).
STAGE_FOR_STATUS: dict[str, str] = {
    Status.RECEIVED: Stage.NEW,
    Status.IN_REVIEW: Stage.TRIAGE,
    Status.APPOINTMENT_PLANNED: Stage.INTAKE_PLANNED,
    Status.IN_PROGRESS: Stage.IN_PROGRESS,
    Status.CLOSED: Stage.CLOSED,
    Status.WITHDRAWN: Stage.WITHDRAWN,
}

OPEN_STAGES = [stage for stage in Stage.values if stage not in _ENDS]


def resident_status_for(stage: str, *, current: str) -> str:
    """The status the resident sees when the case is in `stage`; `current` is what
    they see now (kept while waiting for them)."""
    if stage == Stage.WAITING_FOR_RESIDENT:
        return current
    return _RESIDENT_STATUS[stage]


def fits(stage: str, status: str) -> bool:
    if stage == Stage.WAITING_FOR_RESIDENT:
        return status in OPEN_STATUSES
    return _RESIDENT_STATUS[stage] == status


def effective_stage(stored: str | None, status: str) -> str:
    """The stage of a request with `status` whose stored stage is `stored`."""
    if stored and fits(stored, status):
        return stored
    return STAGE_FOR_STATUS[status]


def allowed_stages(current_stage: str, status: str) -> list[str]:
    """The stages the case may move to: allowed by the stage table, and the
    resident's status that follows allowed by theirs."""
    from citizens.models import ALLOWED_TRANSITIONS

    allowed = []
    for stage in Stage.values:
        if stage not in STAGE_TRANSITIONS[current_stage]:
            continue
        after = resident_status_for(stage, current=status)
        if after == status or after in ALLOWED_TRANSITIONS[status]:
            allowed.append(stage)
    return allowed


def stage_condition(stage: str, *, prefix: str = "") -> Q:
    """Requests whose effective stage is `stage`, as a filter on HelpRequest."""
    stored = f"{prefix}case_state__stage"
    status_field = f"{prefix}status"
    if stage == Stage.WAITING_FOR_RESIDENT:
        return Q(**{stored: stage, f"{status_field}__in": OPEN_STATUSES})
    status = _RESIDENT_STATUS[stage]
    condition = Q(**{stored: stage, status_field: status})
    if STAGE_FOR_STATUS[status] == stage:
        # Also the requests with this status and no stored stage that fits it.
        others = [s for s in Stage.values if s != stage and fits(s, status)]
        no_fitting_row = Q(**{f"{prefix}case_state__isnull": True}) | ~Q(
            **{f"{stored}__in": others}
        )
        condition |= Q(**{status_field: status}) & no_fitting_row
    return condition

"""The pilot register for pilot owners, functional admins (manage) and aldermen
(read): the list, a pilot's page with its forms, and editing."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from pilots.access import get_pilot_for_user
from pilots.forms import (
    ActivityForm,
    BudgetEntryForm,
    BudgetLineForm,
    EnrolForm,
    GoalForm,
    GoalValuesForm,
    JournalForm,
    LibraryForm,
    PhaseForm,
    PilotForm,
)
from pilots.models import (
    MANAGER_ROLES,
    READER_ROLES,
    Activity,
    BudgetEntry,
    Goal,
    Idea,
    IdeaStatus,
    Interest,
    InvalidTransition,
    JournalEntry,
    LibraryEntry,
    Participant,
    Phase,
    PhaseChange,
    Pilot,
)
from pilots.models.register import budget_overview
from pilots.outcomes import MIN_PARTICIPANTS, labelled, pilot_outcome
from pilots.services import (
    AlreadyEnrolled,
    library_publish,
    participant_enrol,
    pilot_change_phase,
    pilot_create,
    pilot_publish_results,
)
from socialdomain.lib.compiled import PreparedModels

READERS = tuple(READER_ROLES)
MANAGERS = tuple(MANAGER_ROLES)


def _register(request: HttpRequest) -> HttpResponse:
    user = request.user
    pilots = (
        Pilot.objects.visible_to(user)
        .select_related("owner")
        .annotate(
            active_participants=Count(
                "participants", filter=Q(participants__left_on__isnull=True)
            )
        )
        .order_by("title", "pk")
    )
    phase = request.GET.get("phase", "")
    if phase in Phase.values:
        pilots = pilots.filter(phase=phase)
    ideas = (
        Idea.objects.filter(
            municipality_id=user.municipality_id,
            status__in=[IdeaStatus.SUBMITTED, IdeaStatus.UNDER_CONSIDERATION],
        )
        .select_related("neighbourhood")
        .order_by("-created_at")[:20]
    )
    context = {
        "municipality": user.municipality,
        "pilots": pilots[:200],
        "phases": Phase.choices,
        "phase": phase,
        "ideas": ideas,
        "can_manage": user.role in MANAGER_ROLES,
    }
    return render(request, "pilots/home.html", context)


# The pilot owner's home page; aldermen and functional admins open the same register
# at its own address, since every role's home page is its own.
home = role_required(Role.PILOT_OWNER)(_register)
register = role_required(*READERS)(_register)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def pilot_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    idea = None
    idea_id = request.GET.get("idea") or request.POST.get("idea")
    if idea_id:
        try:
            idea = get_object_or_404(
                Idea.objects.select_related("neighbourhood"),
                public_id=UUID(str(idea_id)),
                municipality_id=user.municipality_id,
                pilot__isnull=True,
            )
        except ValueError as error:
            raise Http404 from error
    initial = {"owner": user.pk}
    if idea:
        initial.update(
            title=idea.title,
            description=idea.description,
            neighbourhoods=[idea.neighbourhood_id],
        )
    form = PilotForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    if form.is_valid():
        pilot = pilot_create(
            by=user,
            fields=form.model_fields(),
            neighbourhoods=form.cleaned_data["neighbourhoods"],
            partners=form.cleaned_data["partners"],
            idea=idea,
        )
        messages.success(request, _("The pilot is in the register."))
        return redirect("pilots:detail", pilot.public_id)
    context = {"form": form, "idea": idea}
    return render(
        request, "pilots/pilot_form.html", context, status=400 if form.is_bound else 200
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def pilot_edit(request: HttpRequest, pilot_id: UUID) -> HttpResponse:
    pilot = get_pilot_for_user(request, pilot_id, write=True)
    initial = {
        "title": pilot.title,
        "theme": pilot.theme,
        "description": pilot.description,
        "owner": pilot.owner_id,
        "neighbourhoods": list(pilot.neighbourhoods.values_list("pk", flat=True)),
        "partners": list(pilot.partners.values_list("pk", flat=True)),
        "starts_on": pilot.starts_on,
        "ends_on": pilot.ends_on,
        "target_group": pilot.target_group,
        "hypotheses": pilot.hypotheses,
    }
    form = PilotForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial=initial,
    )
    if form.is_valid():
        with transaction.atomic():
            for key, value in form.model_fields().items():
                setattr(pilot, key, value)
            pilot.save()
            pilot.neighbourhoods.set(form.cleaned_data["neighbourhoods"])
            pilot.partners.set(form.cleaned_data["partners"])
        messages.success(request, _("The pilot is saved."))
        return redirect("pilots:detail", pilot.public_id)
    context = {"form": form, "pilot": pilot}
    return render(
        request, "pilots/pilot_form.html", context, status=400 if form.is_bound else 200
    )


# The pilot page's lists, compiled once per process (socialdomain/lib/compiled.py):
# compiling their querysets was a fifth of the page's time. The stand-in is an id
# no pilot has.
_STAND_IN_PK = -7_310_447
_GOALS = PreparedModels(lambda pk: Goal.objects.filter(pilot_id=pk), _STAND_IN_PK)
_HISTORY = PreparedModels(
    lambda pk: PhaseChange.objects.filter(pilot_id=pk).select_related("by"),
    _STAND_IN_PK,
)
_ENTRIES = PreparedModels(
    lambda pk: BudgetEntry.objects.filter(line__pilot_id=pk).select_related("line")[
        :50
    ],
    _STAND_IN_PK,
)
_PARTICIPANTS = PreparedModels(
    lambda pk: (
        Participant.objects.filter(pilot_id=pk)
        .order_by("left_on", "name", "pk")
        .annotate(
            measurement_count=Count(
                "measurements", filter=Q(measurements__taken_on__isnull=False)
            )
        )[:500]
    ),
    _STAND_IN_PK,
)
_ACTIVITIES = PreparedModels(
    lambda pk: Activity.objects.filter(pilot_id=pk)[:100], _STAND_IN_PK
)
_JOURNAL = PreparedModels(
    lambda pk: JournalEntry.objects.filter(pilot_id=pk).select_related("author")[:100],
    _STAND_IN_PK,
)
_INTERESTS = PreparedModels(
    lambda pk: Interest.objects.filter(pilot_id=pk).select_related("resident")[:100],
    _STAND_IN_PK,
)


def _render_detail(
    request: HttpRequest, pilot: Pilot, *, status: int = 200, **forms: Form
) -> HttpResponse:
    today = timezone.localdate()
    goals = _GOALS.instances(pilot.pk, known={"pilot": pilot})
    outcome = pilot_outcome(pilot)
    targets = {(goal.instrument, goal.domain): goal for goal in goals}
    can_manage = request.user.role in MANAGER_ROLES
    context = {
        "pilot": pilot,
        "can_manage": can_manage,
        "neighbourhoods": pilot.neighbourhoods.all(),
        "partners": pilot.partners.all(),
        "history": _HISTORY.instances(pilot.pk, known={"pilot": pilot}),
        "goals": goals,
        "budget": budget_overview(pilot, today),
        "entries": _ENTRIES.instances(pilot.pk),
        "participant_count": pilot.participants.filter(left_on__isnull=True).count(),
        "participants": _PARTICIPANTS.instances(pilot.pk, known={"pilot": pilot}),
        "activities": _ACTIVITIES.instances(pilot.pk, known={"pilot": pilot}),
        "outcome": outcome,
        "outcome_rows": [
            (row, targets.get((row.instrument, row.domain))) for row in outcome
        ],
        "min_participants": MIN_PARTICIPANTS,
        "journal": _JOURNAL.instances(pilot.pk, known={"pilot": pilot}),
        "interest_count": pilot.interests.count(),
        "interests": _INTERESTS.instances(pilot.pk, known={"pilot": pilot})
        if can_manage
        else [],
        "library_entry": LibraryEntry.objects.filter(pilot=pilot).first(),
        "public_results": labelled(pilot.public_results),
    }
    if can_manage:
        context.update(
            phase_form=PhaseForm(pilot=pilot, prefix="phase"),
            goal_form=GoalForm(prefix="goal"),
            goal_values_form=GoalValuesForm(goals=goals, prefix="kpi"),
            line_form=BudgetLineForm(pilot=pilot, prefix="line"),
            entry_form=BudgetEntryForm(pilot=pilot, prefix="entry"),
            enrol_form=EnrolForm(prefix="enrol"),
            activity_form=ActivityForm(prefix="activity"),
            journal_form=JournalForm(prefix="journal"),
            library_form=LibraryForm(
                prefix="library",
                initial={"approach": pilot.approach, "lessons": pilot.lessons},
            ),
        )
        context.update(forms)
    return render(request, "pilots/detail.html", context, status=status)


@role_required(*READERS)
def pilot_detail(request: HttpRequest, pilot_id: UUID) -> HttpResponse:
    pilot = get_pilot_for_user(request, pilot_id)
    return _render_detail(request, pilot)


def _phase(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    data = form.cleaned_data
    pilot_change_phase(
        pilot=pilot,
        to=data["to"],
        by=request.user,
        on=data["on"],
        note=data["note"],
        stop_reason=data["stop_reason"],
        lessons=data["lessons"],
    )
    return _("The phase is changed.")


def _goal(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    Goal.objects.create(pilot=pilot, **form.goal_fields())
    return _("The goal is added.")


def _goal_values(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    for goal, value in form.values():
        Goal.objects.filter(pk=goal.pk, pilot=pilot).update(current_value=value)
    return _("The current values are saved.")


def _line(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    pilot.budget_lines.create(**form.cleaned_data)
    return _("The budget line is added.")


def _entry(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    BudgetEntry.objects.create(by=request.user, **form.cleaned_data)
    return _("The amount is booked.")


def _enrol(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    from accounts.models import User

    data = form.cleaned_data
    resident = (
        User.objects.filter(
            email__iexact=data["email"],
            role=Role.RESIDENT,
            municipality_id=pilot.municipality_id,
        ).first()
        if data["email"]
        else None
    )
    participant_enrol(
        pilot=pilot,
        by=request.user,
        name=data["name"],
        consent_note=data["consent_note"],
        joined_on=data["joined_on"],
        resident=resident,
    )
    return _("The participant is enrolled.")


def _activity(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    Activity.objects.create(pilot=pilot, **form.cleaned_data)
    return _("The activity is recorded.")


def _journal(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    JournalEntry.objects.create(pilot=pilot, author=request.user, **form.cleaned_data)
    return _("The journal entry is saved.")


def _library(request: HttpRequest, pilot: Pilot, form: Form) -> str:
    library_publish(pilot=pilot, by=request.user, **form.cleaned_data)
    return _("The pilot is published to the shared library.")


# action: (name of the form on the page, the bound form, what to do when valid)
ACTIONS: dict[str, tuple[str, Callable[..., Form], Callable[..., str]]] = {
    "phase": (
        "phase_form",
        lambda data, pilot: PhaseForm(data, pilot=pilot, prefix="phase"),
        _phase,
    ),
    "goal": ("goal_form", lambda data, pilot: GoalForm(data, prefix="goal"), _goal),
    "kpi": (
        "goal_values_form",
        lambda data, pilot: GoalValuesForm(
            data, goals=list(pilot.goals.all()), prefix="kpi"
        ),
        _goal_values,
    ),
    "line": (
        "line_form",
        lambda data, pilot: BudgetLineForm(data, pilot=pilot, prefix="line"),
        _line,
    ),
    "entry": (
        "entry_form",
        lambda data, pilot: BudgetEntryForm(data, pilot=pilot, prefix="entry"),
        _entry,
    ),
    "enrol": (
        "enrol_form",
        lambda data, pilot: EnrolForm(data, prefix="enrol"),
        _enrol,
    ),
    "activity": (
        "activity_form",
        lambda data, pilot: ActivityForm(data, prefix="activity"),
        _activity,
    ),
    "journal": (
        "journal_form",
        lambda data, pilot: JournalForm(data, prefix="journal"),
        _journal,
    ),
    "library": (
        "library_form",
        lambda data, pilot: LibraryForm(data, prefix="library"),
        _library,
    ),
}


@role_required(*MANAGERS)
@require_POST
def pilot_action(request: HttpRequest, pilot_id: UUID, action: str) -> HttpResponse:
    """One of the forms on the pilot's page; invalid input comes back on the page
    with the messages at the fields and everything typed kept."""
    if action not in ACTIONS:
        raise Http404
    pilot = get_pilot_for_user(request, pilot_id, write=True)
    key, make_form, handle = ACTIONS[action]
    form = make_form(request.POST, pilot)
    if form.is_valid():
        try:
            message = handle(request, pilot, form)
        except InvalidTransition as error:
            form.add_error(None, error.messages[0])
        except AlreadyEnrolled:
            form.add_error(None, _("This person already takes part in the pilot."))
        else:
            messages.success(request, message)
            return redirect(f"{pilot.get_absolute_url()}#{action}")
    return _render_detail(request, pilot, status=400, **{key: form})


@role_required(*MANAGERS)
@require_POST
def pilot_results_publish(request: HttpRequest, pilot_id: UUID) -> HttpResponse:
    pilot = get_pilot_for_user(request, pilot_id, write=True)
    pilot_publish_results(pilot=pilot)
    messages.success(
        request, _("The results are shown on the pages of the pilot's neighbourhoods.")
    )
    return redirect(f"{pilot.get_absolute_url()}#outcome")

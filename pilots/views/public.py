"""What residents and organisations see: pilots and ideas per neighbourhood (public),
submitting, supporting and commenting on ideas, registering interest, their own
participation; and the municipality's public answer to an idea."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from municipalities.models import Municipality, Neighbourhood
from pilots.access import get_idea_to_answer
from pilots.forms import CommentForm, IdeaAnswerForm, IdeaForm, InterestForm
from pilots.models import (
    MANAGER_ROLES,
    Idea,
    IdeaStatus,
    Interest,
    InvalidTransition,
    Participant,
    Pilot,
)
from pilots.models.register import PUBLIC_PHASES
from pilots.outcomes import labelled
from pilots.services import (
    idea_answer,
    idea_comment,
    idea_submit,
    idea_support,
    interest_register,
)

IDEA_ROLES = (Role.RESIDENT, Role.PARTNER)


@login_not_required
def neighbourhood_index(request: HttpRequest) -> HttpResponse:
    municipalities = Municipality.objects.prefetch_related(
        Prefetch(
            "districts__neighbourhoods",
            queryset=Neighbourhood.objects.order_by("name"),
        )
    ).order_by("name")
    return render(
        request, "pilots/neighbourhood_index.html", {"municipalities": municipalities}
    )


def _neighbourhood(cbs_code: str) -> Neighbourhood:
    return get_object_or_404(
        Neighbourhood.objects.select_related("district__municipality"),
        cbs_code=cbs_code,
    )


@login_not_required
def neighbourhood_page(request: HttpRequest, cbs_code: str) -> HttpResponse:
    """Running pilots, published results and ideas of one neighbourhood. Public:
    only what the owner published, never a participant."""
    neighbourhood = _neighbourhood(cbs_code)
    pilots = list(
        Pilot.objects.filter(neighbourhoods=neighbourhood, phase__in=PUBLIC_PHASES)
        .only(
            "public_id",
            "title",
            "description",
            "phase",
            "target_group",
            "public_results",
            "results_published_at",
            "starts_on",
            "ends_on",
        )
        .order_by("title", "pk")
    )
    for pilot in pilots:
        pilot.results = labelled(pilot.public_results)
    user = request.user
    interested: set[int] = set()
    if user.is_authenticated and user.role == Role.RESIDENT:
        interested = set(
            Interest.objects.filter(
                resident=user, pilot__in=[pilot.pk for pilot in pilots]
            ).values_list("pilot_id", flat=True)
        )
    ideas = Idea.objects.filter(neighbourhood=neighbourhood).select_related(
        "organisation", "pilot"
    )[:50]
    context = {
        "neighbourhood": neighbourhood,
        "pilots": pilots,
        "ideas": ideas,
        "interested": interested,
        "can_register": user.is_authenticated and user.role == Role.RESIDENT,
        "can_submit": user.is_authenticated and user.role in IDEA_ROLES,
    }
    return render(request, "pilots/neighbourhood.html", context)


@role_required(Role.RESIDENT)
@require_POST
def interest(request: HttpRequest, pilot_id: UUID) -> HttpResponse:
    pilot = get_object_or_404(Pilot, public_id=pilot_id, phase__in=PUBLIC_PHASES)
    form = InterestForm(request.POST)
    if form.is_valid():
        interest_register(
            pilot=pilot, resident=request.user, note=form.cleaned_data["note"]
        )
        messages.success(
            request, _("Thank you! The people of the pilot will contact you.")
        )
    neighbourhood = pilot.neighbourhoods.order_by("pk").first()
    if neighbourhood is None:
        return redirect("pilots:mine")
    return redirect("pilots:neighbourhood", neighbourhood.cbs_code)


@role_required(*IDEA_ROLES)
@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = _neighbourhood(cbs_code)
    form = IdeaForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        idea = idea_submit(
            by=request.user, neighbourhood=neighbourhood, **form.cleaned_data
        )
        messages.success(
            request, _("Thank you for your idea. The municipality will answer here.")
        )
        return redirect("pilots:idea", idea.public_id)
    return render(
        request,
        "pilots/idea_form.html",
        {"form": form, "neighbourhood": neighbourhood},
        status=400 if form.is_bound else 200,
    )


def _idea(public_id: UUID) -> Idea:
    return get_object_or_404(
        Idea.objects.select_related(
            "neighbourhood__district__municipality", "organisation", "pilot"
        ),
        public_id=public_id,
    )


def _render_idea(
    request: HttpRequest, idea: Idea, *, status: int = 200, **forms: object
) -> HttpResponse:
    user = request.user
    can_answer = (
        user.is_authenticated
        and user.role in MANAGER_ROLES
        and user.municipality_id == idea.municipality_id
    )
    context = {
        "idea": idea,
        "comments": idea.comments.select_related("organisation"),
        "can_react": user.is_authenticated and user.role in IDEA_ROLES,
        "can_answer": can_answer and idea.status != IdeaStatus.ADOPTED,
        "comment_form": CommentForm(),
        "answer_form": IdeaAnswerForm(
            initial={"status": IdeaStatus.UNDER_CONSIDERATION, "answer": idea.answer}
        ),
        **forms,
    }
    return render(request, "pilots/idea.html", context, status=status)


@login_not_required
def idea_detail(request: HttpRequest, idea_id: UUID) -> HttpResponse:
    return _render_idea(request, _idea(idea_id))


@role_required(*IDEA_ROLES)
@require_POST
def idea_support_view(request: HttpRequest, idea_id: UUID) -> HttpResponse:
    idea = _idea(idea_id)
    if idea_support(idea=idea, by=request.user):
        messages.success(request, _("You support this idea."))
    else:
        messages.info(request, _("You already support this idea."))
    return redirect("pilots:idea", idea.public_id)


@role_required(*IDEA_ROLES, *MANAGER_ROLES)
@require_POST
def idea_comment_view(request: HttpRequest, idea_id: UUID) -> HttpResponse:
    idea = _idea(idea_id)
    if request.user.role in MANAGER_ROLES:
        idea = get_idea_to_answer(request, idea_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_idea(request, idea, status=400, comment_form=form)
    idea_comment(idea=idea, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Your reaction is placed."))
    return redirect("pilots:idea", idea.public_id)


@role_required(*MANAGER_ROLES)
@require_POST
def idea_answer_view(request: HttpRequest, idea_id: UUID) -> HttpResponse:
    idea = get_idea_to_answer(request, idea_id)
    form = IdeaAnswerForm(request.POST)
    if form.is_valid():
        try:
            idea_answer(idea=idea, by=request.user, **form.cleaned_data)
        except InvalidTransition as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The answer is public."))
            return redirect("pilots:idea", idea.public_id)
    return _render_idea(request, _idea(idea_id), status=400, answer_form=form)


@role_required(Role.RESIDENT)
def mine(request: HttpRequest) -> HttpResponse:
    """The resident's own participations and registrations of interest."""
    user = request.user
    context = {
        "participations": Participant.objects.of_resident(user)
        .select_related("pilot")
        .order_by("left_on", "-joined_on"),
        "interests": Interest.objects.filter(resident=user).select_related("pilot"),
    }
    return render(request, "pilots/mine.html", context)

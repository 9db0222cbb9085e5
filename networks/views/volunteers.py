"""A resident as volunteer: signing up, pausing or stopping, and answering matches.
A volunteer reads only the first name, the neighbourhood and the task, and only
while the resident's consent for volunteers holds."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from citizens.models import consented_subquery, sharing_consent
from municipalities.models import Municipality
from networks.access import get_match_for_volunteer, get_own_volunteer
from networks.forms import MatchAnswerForm, VolunteerSignUpForm, VolunteerStatusForm
from networks.models import MATCH_TRANSITIONS, Match, MatchStatus
from networks.services import (
    NotAllowed,
    match_answer,
    volunteer_set_status,
    volunteer_sign_up,
)


@role_required(Role.RESIDENT)
def volunteer_home(request: HttpRequest) -> HttpResponse:
    volunteer = get_own_volunteer(request)
    if volunteer is None:
        return redirect("networks:volunteer_sign_up")
    matches = (
        Match.objects.for_volunteer(request.user)
        .select_related("help_request__neighbourhood")
        .annotate(shared=consented_subquery("help_request_id", organisation=None))
    )
    context = {
        "volunteer": volunteer,
        "open_matches": [m for m in matches if MATCH_TRANSITIONS[m.status]],
        "closed_matches": [m for m in matches if not MATCH_TRANSITIONS[m.status]],
        "helps_in": volunteer.neighbourhoods.all(),
    }
    return render(request, "networks/volunteer_home.html", context)


def _municipality_for(request: HttpRequest) -> Municipality | None:
    if request.user.municipality_id:
        return request.user.municipality
    slug = request.GET.get("municipality") or request.POST.get("municipality")
    return Municipality.objects.filter(slug=slug).first() if slug else None


@role_required(Role.RESIDENT)
def volunteer_sign_up_view(request: HttpRequest) -> HttpResponse:
    if get_own_volunteer(request) is not None:
        return redirect("networks:volunteer_home")
    municipality = _municipality_for(request)
    if municipality is None:
        return render(
            request,
            "networks/volunteer_choose_municipality.html",
            {"municipalities": Municipality.objects.order_by("name")},
        )
    form = VolunteerSignUpForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        volunteer_sign_up(
            user=request.user,
            municipality=municipality,
            neighbourhood=data["neighbourhood"],
            neighbourhoods=list(data["neighbourhoods"]),
            offers=data["offers"],
            availability=data["availability"],
            phone=data["phone"],
            about=data["about"],
        )
        messages.success(
            request,
            _(
                "Thank you for signing up. A coordinator will call you for a "
                "conversation and asks for a certificate of conduct (VOG)."
            ),
        )
        return redirect("networks:volunteer_home")
    return render(
        request,
        "networks/volunteer_sign_up.html",
        {"form": form, "municipality": municipality},
        status=400 if form.is_bound else 200,
    )


@role_required(Role.RESIDENT)
@require_POST
def volunteer_status(request: HttpRequest) -> HttpResponse:
    volunteer = get_own_volunteer(request)
    if volunteer is None:
        return redirect("networks:volunteer_sign_up")
    form = VolunteerStatusForm(request.POST)
    if form.is_valid():
        try:
            volunteer_set_status(
                volunteer=volunteer, status=form.cleaned_data["status"]
            )
        except NotAllowed as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Your status has been changed."))
    else:
        messages.error(request, _("That change is not possible now."))
    return redirect("networks:volunteer_home")


@role_required(Role.RESIDENT)
def match_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    match = get_match_for_volunteer(request, public_id)
    form = MatchAnswerForm(
        request.POST or None, allowed=MATCH_TRANSITIONS[match.status]
    )
    if request.method == "POST" and form.is_valid():
        try:
            match_answer(
                match=match,
                by=request.user,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["text"],
                appointment_at=form.cleaned_data["appointment_at"],
            )
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Thank you, your answer has been saved."))
            return redirect("networks:volunteer_home")
    return render(
        request,
        "networks/match_detail.html",
        {
            "match": match,
            "shared": sharing_consent(match.help_request, organisation=None)
            is not None,
            "form": form,
            "proposed": match.status == MatchStatus.PROPOSED,
        },
        status=400 if form.is_bound else 200,
    )

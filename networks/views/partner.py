"""The partner portal: referrals addressed to the organisation, its page on the
social map and its services; for volunteer coordinators, screening volunteers."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role, User
from casework.models import REFERRAL_TRANSITIONS, Referral, ReferralStatus
from citizens.models import consented_subquery, sharing_consent
from networks.access import (
    OPEN_REFERRAL_STATUSES,
    get_referral_for_partner,
    get_volunteer_to_screen,
    is_coordinator,
)
from networks.forms import ReferralResponseForm, ScreeningForm
from networks.models import Volunteer, VolunteerStatus
from networks.services import NotAllowed, referral_respond, volunteer_screen


@role_required(Role.PARTNER)
def partner_home(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    referrals = Referral.objects.filter(organisation_id=organisation.pk)
    context = {
        "organisation": organisation,
        "open_referrals": referrals.filter(status__in=OPEN_REFERRAL_STATUSES)
        .select_related("help_request__neighbourhood")
        .annotate(
            shared=consented_subquery("help_request_id", organisation=organisation)
        )
        .order_by("created_at"),
        # Closed referrals are counted, not shown: they are no longer theirs to read.
        "closed_counts": referrals.exclude(status__in=OPEN_REFERRAL_STATUSES).aggregate(
            completed=Count("pk", filter=Q(status=ReferralStatus.COMPLETED)),
            declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
        ),
        "services": organisation.services.all(),
        "colleagues": User.objects.filter(
            organisation_id=organisation.pk, is_active=True
        ).order_by("full_name"),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "networks/partner_home.html", context)


@role_required(Role.PARTNER)
def referral_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """What the referral needs, and only that: the question, a first name and the
    neighbourhood, while the resident's consent holds. Gone once the referral is
    closed."""
    referral = get_referral_for_partner(request, public_id)
    shared = (
        sharing_consent(referral.help_request, organisation=referral.organisation)
        is not None
    )
    allowed = REFERRAL_TRANSITIONS[referral.status]
    form = ReferralResponseForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            referral_respond(
                referral=referral,
                by=request.user,
                to=form.cleaned_data["to"],
                text=form.cleaned_data["text"],
            )
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your answer has been sent to the caseworker."))
            return redirect("networks:partner_home")
    context = {
        "referral": referral,
        "shared": shared,
        "first_name": referral.help_request.first_name if shared else "",
        "form": form,
    }
    status = 400 if form.is_bound else 200
    return render(request, "networks/referral_detail.html", context, status=status)


@role_required(Role.PARTNER, Role.FUNCTIONAL_ADMIN)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.PARTNER and not is_coordinator(user):
        raise PermissionDenied
    status = request.GET.get("status", VolunteerStatus.APPLIED)
    if status not in VolunteerStatus.values:
        status = VolunteerStatus.APPLIED
    volunteers = (
        Volunteer.objects.filter(municipality_id=user.municipality_id, status=status)
        .select_related("user", "neighbourhood")
        .order_by("created_at")
    )
    counts = dict(
        Volunteer.objects.filter(municipality_id=user.municipality_id)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    context = {
        "volunteers": volunteers,
        "status": status,
        "tabs": [
            (value, label, counts.get(value, 0))
            for value, label in VolunteerStatus.choices
        ],
    }
    return render(request, "networks/volunteer_list.html", context)


@role_required(Role.PARTNER, Role.FUNCTIONAL_ADMIN)
def volunteer_screening(request: HttpRequest, public_id: UUID) -> HttpResponse:
    volunteer = get_volunteer_to_screen(request, public_id)
    initial = {
        "vog_status": volunteer.vog_status,
        "intake_on": volunteer.intake_on,
        "screening_note": volunteer.screening_note,
    }
    form = ScreeningForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_screen(volunteer=volunteer, by=request.user, **form.cleaned_data)
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The screening has been saved."))
            return redirect("networks:volunteer_list")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "networks/volunteer_screening.html",
        {"volunteer": volunteer, "form": form},
        status=status,
    )

"""Participants and their measurements: by staff, by caseworkers from a case, and
by the resident through a single-use link."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Role
from pilots.access import get_participant_for_user, get_pilot_for_user
from pilots.forms import (
    EnrolFromCaseForm,
    LeaveForm,
    MeasurementForm,
    MeasurementPlanForm,
    ScoresForm,
)
from pilots.models import MANAGER_ROLES, Instrument, InvalidTransition
from pilots.models.participation import SCALES
from pilots.services import (
    AlreadyEnrolled,
    measurement_for_token,
    measurement_plan,
    measurement_record,
    measurement_record_by_link,
    participant_enrol_from_help_request,
    participant_leave,
)


def _instrument(request: HttpRequest) -> str:
    value = request.GET.get("instrument") or request.POST.get("instrument", "")
    return value if value in Instrument.values else Instrument.ZRM


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def participant_detail(
    request: HttpRequest, pilot_id: UUID, participant_id: UUID
) -> HttpResponse:
    """A participant's measurements and the forms to enter scores, plan a
    measurement with a link for the resident, or record leaving. Managers only:
    aldermen see aggregates, never a person."""
    write = request.method == "POST"
    pilot = get_pilot_for_user(request, pilot_id, write=True)
    participant = get_participant_for_user(request, pilot, participant_id)
    instrument = _instrument(request)
    data = request.POST if write else None
    action = request.POST.get("form", "")
    measurement_form = MeasurementForm(
        data if action == "measure" else None, instrument=instrument, prefix="measure"
    )
    plan_form = MeasurementPlanForm(data if action == "plan" else None, prefix="plan")
    leave_form = LeaveForm(data if action == "leave" else None, prefix="leave")
    here = reverse("pilots:participant", args=[pilot.public_id, participant.public_id])
    if action == "measure" and measurement_form.is_valid():
        measurement_record(
            participant=participant,
            instrument=instrument,
            moment=measurement_form.cleaned_data["moment"],
            taken_on=measurement_form.cleaned_data["taken_on"],
            scores=measurement_form.scores(),
            by=request.user,
        )
        messages.success(request, _("The measurement is saved."))
        return redirect(f"{here}?instrument={instrument}")
    if action == "plan" and plan_form.is_valid():
        try:
            _measurement, token = measurement_plan(
                participant=participant, **plan_form.cleaned_data
            )
        except InvalidTransition as error:
            plan_form.add_error("moment", error.messages[0])
        else:
            link = request.build_absolute_uri(reverse("pilots:measure", args=[token]))
            messages.success(
                request,
                _(
                    "The measurement is planned. Give the participant this link; "
                    "it works once and is shown only now: %(link)s"
                )
                % {"link": link},
            )
            return redirect(here)
    if action == "leave" and leave_form.is_valid():
        participant_leave(
            participant=participant,
            on=leave_form.cleaned_data["left_on"],
            reason=leave_form.cleaned_data["reason"],
        )
        messages.success(request, _("The participant has left the pilot."))
        return redirect(pilot.get_absolute_url())
    context = {
        "pilot": pilot,
        "participant": participant,
        "measurements": participant.measurements.order_by(
            "instrument", "moment", "taken_on", "due_on", "pk"
        ),
        "instrument": instrument,
        "instruments": Instrument.choices,
        "scale": SCALES[instrument],
        "can_manage": request.user.role in MANAGER_ROLES,
        "measurement_form": measurement_form,
        "plan_form": plan_form,
        "leave_form": leave_form,
    }
    return render(
        request,
        "pilots/participant.html",
        context,
        status=400 if write else 200,
    )


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def enrol_from_case(request: HttpRequest) -> HttpResponse:
    """A caseworker enrols the resident of a help request in a running pilot."""
    form = EnrolFromCaseForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"reference": request.GET.get("reference", "")},
    )
    if form.is_valid():
        try:
            participant_enrol_from_help_request(
                pilot=form.cleaned_data["pilot"],
                help_request=form.cleaned_data["reference"],
                by=request.user,
                consent_note=form.cleaned_data["consent_note"],
            )
        except AlreadyEnrolled:
            form.add_error("reference", _("This resident already takes part."))
        else:
            messages.success(request, _("The resident is enrolled in the pilot."))
            return redirect("pilots:enrol_from_case")
    return render(
        request,
        "pilots/enrol_from_case.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def measure_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The resident answers the questions of a planned measurement; the link works
    once. No name or other personal data is shown on this page."""
    measurement = measurement_for_token(token)
    if measurement is None:
        return render(request, "pilots/measure_link_used.html", status=404)
    form = ScoresForm(
        request.POST if request.method == "POST" else None,
        instrument=measurement.instrument,
    )
    if form.is_valid():
        if measurement_record_by_link(token=token, scores=form.scores()):
            return render(request, "pilots/measure_thanks.html")
        return render(request, "pilots/measure_link_used.html", status=404)
    context = {
        "form": form,
        "pilot_title": measurement.participant.pilot.title,
        "scale": SCALES[measurement.instrument],
        "instrument": measurement.instrument,
    }
    return render(
        request,
        "pilots/measure_by_link.html",
        context,
        status=400 if form.is_bound else 200,
    )


@role_required(Role.RESIDENT)
@require_POST
def leave_own(request: HttpRequest, participant_id: UUID) -> HttpResponse:
    from django.utils import timezone

    from pilots.access import get_own_participation

    participant = get_own_participation(request, participant_id)
    participant_leave(
        participant=participant,
        on=timezone.localdate(),
        reason=_("Left on their own page"),
    )
    messages.success(request, _("You no longer take part. Thank you for joining."))
    return redirect("pilots:mine")

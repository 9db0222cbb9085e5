"""The caseworker's view of the neighbourhood network for one help request:
suggested volunteers and organisations, proposing a match, and the matches so far."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from casework import lists
from casework.access import get_help_request_for_staff
from casework.forms import ReferralForm
from citizens.models import HelpRequest, sharing_consent
from networks.forms import MatchProposeForm, NeedForm
from networks.models import VOLUNTEER_OFFERS, MatchStatus, Need
from networks.services import (
    NotAllowed,
    match_answer,
    match_propose,
    organisation_suggestions,
    volunteer_suggestions,
)


def _render(
    request: HttpRequest,
    help_request: HelpRequest,
    *,
    propose_form: MatchProposeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    need_form = NeedForm(request.GET or None)
    need = need_form.cleaned_data["need"] if need_form.is_valid() else Need.COMPANY
    triage = getattr(help_request, "triage", None)
    domains = list(triage.domains) if triage is not None else []
    volunteer_consent = sharing_consent(help_request, organisation=None)
    context = {
        "help_request": help_request,
        "need_form": need_form,
        "need": need,
        "need_label": Need(need).label,
        "volunteers_possible": need in VOLUNTEER_OFFERS,
        "volunteer_suggestions": volunteer_suggestions(
            help_request=help_request, need=need
        )
        if need in VOLUNTEER_OFFERS and volunteer_consent is not None
        else [],
        "volunteer_consent": volunteer_consent,
        "consents": lists.rows(lists.CONSENTS, help_request),
        "organisation_suggestions": organisation_suggestions(
            help_request=help_request, need=need, domains=domains
        ),
        "propose_form": propose_form
        or MatchProposeForm(
            municipality_id=help_request.municipality_id,
            initial={"need": need if need in VOLUNTEER_OFFERS else None},
        ),
        "referral_form": ReferralForm(help_request=help_request),
        "matches": lists.rows(lists.MATCHES, help_request),
        "referrals": lists.rows(lists.REFERRALS, help_request),
    }
    return render(request, "networks/case_network.html", context, status=status)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
def case_network(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    if request.method != "POST":
        return _render(request, help_request)
    form = MatchProposeForm(request.POST, municipality_id=help_request.municipality_id)
    if form.is_valid():
        try:
            match_propose(
                help_request=help_request, by=request.user, **form.cleaned_data
            )
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The volunteer has been asked. You will see their answer here."),
            )
            return redirect("networks:case_network", reference)
    return _render(request, help_request, propose_form=form, status=400)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def case_match_stop(
    request: HttpRequest, reference: str, public_id: UUID
) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    match = help_request.matches.filter(public_id=public_id).first()
    if match is None:
        raise Http404
    reason = request.POST.get("reason", "").strip()[:2000]
    try:
        match_answer(
            match=match,
            by=request.user,
            to=MatchStatus.STOPPED,
            reason=reason or _("Stopped by the caseworker."),
        )
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The match has been stopped."))
    return redirect("networks:case_network", reference)

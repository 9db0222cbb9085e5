from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import TEAM_ROLES, Role, User
from casework import lists
from casework.access import (
    AccessReasonNeeded,
    get_help_request_for_staff,
    get_help_request_to_claim,
    give_access_reason,
    open_help_request_for_staff,
)
from casework.forms import (
    NO_CONSENT_FOR_ORGANISATION,
    AccessReasonForm,
    AssignForm,
    ConsentRecordForm,
    ContactMomentForm,
    ProgressForm,
    ReferralForm,
    StaffMessageForm,
    TriageForm,
)
from casework.forms_wmo import WmoApplicationForm, WmoDecisionForm
from casework.models import DeadlineKind
from casework.services import (
    EditConflict,
    NoConsent,
    contact_moment_add,
    deadline_resume,
    deadline_suspend,
    help_request_assign,
    help_request_claim,
    help_request_triage,
    help_request_update_progress,
    referral_send,
    stored_stage,
)
from casework.stages import Stage
from citizens.models import (
    OPEN_STATUSES,
    ConsentMethod,
    HelpRequest,
    InvalidTransition,
)
from citizens.services import (
    MessageRefused,
    consent_give,
    consent_withdraw,
    message_post,
)
from municipalities.models import Neighbourhood


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    team = user.team
    context = {
        "team": team,
        "neighbourhoods": Neighbourhood.objects.visible_to(user).filter(
            district_id=team.district_id
        ),
        "members": User.objects.filter(
            team_id=team.pk, role__in=TEAM_ROLES, is_active=True
        ).order_by("role", "full_name"),
        # The team's open requests, on the open-request indexes (every status,
        # closed ones too, was a sort of the whole scope: 126 ms for 37,000
        # requests at bench scale, against 8 ms); the queue has the others.
        "requests": HelpRequest.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("neighbourhood", "contact_person")
        .order_by("-is_urgent", "-submitted_at")[:50],
    }
    return render(request, "casework/home.html", context)


def _render_detail(
    request: HttpRequest,
    help_request: HelpRequest,
    *,
    status: int = 200,
    **forms: object,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    stage = stored_stage(help_request)
    deadlines = lists.rows(lists.DEADLINES, help_request)
    kinds = {deadline.kind: deadline for deadline in deadlines}
    decision = kinds.get(DeadlineKind.WMO_DECISION)
    context = {
        "help_request": help_request,
        "stage": Stage(stage),
        "stage_history": lists.rows(lists.STAGES, help_request),
        "wmo_application_form": WmoApplicationForm(help_request=help_request)
        if decision is None and DeadlineKind.WMO_INVESTIGATION in kinds
        else None,
        "wmo_decision_form": WmoDecisionForm(help_request=help_request)
        if decision is not None and decision.met_at is None
        else None,
        "conversation": lists.rows(lists.MESSAGES, help_request),
        "history": lists.rows(lists.HISTORY, help_request),
        "attachments": lists.rows(lists.DOCUMENTS, help_request),
        "deadlines": [(deadline, deadline.state(today)) for deadline in deadlines],
        "message_form": StaffMessageForm(),
        "progress_form": ProgressForm(help_request=help_request, stage=stage),
        "triage_form": TriageForm(user=user, help_request=help_request),
        "assign_form": AssignForm(team_lead=user)
        if user.role == Role.TEAM_LEAD
        else None,
        "contact_form": ContactMomentForm(initial={"happened_on": today}),
        "contact_moments": lists.rows(lists.CONTACTS, help_request),
        "referral_form": ReferralForm(help_request=help_request),
        "referrals": lists.rows(lists.REFERRALS, help_request),
        "matches": lists.rows(lists.MATCHES, help_request),
        "consents": lists.rows(lists.CONSENTS, help_request),
        "consent_form": ConsentRecordForm(help_request=help_request),
        **forms,
    }
    return render(request, "casework/request_detail.html", context, status=status)


def _open_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the request; outside one's own caseload first ask why (and log it)."""
    form = AccessReasonForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        give_access_reason(request, reference, form.cleaned_data["access_reason"])
        return redirect("casework:request_detail", reference)
    opened = open_help_request_for_staff(request, reference)
    if isinstance(opened, AccessReasonNeeded):
        context = {"form": form, "reference": opened.reference}
        return render(
            request,
            "casework/access_reason.html",
            context,
            status=400 if form.is_bound else 200,
        )
    return _render_detail(request, opened)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    if request.method == "GET" or "access_reason" in request.POST:
        return _open_detail(request, reference)
    help_request = get_help_request_for_staff(request, reference)
    if "send_message" in request.POST:
        form = StaffMessageForm(request.POST)
        if form.is_valid():
            try:
                message_post(
                    help_request=help_request, author=request.user, **form.cleaned_data
                )
            except MessageRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The message has been saved."))
                return redirect("casework:request_detail", reference)
        return _render_detail(request, help_request, message_form=form, status=400)
    form = ProgressForm(
        request.POST, help_request=help_request, stage=stored_stage(help_request)
    )
    if form.is_valid():
        try:
            help_request_update_progress(
                help_request=help_request, by=request.user, **form.cleaned_data
            )
        except EditConflict:
            return _conflict(request, help_request, progress_form=form)
        except InvalidTransition as refusal:
            form.add_error("stage", refusal.messages)
            return _render_detail(request, help_request, progress_form=form, status=409)
        messages.success(request, _("The progress has been saved."))
        return redirect("casework:request_detail", reference)
    return _render_detail(request, help_request, progress_form=form, status=400)


def _conflict(
    request: HttpRequest, help_request: HelpRequest, **forms: object
) -> HttpResponse:
    """Someone else saved first: show the current state with what this user typed."""
    help_request.refresh_from_db()
    form = next(iter(forms.values()))
    form.add_error(
        None,
        _(
            "Someone else changed this request while you were working on it. Check "
            "the current state below; what you typed is kept. Send it again to save it."
        ),
    )
    # The next save is compared with the state shown now.
    data = form.data.copy()
    data["version"] = str(help_request.version)
    form.data = data
    return _render_detail(request, help_request, status=409, **forms)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def triage(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = TriageForm(request.POST, user=request.user, help_request=help_request)
    if not form.is_valid():
        return _render_detail(request, help_request, triage_form=form, status=400)
    try:
        help_request_triage(
            help_request=help_request, by=request.user, **form.cleaned_data
        )
    except EditConflict:
        return _conflict(request, help_request, triage_form=form)
    messages.success(request, _("The triage has been saved."))
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def claim(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_to_claim(request, reference)
    if help_request_claim(help_request=help_request, by=request.user):
        messages.success(request, _("You are now the contact person."))
    else:
        messages.error(request, _("Someone else has already taken this request."))
    return redirect("casework:request_detail", reference)


@role_required(Role.TEAM_LEAD)
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = AssignForm(request.POST, team_lead=request.user)
    if not form.is_valid():
        return _render_detail(request, help_request, assign_form=form, status=400)
    help_request_assign(
        help_request=help_request, by=request.user, to=form.cleaned_data["caseworker"]
    )
    messages.success(request, _("The request has been given to a caseworker."))
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def deadline_clock(
    request: HttpRequest, reference: str, pk: int, action: str
) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    deadline = get_object_or_404(help_request.deadlines, pk=pk)
    if action == "suspend":
        deadline_suspend(deadline=deadline, by=request.user)
        messages.success(
            request, _("The deadline is suspended while waiting for the resident.")
        )
    elif action == "resume":
        deadline_resume(deadline=deadline, by=request.user)
        messages.success(
            request, _("The deadline runs again with the days that were left.")
        )
    else:
        raise PermissionDenied
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def contact_moment(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = ContactMomentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, help_request, contact_form=form, status=400)
    contact_moment_add(help_request=help_request, by=request.user, **form.cleaned_data)
    messages.success(request, _("The contact has been recorded."))
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def referral(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = ReferralForm(request.POST, help_request=help_request)
    if not form.is_valid():
        return _render_detail(request, help_request, referral_form=form, status=400)
    try:
        referral_send(help_request=help_request, by=request.user, **form.cleaned_data)
    except NoConsent:
        form.add_error("organisation", NO_CONSENT_FOR_ORGANISATION)
        return _render_detail(request, help_request, referral_form=form, status=400)
    messages.success(request, _("The referral has been sent."))
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def consent_record(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = ConsentRecordForm(request.POST, help_request=help_request)
    if not form.is_valid():
        return _render_detail(request, help_request, consent_form=form, status=400)
    data = form.cleaned_data
    consent_give(
        help_request=help_request,
        recipient=data["recipient"],
        organisation=data["organisation"],
        method=ConsentMethod.ORALLY,
        by=request.user,
        expires_at=data["expires_at"],
    )
    messages.success(request, _("The consent has been recorded."))
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def consent_withdraw_for_resident(
    request: HttpRequest, reference: str, public_id: UUID
) -> HttpResponse:
    """The resident withdrew consent by phone or in person."""
    help_request = get_help_request_for_staff(request, reference)
    consent = get_object_or_404(help_request.consents, public_id=public_id)
    consent_withdraw(consent=consent, by=request.user)
    messages.success(request, _("The consent has been withdrawn."))
    return redirect("casework:request_detail", reference)

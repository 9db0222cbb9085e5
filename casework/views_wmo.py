"""The formal Wmo steps on a request: the application and the decision."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import Role
from casework.access import get_help_request_for_staff
from casework.forms_wmo import WmoApplicationForm, WmoDecisionForm
from casework.services import wmo_application_record, wmo_decision_record
from casework.views import _render_detail


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def wmo_application(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = WmoApplicationForm(request.POST, help_request=help_request)
    if not form.is_valid():
        return _render_detail(
            request, help_request, wmo_application_form=form, status=400
        )
    deadline = wmo_application_record(
        help_request=help_request, by=request.user, **form.cleaned_data
    )
    messages.success(
        request,
        _("The Wmo application is recorded. The decision is due on %(due)s.")
        % {"due": deadline.due.isoformat()},
    )
    return redirect("casework:request_detail", reference)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def wmo_decision(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    form = WmoDecisionForm(request.POST, help_request=help_request)
    if not form.is_valid():
        return _render_detail(request, help_request, wmo_decision_form=form, status=400)
    wmo_decision_record(help_request=help_request, by=request.user, **form.cleaned_data)
    messages.success(request, _("The Wmo decision is recorded."))
    return redirect("casework:request_detail", reference)

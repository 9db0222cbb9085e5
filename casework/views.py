from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import TEAM_ROLES, Role, User
from casework.access import get_help_request_for_staff
from casework.forms import ProgressForm, StaffMessageForm
from casework.services import help_request_update_progress
from citizens.models import HelpRequest
from citizens.services import MessageRefused, message_post
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
        "requests": HelpRequest.objects.visible_to(user)
        .select_related("neighbourhood", "contact_person")
        .order_by("-is_urgent", "-submitted_at")[:50],
    }
    return render(request, "casework/home.html", context)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    message_form = StaffMessageForm(
        request.POST if "send_message" in request.POST else None
    )
    progress_form = ProgressForm(
        request.POST if "save_progress" in request.POST else None,
        help_request=help_request,
    )
    if request.method == "POST":
        if "send_message" in request.POST and message_form.is_valid():
            try:
                message_post(
                    help_request=help_request,
                    author=request.user,
                    body=message_form.cleaned_data["body"],
                    for_resident=message_form.cleaned_data["for_resident"],
                )
            except MessageRefused as refusal:
                message_form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The message has been saved."))
                return redirect("casework:request_detail", reference)
        if "save_progress" in request.POST and progress_form.is_valid():
            help_request_update_progress(
                help_request=help_request,
                by=request.user,
                **progress_form.cleaned_data,
            )
            messages.success(request, _("The progress has been saved."))
            return redirect("casework:request_detail", reference)
    context = {
        "help_request": help_request,
        "conversation": help_request.messages.select_related("author"),
        "history": help_request.status_changes.select_related("by"),
        "attachments": help_request.attachments.all(),
        "message_form": message_form,
        "progress_form": progress_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/request_detail.html", context, status=status)

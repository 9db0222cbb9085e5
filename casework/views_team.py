"""The team lead's pages for the team as a whole: bulk reassignment."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import Role
from casework.forms_team import MAX_CHOSEN, BulkReassignForm
from casework.services import help_requests_reassign


@role_required(Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def bulk_reassign(request: HttpRequest) -> HttpResponse:
    """Choose (from the queue, or all of one caseworker) → confirm → reassign."""
    params = request.POST if request.method == "POST" else request.GET
    chosen = params.getlist("requests")[:MAX_CHOSEN]
    if request.method == "GET":
        form = BulkReassignForm(
            team_lead=request.user, chosen=chosen, initial={"requests": chosen}
        )
        return render(request, "casework/bulk_reassign.html", {"form": form})
    form = BulkReassignForm(request.POST, team_lead=request.user, chosen=chosen)
    if not form.is_valid():
        return render(
            request, "casework/bulk_reassign.html", {"form": form}, status=400
        )
    data = form.cleaned_data
    if not data["confirmed"]:
        context = {"form": form, "moving": form.moving}
        return render(request, "casework/bulk_reassign_confirm.html", context)
    to_user = data["to_caseworker"]
    moved = help_requests_reassign(
        by=request.user,
        to_user=to_user,
        from_user=data["from_caseworker"],
        references=data["requests"] or None,
    )
    messages.success(
        request,
        ngettext(
            "%(count)d request has been given to %(name)s.",
            "%(count)d requests have been given to %(name)s.",
            moved,
        )
        % {"count": moved, "name": to_user.full_name or to_user.email},
    )
    return redirect("casework:queue")

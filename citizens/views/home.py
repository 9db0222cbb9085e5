from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from citizens.models import HelpRequest, HelpRequestDraft


@role_required(Role.RESIDENT)
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "requests": HelpRequest.objects.for_resident(request.user)[:5],
        "drafts": HelpRequestDraft.objects.filter(
            owner=request.user, submitted_request=None
        )[:5],
    }
    return render(request, "citizens/home.html", context)

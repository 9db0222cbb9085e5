"""Privacy rights: see and download all of one's data, see who looked, erase it."""

import json

from django import forms
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import Role
from accounts.two_factor import reauthentication_required
from citizens.models import AccessPurpose, FileAccess, HelpRequest, HelpRequestDraft
from citizens.privacy import export_data, resident_erase, what_is_kept


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, close my account and erase my data."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


@role_required(Role.RESIDENT)
@require_http_methods(["GET"])
def my_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    requests = HelpRequest.objects.for_resident(user)
    role_labels = dict(Role.choices)
    purpose_labels = dict(AccessPurpose.choices)
    accesses = [
        {
            "at": access.at,
            "reference": access.help_request.reference,
            "role": role_labels.get(access.role, access.role),
            "purpose": purpose_labels.get(access.purpose, access.purpose),
        }
        for access in FileAccess.objects.filter(
            help_request__in=requests
        ).select_related("help_request")[:500]
    ]
    context = {
        "requests": requests,
        "drafts": HelpRequestDraft.objects.filter(owner=user, submitted_request=None),
        "accesses": accesses,
    }
    return render(request, "citizens/my_data.html", context)


@role_required(Role.RESIDENT)
@reauthentication_required
@require_http_methods(["GET"])
def my_data_export(request: HttpRequest) -> HttpResponse:
    content = json.dumps(export_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    filename = f"buurtkracht-mijn-gegevens-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.RESIDENT)
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        resident_erase(user=request.user)
        logout(request)
        return render(request, "citizens/erased.html", {"kept": what_is_kept()})
    return render(
        request,
        "citizens/erase.html",
        {"form": form, "kept": what_is_kept()},
        status=400 if form.is_bound else 200,
    )

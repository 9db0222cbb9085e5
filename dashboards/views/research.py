"""The pseudonymised research export, for the functional administrator only, with
the purpose asked and logged before anything is sent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from accounts.access import role_required
from accounts.models import Role
from accounts.two_factor import reauthentication_required
from dashboards import research
from dashboards.forms import ResearchExportForm, default_period
from dashboards.models import ResearchExport


@role_required(Role.FUNCTIONAL_ADMIN)
@reauthentication_required
def research_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ResearchExportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            ResearchExport.objects.create(
                user=user,
                municipality_id=user.municipality_id,
                purpose=data["purpose"],
                start=data["start"],
                end=data["end"],
            )
            response = StreamingHttpResponse(
                research.rows(
                    municipality_id=user.municipality_id,
                    start=data["start"],
                    end=data["end"],
                ),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="buurtkracht-research-'
                f'{data["start"]:%Y-%m}-{data["end"]:%Y-%m}.csv"'
            )
            return response
    else:
        start, end = default_period()
        form = ResearchExportForm(initial={"start": start, "end": end})
    exports = ResearchExport.objects.filter(
        municipality_id=user.municipality_id
    ).select_related("user")[:20]
    return render(
        request,
        "dashboards/research_export.html",
        {"form": form, "exports": exports},
        status=400 if form.is_bound else 200,
    )

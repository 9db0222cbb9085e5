"""Report builder: start a report, watch its progress, download it (owner only)."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.access import role_required
from accounts.models import DASHBOARD_ROLES
from accounts.two_factor import reauthentication_required
from dashboards.forms import ReportForm, default_period
from dashboards.models import Report, ReportStatus, Section
from dashboards.pilots import pilot_choices, summaries_of
from dashboards.reports import report_path
from dashboards.services import report_request
from municipalities.models import Municipality


def _report_for_user(request: HttpRequest, public_id: UUID) -> Report:
    """404 for anything but the user's own, unexpired report."""
    return get_object_or_404(
        Report.objects.owned_by(request.user).filter(expires_at__gt=timezone.now()),
        public_id=public_id,
    )


@role_required(*DASHBOARD_ROLES)
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    places = list(
        Municipality.objects.visible_to(user).order_by("name").values_list("pk", "name")
    )
    pilots = pilot_choices(
        summaries_of(tuple(pk for pk, _name in places)),
        with_municipality=len(places) > 1,
    )
    if request.method == "POST":
        form = ReportForm(request.POST, user=user, pilots=pilots, municipalities=places)
        if form.is_valid():
            report_request(user=user, data=form.cleaned_data)
            return redirect("dashboards:reports")
    else:
        start, end = default_period()
        form = ReportForm(
            initial={
                "start": start,
                "end": end,
                "sections": [s for s, _l in Section.choices],
            },
            user=user,
            pilots=pilots,
            municipalities=places,
        )
    reports = (
        Report.objects.owned_by(user)
        .filter(expires_at__gt=timezone.now())
        .select_related("region", "municipality")[:50]
    )
    return render(
        request,
        "dashboards/reports.html",
        {
            "form": form,
            "reports": reports,
            "retention_days": settings.DASHBOARD_REPORT_RETENTION_DAYS,
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*DASHBOARD_ROLES)
def report_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = _report_for_user(request, public_id)
    response = render(request, "dashboards/_report_row.html", {"report": report})
    if report.is_finished:
        # htmx stops polling when the row comes back without its trigger.
        response["HX-Trigger"] = "report-finished"
    return response


@role_required(*DASHBOARD_ROLES)
@reauthentication_required
def report_download(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    report = _report_for_user(request, public_id)
    name = {"pdf": report.pdf_name, "xlsx": report.xlsx_name}.get(kind)
    if report.status != ReportStatus.READY or not name:
        raise Http404
    path = report_path(name)
    if not path.exists():
        raise Http404
    place = report.region or report.municipality
    filename = (
        f"buurtkracht-{place.slug}-{report.start:%Y-%m}-{report.end:%Y-%m}.{kind}"
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)

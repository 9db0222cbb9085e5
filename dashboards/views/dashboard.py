"""The alderman's dashboard: filters through htmx, charts with their tables, CSV."""

from __future__ import annotations

import csv

from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import Role, User
from dashboards.board import Board, areas_of, build
from dashboards.forms import DashboardFilterForm, default_period
from dashboards.pilots import pilot_choices, summaries_of
from dashboards.tables import LEGEND, Area
from municipalities.models import District, Municipality, Team
from networks.models import Organisation


def _board(
    request: HttpRequest,
) -> tuple[DashboardFilterForm, Board | None, list[Area]]:
    """The filter form, the board when the filters are valid, and the
    municipality's neighbourhoods."""
    user = request.user
    areas = areas_of(user.municipality_id)
    pilots = summaries_of(user.municipality_id)
    data = request.GET.copy()
    start, end = default_period()
    for name, default in (("start", start), ("end", end)):
        if not data.get(name):
            data[name] = f"{default:%Y-%m}"
    form = DashboardFilterForm(
        data, user=user, areas=areas, pilots=pilot_choices(pilots)
    )
    if not form.is_valid():
        return form, None, areas
    return form, build(form.scope(), areas, pilots), areas


def _municipality(user: User) -> Municipality:
    """The user's municipality with its number of teams and organisations (what the
    overview showed before the dashboard), in one query."""

    def count(queryset: QuerySet) -> Coalesce:
        counted = (
            queryset.order_by()
            .values("municipality")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted), 0)

    return Municipality.objects.annotate(
        team_count=count(Team.objects.visible_to(user)),
        organisation_count=count(Organisation.objects.visible_to(user)),
    ).get(pk=user.municipality_id)


@role_required(Role.ALDERMAN)
def home(request: HttpRequest) -> HttpResponse:
    form, board, areas = _board(request)
    municipality = _municipality(request.user)
    districts = {
        a.district_id: District(pk=a.district_id, name=a.district) for a in areas
    }
    context = {
        "form": form,
        "board": board,
        "municipality": municipality,
        "districts": list(districts.values()),
        "team_count": municipality.team_count,
        "organisation_count": municipality.organisation_count,
        "legend": LEGEND,
        "query": request.GET.urlencode(),
    }
    template = (
        "dashboards/_board.html"
        if request.headers.get("HX-Request")
        else "dashboards/home.html"
    )
    return render(request, template, context, status=200 if board else 400)


@role_required(Role.ALDERMAN)
def chart_csv(request: HttpRequest, key: str) -> HttpResponse:
    form, board, areas = _board(request)
    if board is None:
        context = {
            "form": form,
            "board": None,
            "municipality": _municipality(request.user),
        }
        return render(request, "dashboards/home.html", context, status=400)
    chart = board.chart(key)
    if chart is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow([chart.title])
    writer.writerow(
        [_("Period"), f"{board.scope.start:%Y-%m}", f"{board.scope.end:%Y-%m}"]
    )
    writer.writerow(chart.headers)
    for label, values in chart.rows:
        writer.writerow([label, *values])
    writer.writerow([str(LEGEND)])
    return response

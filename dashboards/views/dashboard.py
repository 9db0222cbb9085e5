"""The dashboard of an alderman (their municipality) and of a regional manager (their
region, or one municipality of it): filters through htmx, charts with their tables,
CSV."""

from __future__ import annotations

import csv

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.models import DASHBOARD_ROLES, User
from accounts.two_factor import reauthentication_required
from dashboards.board import Board, areas_of, build
from dashboards.forms import DashboardFilterForm, default_period
from dashboards.pilots import pilot_choices, summaries_of
from dashboards.tables import LEGEND, Area
from municipalities.models import District, Municipality, Team
from networks.models import Organisation


def _places(user: User) -> list[Municipality]:
    """The municipalities whose figures the user sees (one, or a regional manager's
    region), with their numbers of teams and organisations, in one query."""

    def count(queryset: QuerySet) -> Coalesce:
        counted = (
            queryset.filter(municipality=OuterRef("pk"))
            .order_by()
            .values("municipality")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(counted), 0)

    return list(
        Municipality.objects.visible_to(user)
        .select_related("region")
        .annotate(
            team_count=count(Team.objects.visible_to(user)),
            organisation_count=count(Organisation.objects.visible_to(user)),
        )
        .order_by("name")
    )


def _board(
    request: HttpRequest, places: list[Municipality]
) -> tuple[DashboardFilterForm, Board | None, list[Area]]:
    """The filter form, the board when the filters are valid, and the
    neighbourhoods of the municipalities."""
    user = request.user
    ids = tuple(m.pk for m in places)
    areas = areas_of(ids)
    pilots = summaries_of(ids)
    data = request.GET.copy()
    start, end = default_period()
    for name, default in (("start", start), ("end", end)):
        if not data.get(name):
            data[name] = f"{default:%Y-%m}"
    form = DashboardFilterForm(
        data,
        user=user,
        areas=areas,
        pilots=pilot_choices(pilots, with_municipality=len(ids) > 1),
        municipalities=[(m.pk, m.name) for m in places],
    )
    if not form.is_valid():
        return form, None, areas
    return form, build(form.scope(), areas, pilots, region_ids=ids), areas


def _heading(places: list[Municipality], board: Board | None) -> dict[str, object]:
    """The page's title and cards (the municipality, or the whole region) and the
    name of what the board shows (the region or the municipality chosen)."""
    region = places[0].region if len(places) > 1 else None
    chosen = set(board.scope.municipality_ids) if board else set()
    shown = [m for m in places if m.pk in chosen]
    return {
        "region": region,
        "title_name": region.name if region else places[0].name,
        "place_name": shown[0].name if region and len(shown) == 1 else "",
        "population": sum(m.population for m in places),
        "team_count": sum(m.team_count for m in places),
        "organisation_count": sum(m.organisation_count for m in places),
        "municipality_count": len(places),
    }


@role_required(*DASHBOARD_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    places = _places(request.user)
    form, board, areas = _board(request, places)
    districts = {
        a.district_id: District(pk=a.district_id, name=a.district) for a in areas
    }
    context = {
        "form": form,
        "board": board,
        "districts": list(districts.values()),
        "legend": LEGEND,
        "query": request.GET.urlencode(),
        **_heading(places, board),
    }
    template = (
        "dashboards/_board.html"
        if request.headers.get("HX-Request")
        else "dashboards/home.html"
    )
    return render(request, template, context, status=200 if board else 400)


@role_required(*DASHBOARD_ROLES)
@reauthentication_required
def chart_csv(request: HttpRequest, key: str) -> HttpResponse:
    places = _places(request.user)
    form, board, areas = _board(request, places)
    if board is None:
        context = {"form": form, "board": None, **_heading(places, board)}
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
    heading = _heading(places, board)
    writer.writerow([_("Area"), heading["place_name"] or heading["title_name"]])
    writer.writerow(chart.headers)
    for label, values in chart.rows:
        writer.writerow([label, *values])
    writer.writerow([str(LEGEND)])
    return response

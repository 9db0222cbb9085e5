"""Everything one dashboard view shows, built from the summary tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dashboards.figures import Figures, Scope, from_summaries
from dashboards.models import PilotSummary
from dashboards.pilots import PilotRow, pilot_rows
from dashboards.tables import (
    Area,
    Chart,
    Headline,
    domain_chart,
    formal_care_chart,
    headlines,
    life_event_chart,
    month_chart,
    neighbourhood_chart,
    outcome_chart,
    profile_table,
)
from municipalities.models import Neighbourhood


def areas_of(municipality_id: int) -> list[Area]:
    return [
        Area(
            id=n.pk,
            name=n.name,
            district_id=n.district_id,
            district=n.district.name,
            population=n.population,
            municipality=n.district.municipality.name,
        )
        for n in Neighbourhood.objects.filter(district__municipality_id=municipality_id)
        .select_related("district__municipality")
        .order_by("district__name", "name")
    ]


@dataclass
class Board:
    scope: Scope
    figures: Figures
    headlines: list[Headline]
    charts: list[Chart]
    profiles: Chart
    pilots: list[PilotRow]

    def chart(self, key: str) -> Chart | None:
        return next((c for c in [*self.charts, self.profiles] if c.key == key), None)


def build(scope: Scope, areas: list[Area], pilots: list[PilotSummary]) -> Board:
    figures = from_summaries(scope)
    # Per-neighbourhood tables are suppressed over the whole municipality, so that a
    # filtered view hides the same cells as the unfiltered one.
    whole = (
        figures
        if scope.neighbourhood_ids is None
        else from_summaries(replace(scope, neighbourhood_ids=None))
    )
    shown = None if scope.neighbourhood_ids is None else set(scope.neighbourhood_ids)
    population = sum(a.population for a in areas if shown is None or a.id in shown)
    charts = [
        month_chart(figures, scope.months),
        neighbourhood_chart(whole.current.requests_by_neighbourhood, areas, shown),
        domain_chart(figures),
        life_event_chart(figures),
        outcome_chart(figures),
        formal_care_chart(whole.current.formal_care_by_neighbourhood, areas, shown),
    ]
    return Board(
        scope=scope,
        figures=figures,
        headlines=headlines(figures, population=population),
        charts=charts,
        profiles=profile_table(whole, areas, shown),
        pilots=pilot_rows(pilots),
    )


def area_ids_by_district(areas: list[Area]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for area in areas:
        found.setdefault(area.district_id, []).append(area.id)
    return found


__all__: list[Any] = ["Board", "area_ids_by_district", "areas_of", "build"]

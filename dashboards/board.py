"""Everything one dashboard view shows, built from the summary tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dashboards import regional
from dashboards.figures import Figures, Scope, by_municipality, from_summaries, merge
from dashboards.models import PilotSummary
from dashboards.pilots import PilotRow, pilot_rows
from dashboards.tables import (
    TOTAL,
    Area,
    Chart,
    Headline,
    by_area,
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


def areas_of(municipality_ids: tuple[int, ...]) -> list[Area]:
    """The neighbourhoods of the municipalities, by municipality and district."""
    return [
        Area(
            id=n.pk,
            name=n.name,
            district_id=n.district_id,
            district=n.district.name,
            population=n.population,
            municipality=n.district.municipality.name,
            municipality_id=n.district.municipality_id,
        )
        for n in Neighbourhood.objects.filter(
            district__municipality_id__in=municipality_ids
        )
        .select_related("district__municipality")
        .order_by("district__municipality__name", "district__name", "name")
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


def build(
    scope: Scope,
    areas: list[Area],
    pilots: list[PilotSummary],
    *,
    region_ids: tuple[int, ...] | None = None,
) -> Board:
    """The board of `scope`. `region_ids`: the municipalities whose figures are
    suppressed together (a regional manager's region; `scope` shows all of them or
    one); `areas` are their neighbourhoods."""
    if region_ids and len(region_ids) > 1:
        return _build_regional(scope, areas, pilots, region_ids)
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


def _build_regional(
    scope: Scope,
    areas: list[Area],
    pilots: list[PilotSummary],
    region_ids: tuple[int, ...],
) -> Board:
    per = by_municipality(
        replace(scope, municipality_ids=region_ids, neighbourhood_ids=None)
    )
    whole = merge(list(per.values()))
    chosen = set(scope.municipality_ids)
    view = TOTAL if chosen >= set(region_ids) else scope.municipality_ids[0]
    if scope.neighbourhood_ids is not None:
        shown: set[int] | None = set(scope.neighbourhood_ids)
    elif view == TOTAL:
        shown = None
    else:
        shown = {a.id for a in areas if a.municipality_id in chosen}
    population = sum(a.population for a in areas if shown is None or a.id in shown)
    if scope.neighbourhood_ids is None:
        # The view is the region or whole municipalities: every count comes from
        # the tables suppressed over the region.
        figures = merge([per[m] for m in scope.municipality_ids])
        joint = regional.tables(per, scope.months)
        month, domains, events, outcomes = regional.charts(
            joint, view, figures, scope.months
        )
        items = regional.headlines(
            headlines(figures, population=population),
            joint,
            by_area(whole.current.formal_care_by_neighbourhood, areas),
            view,
            population,
        )
    else:
        figures = from_summaries(scope)
        month, domains, events, outcomes = (
            month_chart(figures, scope.months),
            domain_chart(figures),
            life_event_chart(figures),
            outcome_chart(figures),
        )
        items = headlines(figures, population=population)
    charts = [
        month,
        neighbourhood_chart(whole.current.requests_by_neighbourhood, areas, shown),
        domains,
        events,
        outcomes,
        formal_care_chart(whole.current.formal_care_by_neighbourhood, areas, shown),
    ]
    return Board(
        scope=scope,
        figures=figures,
        headlines=items,
        charts=charts,
        profiles=profile_table(whole, areas, shown),
        pilots=pilot_rows(
            [p for p in pilots if p.municipality_id in chosen],
            with_municipality=len(chosen) > 1,
        ),
    )


def area_ids_by_district(areas: list[Area]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for area in areas:
        found.setdefault(area.district_id, []).append(area.id)
    return found


__all__: list[Any] = ["Board", "area_ids_by_district", "areas_of", "build"]

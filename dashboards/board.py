"""Everything one dashboard view shows, built from the summary tables."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dashboards.consistent import DOM, LIFE, OUT, REQ, SC, Cube, Row
from dashboards.figures import Figures, Scope, by_neighbourhood, merge
from dashboards.models import ALL_DOMAINS, ALL_PILOTS, PilotSummary
from dashboards.pilots import PilotRow, pilot_rows
from dashboards.tables import (
    TOTAL,
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
    one); `areas` are their neighbourhoods. Every count is read from tables
    suppressed over all areas and checked against the wider filters
    (`dashboards.consistent`), so the page, its CSV files and the reports hide the
    same cells whatever the filters: three queries."""
    ids = region_ids or scope.municipality_ids
    chosen = set(scope.municipality_ids)
    combos = list(
        dict.fromkeys(
            (d, p)
            for d in (scope.domain, ALL_DOMAINS)
            for p in (scope.pilot, ALL_PILOTS)
        )
    )
    data = by_neighbourhood(
        replace(scope, municipality_ids=ids, neighbourhood_ids=None), combos
    )
    cube = Cube(data, areas, scope.months, scope.domain, scope.pilot)
    if scope.neighbourhood_ids is not None:
        shown: set[int] | None = set(scope.neighbourhood_ids)
    elif chosen >= set(ids):
        shown = None
    else:
        shown = {a.id for a in areas if a.municipality_id in chosen}
    ids_shown = [a.id for a in areas if shown is None or a.id in shown]
    view: Any = cube.tree.key_of(ids_shown)
    if view is None:
        view = [("n", i) for i in ids_shown]
    per = data.get((scope.domain, scope.pilot), {})
    figures = merge([per[i] for i in ids_shown if i in per]) if per else None
    figures = figures or merge([])
    population = sum(a.population for a in areas if a.id in set(ids_shown))

    def row(kind: str) -> Row:
        return cube.row(kind, view)

    charts = [
        month_chart(figures, scope.months, row(REQ)),
        neighbourhood_chart(cube.tables[REQ], TOTAL, areas, shown),
        domain_chart(figures, row(DOM)),
        life_event_chart(figures, row(LIFE)),
        outcome_chart(figures, row(OUT)),
        formal_care_chart(cube.tables[OUT], "formal", areas, shown),
    ]
    return Board(
        scope=scope,
        figures=figures,
        headlines=headlines(
            figures,
            population=population,
            requests=row(REQ),
            outcomes=row(OUT),
            scalars=row(SC),
        ),
        charts=charts,
        profiles=profile_table(cube.tables[LIFE], areas, shown),
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

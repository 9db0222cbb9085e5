"""The pilots section and the pilot filter, from `PilotSummary` (one query)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from dashboards.models import PilotSummary
from dashboards.privacy import SMALL, THRESHOLD
from pilots.models import Phase


@dataclass
class PilotRow:
    id: int
    title: str
    phase: str
    participants: str
    planned: str
    spent: str
    goals: list[tuple[str, str, str, str, str]]


def summaries_of(municipality_ids: tuple[int, ...]) -> list[PilotSummary]:
    return list(
        PilotSummary.objects.filter(
            municipality_id__in=municipality_ids
        ).select_related("municipality")
    )


def _title(pilot: PilotSummary, with_municipality: bool) -> str:
    # In a region, the same kind of pilot may run in several municipalities.
    if with_municipality:
        return f"{pilot.title} ({pilot.municipality.name})"
    return pilot.title


def pilot_choices(
    pilots: list[PilotSummary], *, with_municipality: bool = False
) -> list[tuple[int, str]]:
    return [(p.pilot_id, _title(p, with_municipality)) for p in pilots]


def _money(amount: object) -> str:
    return f"€ {formats.number_format(amount, 0, force_grouping=True)}"


def pilot_rows(
    pilots: list[PilotSummary], *, with_municipality: bool = False
) -> list[PilotRow]:
    rows = []
    for pilot in pilots:
        goals = []
        for outcome in pilot.outcomes:
            if outcome["change"] is None:
                before = after = change = _("fewer than 5 measured")
            else:
                before, after, change = (
                    outcome["baseline"],
                    outcome["follow_up"],
                    outcome["change"],
                )
            target = outcome["target"] or "–"
            goals.append((outcome["label"], before, after, change, target))
        rows.append(
            PilotRow(
                id=pilot.pilot_id,
                title=_title(pilot, with_municipality),
                phase=str(Phase(pilot.phase).label)
                if pilot.phase in Phase.values
                else pilot.phase,
                participants=SMALL
                if pilot.participants < THRESHOLD
                else str(pilot.participants),
                planned=_money(pilot.planned),
                spent=_money(pilot.spent),
                goals=goals,
            )
        )
    return rows

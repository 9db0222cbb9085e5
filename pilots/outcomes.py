"""The outcome of a pilot: the change per instrument and domain, with its n.

A participant counts for a domain when they have a baseline and at least one
completed follow-up on that instrument; their change is the latest follow-up minus
the baseline. A row is shown only when n >= MIN_PARTICIPANTS, so that nobody can be
recognised in a small group.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pilots.models import Goal, Instrument, Measurement, MeasurementMoment, Pilot
from pilots.models.participation import domain_label, domains_for

MIN_PARTICIPANTS = 5


@dataclass(frozen=True)
class OutcomeRow:
    instrument: str
    domain: str
    label: str
    n: int
    baseline: Decimal | None
    follow_up: Decimal | None
    change: Decimal | None
    target: Decimal | None

    @property
    def instrument_label(self) -> str:
        return str(Instrument(self.instrument).label)

    @property
    def shown(self) -> bool:
        return self.n >= MIN_PARTICIPANTS

    @property
    def target_met(self) -> bool | None:
        if not self.shown or self.target is None or self.follow_up is None:
            return None
        return self.follow_up >= self.target

    def as_public_dict(self) -> dict[str, object]:
        """What may leave the municipality: aggregates only, and only when shown."""
        return {
            "instrument": self.instrument,
            "domain": self.domain,
            "n": self.n,
            "shown": self.shown,
            "baseline": str(self.baseline) if self.shown else None,
            "follow_up": str(self.follow_up) if self.shown else None,
            "change": str(self.change) if self.shown else None,
        }


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def pilot_outcome(pilot: Pilot) -> list[OutcomeRow]:
    """One row per instrument and domain that has any measurement (two queries)."""
    measurements = (
        Measurement.objects.completed()
        .filter(participant__pilot=pilot)
        .order_by("taken_on", "pk")
        .values_list("participant_id", "instrument", "moment", "scores")
    )
    baselines: dict[tuple[int, str], dict[str, int]] = {}
    latest: dict[tuple[int, str], dict[str, int]] = {}
    for participant_id, instrument, moment, scores in measurements:
        target = baselines if moment == MeasurementMoment.BASELINE else latest
        target[(participant_id, instrument)] = scores
    targets = {
        (goal.instrument, goal.domain): goal.target
        for goal in Goal.objects.filter(pilot=pilot).exclude(instrument="")
    }
    instruments = {instrument for _, instrument in baselines}
    rows = []
    for instrument in Instrument.values:
        if instrument not in instruments:
            continue
        for domain, _label in domains_for(instrument):
            before, after = [], []
            for key, baseline in baselines.items():
                if key[1] != instrument or key not in latest:
                    continue
                if domain in baseline and domain in latest[key]:
                    before.append(int(baseline[domain]))
                    after.append(int(latest[key][domain]))
            n = len(before)
            shown = n >= MIN_PARTICIPANTS
            rows.append(
                OutcomeRow(
                    instrument=instrument,
                    domain=domain,
                    label=domain_label(instrument, domain),
                    n=n,
                    baseline=_mean(before) if shown else None,
                    follow_up=_mean(after) if shown else None,
                    change=(_mean(after) - _mean(before)) if shown else None,
                    target=targets.get((instrument, domain)),
                )
            )
    return rows


def labelled(results: list[dict[str, object]]) -> list[dict[str, object]]:
    """Published result rows with the instrument's and domain's names, for display."""
    instruments = dict(Instrument.choices)
    figures = ("baseline", "follow_up", "change")
    return [
        {
            **row,
            **{
                key: Decimal(str(row[key])) if row.get(key) is not None else None
                for key in figures
            },
            "instrument_label": instruments.get(str(row["instrument"]), ""),
            "label": domain_label(str(row["instrument"]), str(row["domain"])),
        }
        for row in results
    ]

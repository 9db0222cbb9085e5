"""The demo data: pilots in every phase in each demo municipality, outcomes shown,
a stopped pilot with its lessons, and seeding twice changes nothing."""

import datetime as dt

import pytest
from django.core.management import call_command

from pilots.models import Idea, LibraryEntry, Measurement, Phase, Pilot
from pilots.outcomes import pilot_outcome
from pilots.services import follow_ups_due

pytestmark = pytest.mark.django_db


def test_demo_has_every_phase_everywhere_and_is_idempotent() -> None:
    call_command("seed_demo")
    counts = (Pilot.objects.count(), Measurement.objects.count(), Idea.objects.count())
    call_command("seed_demo")

    for slug in ("den-helder", "lelystad", "nissewaard"):
        phases = set(
            Pilot.objects.filter(municipality__slug=slug).values_list(
                "phase", flat=True
            )
        )
        assert phases == set(Phase.values), slug
    stopped = Pilot.objects.filter(phase=Phase.STOPPED, title__icontains="geldzaken")
    assert stopped.count() == 3
    assert all(pilot.stop_reason and pilot.lessons for pilot in stopped)
    running = Pilot.objects.get(
        municipality__slug="den-helder", title="Basketbalclinics voor jongeren"
    )
    assert any(row.shown for row in pilot_outcome(running))
    assert LibraryEntry.objects.count() == 6
    assert Pilot.objects.filter(idea__isnull=False).count() == 3
    assert follow_ups_due(dt.date.max) != []
    assert (
        Pilot.objects.count(),
        Measurement.objects.count(),
        Idea.objects.count(),
    ) == counts

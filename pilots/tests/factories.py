"""Pilots in their business states, participants, measurements and ideas.

`PilotFactory(running=True)` gives a running pilot whose phase history went
idea → design → running, one dated row per step.
"""

import datetime as dt

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from municipalities.tests.factories import MunicipalityFactory, NeighbourhoodFactory
from pilots.models import (
    Idea,
    Instrument,
    Measurement,
    MeasurementMoment,
    Participant,
    Phase,
    PhaseChange,
    Pilot,
    Theme,
)
from pilots.models.participation import EnrolledVia, domains_for

PHASE_PATHS: dict[str, list[str]] = {
    Phase.IDEA: [Phase.IDEA],
    Phase.DESIGN: [Phase.IDEA, Phase.DESIGN],
    Phase.RUNNING: [Phase.IDEA, Phase.DESIGN, Phase.RUNNING],
    Phase.EVALUATION: [Phase.IDEA, Phase.DESIGN, Phase.RUNNING, Phase.EVALUATION],
    Phase.SCALED_UP: [
        Phase.IDEA,
        Phase.DESIGN,
        Phase.RUNNING,
        Phase.EVALUATION,
        Phase.SCALED_UP,
    ],
    Phase.STOPPED: [Phase.IDEA, Phase.DESIGN, Phase.RUNNING, Phase.STOPPED],
}


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    owner = factory.SubFactory(
        UserFactory,
        pilot_owner=True,
        municipality=factory.SelfAttribute("..municipality"),
    )
    title = factory.Sequence(lambda n: f"Pilot {n}")
    theme = Theme.SOCIAL_ACTIVATION
    description = "Basketbalclinics voor jongeren, samen met de jeugdhulp."
    phase = Phase.IDEA
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() - dt.timedelta(days=30)
    )
    ends_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=335)
    )

    class Params:
        design = factory.Trait(phase=Phase.DESIGN)
        running = factory.Trait(phase=Phase.RUNNING)
        evaluation = factory.Trait(phase=Phase.EVALUATION)
        scaled_up = factory.Trait(phase=Phase.SCALED_UP)
        stopped = factory.Trait(
            phase=Phase.STOPPED,
            stop_reason="Te weinig inwoners kwamen langs.",
            lessons="Ga naar de mensen toe in plaats van te wachten.",
        )

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if not create:
            return
        start = obj.starts_on or timezone.localdate()
        previous = ""
        for step, phase in enumerate(PHASE_PATHS[obj.phase]):
            PhaseChange.objects.create(
                pilot=obj,
                from_phase=previous,
                to_phase=phase,
                on=start + dt.timedelta(days=step),
                by=obj.owner,
            )
            previous = phase


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    pilot = factory.SubFactory(PilotFactory, running=True)
    name = factory.Sequence(lambda n: f"Deelnemer {n}")
    enrolled_via = EnrolledVia.OWNER
    consent_at = factory.LazyFunction(timezone.now)
    consent_note = "Formulier getekend bij de eerste clinic."
    joined_on = factory.LazyFunction(timezone.localdate)


def scores(instrument: str, value: int) -> dict[str, int]:
    return {domain: value for domain, _label in domains_for(instrument)}


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A completed baseline on life satisfaction by default."""

    class Meta:
        model = Measurement

    participant = factory.SubFactory(ParticipantFactory)
    instrument = Instrument.LIFE_SATISFACTION
    moment = MeasurementMoment.BASELINE
    taken_on = factory.LazyFunction(timezone.localdate)
    scores = factory.LazyAttribute(lambda o: scores(o.instrument, 5))

    class Params:
        planned_follow_up = factory.Trait(
            moment=MeasurementMoment.FOLLOW_UP,
            taken_on=None,
            scores=factory.LazyFunction(dict),
            due_on=factory.LazyFunction(timezone.localdate),
        )


def measured_participants(
    pilot: Pilot, count: int, *, before: int = 4, after: int = 7
) -> list[Participant]:
    """`count` participants with a life-satisfaction baseline and follow-up."""
    participants = []
    for _ in range(count):
        participant = ParticipantFactory(pilot=pilot)
        MeasurementFactory(
            participant=participant, scores=scores("life_satisfaction", before)
        )
        MeasurementFactory(
            participant=participant,
            moment=MeasurementMoment.FOLLOW_UP,
            scores=scores("life_satisfaction", after),
        )
        participants.append(participant)
    return participants


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    municipality = factory.SelfAttribute("neighbourhood.district.municipality")
    title = factory.Sequence(lambda n: f"Idee {n}: een moestuin op het plein")
    description = "Samen groente kweken brengt buren bij elkaar."
    submitted_by = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..municipality")
    )

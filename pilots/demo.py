"""Demo pilots in every phase in the three demo municipalities, in the spirit of the
source articles: basketball clinics with youth care, a community-centre network in
one neighbourhood, lessons in happiness at schools, youth practice nurses at GP
practices, and a walk-in for money matters that stopped for lack of uptake.

Idempotent: a pilot that exists (same municipality and title) is left alone.
Participants are invented; no demo resident other than the demo account takes part.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import Role, User
from municipalities.models import Municipality, Neighbourhood
from networks.models import Organisation, OrganisationKind
from pilots.models import (
    Activity,
    BudgetEntry,
    BudgetLine,
    Goal,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    Instrument,
    JournalEntry,
    Measurement,
    MeasurementMoment,
    Participant,
    Phase,
    PhaseChange,
    Pilot,
    Theme,
)
from pilots.models.participation import EnrolledVia, domains_for
from pilots.services import library_publish, pilot_publish_results

K = OrganisationKind
PATHS = {
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
FIRST_NAMES = [
    "Noah", "Emma", "Daan", "Julia", "Sem", "Mila", "Lucas", "Tess", "Finn", "Sara",
    "Levi", "Nora", "Milan", "Yara", "Bram", "Lina",
]  # fmt: skip
LAST_NAMES = ["de Boer", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos"]

# Per pilot: title, theme, phase, description, target group, hypotheses,
# neighbourhood CBS codes, partners [(name, kind)], participants, days since start.
Spec = dict[str, object]


def _specs(code: str) -> list[Spec]:
    places = {
        "GM0400": {
            "town": "Den Helder",
            "hoods": ["BU04000101", "BU04000301", "BU04000201", "BU04000102"],
            "club": "Basketbalclub Den Helder Suns",
            "centre": "Buurthuis De Visbuurt",
            "gp": "Huisartsenpraktijk Nieuw Den Helder",
            "debt": "Schuldhulp Kop van Noord-Holland",
            "school": "Basisschool De Vlieter",
            "youth": "Jeugdhulp Kop van Noord-Holland",
        },
        "GM0995": {
            "town": "Lelystad",
            "hoods": ["BU09950201", "BU09950301", "BU09950101", "BU09950202"],
            "club": "Basketbalvereniging Lelystad",
            "centre": "Buurthuis Atol",
            "gp": "Gezondheidscentrum Atolwijk",
            "debt": "Schuldhulp Lelystad",
            "school": "Basisschool De Windroos",
            "youth": "Jeugdhulp Flevoland",
        },
        "GM1930": {
            "town": "Nissewaard",
            "hoods": ["BU19300201", "BU19300402", "BU19300101", "BU19300301"],
            "club": "Basketbalclub Spijkenisse",
            "centre": "Buurthuis Maaswijk",
            "gp": "Huisartsen Spijkenisse-Centrum",
            "debt": "Welzijn Nissewaard",
            "school": "Openbare Basisschool De Akker",
            "youth": "Jeugdhulp Zuid-Holland Zuid",
        },
    }[code]
    hood, sport_hood, gp_hood, centre_hood = places["hoods"]
    # The phases rotate per municipality, so that every one has each phase.
    phases = {
        "GM0400": ["running", "scaled_up", "design", "evaluation", "stopped", "idea"],
        "GM0995": ["evaluation", "running", "scaled_up", "design", "stopped", "idea"],
        "GM1930": ["design", "evaluation", "running", "scaled_up", "stopped", "idea"],
    }[code]
    return [
        {
            "title": "Basketbalclinics voor jongeren",
            "theme": Theme.SOCIAL_ACTIVATION,
            "phase": phases[0],
            "description": "Spelers van de club geven clinics aan jongeren. Een "
            "jeugdhulpverlener is erbij; een paar jongeren krijgen extra begeleiding "
            "bij school, werk en thuis.",
            "target": "Jongeren van 12 tot 23 jaar",
            "hypotheses": "Sporten met stoere rolmodellen bereikt jongeren die de "
            "jeugdhulp anders niet bereikt; wie meedoet krijgt meer grip op zijn "
            "leven.",
            "hoods": [sport_hood],
            "partners": [(places["club"], K.SPORTS_CLUB), (places["youth"], K.CARE)],
            "participants": 8,
            "activity": ("Basketbalclinic", "Sporthal"),
        },
        {
            "title": f"Buurthuisnetwerk in {Neighbourhood.objects.get(cbs_code=centre_hood).name}",
            "theme": Theme.CARE_IN_NEIGHBOURHOOD,
            "phase": phases[1],
            "description": "Buurthuis, vrijwilligers en wijkteam werken als één "
            "netwerk: bewoners kloppen op één plek aan en worden dichtbij geholpen.",
            "target": "Alle bewoners van de buurt",
            "hypotheses": "Met één aanspreekpunt in de buurt vinden bewoners "
            "eerder hulp en is minder zware zorg nodig.",
            "hoods": [centre_hood],
            "partners": [(places["centre"], K.COMMUNITY_CENTRE)],
            "participants": 6,
            "activity": ("Inloopochtend in het buurthuis", "Buurthuis"),
        },
        {
            "title": "Lessen in geluk op basisscholen",
            "theme": Theme.EDUCATION_HAPPINESS,
            "phase": phases[2],
            "description": "Leerlingen van groep 7 en 8 krijgen lessen in geluk: "
            "omgaan met tegenslag, vriendschap en wat je blij maakt.",
            "target": "Leerlingen van groep 7 en 8",
            "hypotheses": "Kinderen die leren wat hen gelukkig maakt, zitten "
            "beter in hun vel en hebben minder vaak jeugdhulp nodig.",
            "hoods": [hood],
            "partners": [(places["school"], K.SCHOOL)],
            "participants": 5,
            "activity": ("Les in geluk", "Basisschool"),
        },
        {
            "title": "Praktijkondersteuner jeugd bij de huisarts",
            "theme": Theme.CARE_IN_NEIGHBOURHOOD,
            "phase": phases[3],
            "description": "Een praktijkondersteuner jeugd (POH-jeugd) bij de "
            "huisarts helpt gezinnen snel en dichtbij, zodat minder kinderen naar "
            "dure specialistische zorg hoeven en wachtlijsten korter worden.",
            "target": "Gezinnen met kinderen tot 18 jaar",
            "hypotheses": "Minder verwijzingen naar specialistische jeugdzorg en "
            "kortere wachttijden.",
            "hoods": [gp_hood],
            "partners": [(places["gp"], K.GP_PRACTICE)],
            "participants": 7,
            "activity": ("Spreekuur POH-jeugd", "Huisartsenpraktijk"),
        },
        {
            "title": "Inloopspreekuur geldzaken",
            "theme": Theme.SOCIAL_ACTIVATION,
            "phase": phases[4],
            "description": "Een wekelijks inloopspreekuur waar bewoners zonder "
            "afspraak met vragen over geld en post terecht kunnen.",
            "target": "Bewoners met geldzorgen",
            "hypotheses": "Een laagdrempelig spreekuur bereikt mensen voordat "
            "hun schulden groot worden.",
            "hoods": [centre_hood],
            "partners": [(places["debt"], K.DEBT_HELP)],
            "participants": 2,
            "activity": ("Inloopspreekuur", "Bibliotheek"),
            "stop_reason": "In zes maanden kwamen er gemiddeld minder dan twee "
            "bewoners per spreekuur. Mensen met geldzorgen stappen niet zomaar "
            "binnen: schaamte is groot.",
            "lessons": "Wachten tot mensen komen werkt niet. Ga naar ze toe: via "
            "de huisarts, de school of een buurman die het vertrouwen heeft.",
        },
        {
            "title": "Samen moestuinieren",
            "theme": Theme.OTHER,
            "phase": phases[5],
            "description": "Een moestuin waar buren samen groente kweken en "
            "elkaar leren kennen.",
            "target": "Bewoners die eenzaam zijn of iets willen doen",
            "hypotheses": "Samen tuinieren brengt buren bij elkaar.",
            "hoods": [hood],
            "partners": [],
            "participants": 0,
            "activity": None,
            "from_idea": True,
        },
    ]


def _organisation(municipality: Municipality, name: str, kind: str) -> Organisation:
    """The demo organisation by name; networks' demo may not have it (yet)."""
    organisation, _created = Organisation.objects.get_or_create(
        municipality=municipality, name=name, defaults={"kind": kind}
    )
    return organisation


def _scores(instrument: str, base: int, step: int, index: int) -> dict[str, int]:
    low, high = {"zrm": (1, 5), "positive_health": (0, 10)}.get(instrument, (1, 10))
    return {
        domain: max(low, min(high, base + step + (index + position) % 2))
        for position, (domain, _label) in enumerate(domains_for(instrument))
    }


def _measure(
    participant: Participant, index: int, start: dt.date, *, follow_up: bool
) -> None:
    for instrument, base in ((Instrument.ZRM, 2), (Instrument.LIFE_SATISFACTION, 5)):
        Measurement.objects.create(
            participant=participant,
            instrument=instrument,
            moment=MeasurementMoment.BASELINE,
            taken_on=start + dt.timedelta(days=7),
            scores=_scores(instrument, base, 0, index),
        )
        if follow_up:
            Measurement.objects.create(
                participant=participant,
                instrument=instrument,
                moment=MeasurementMoment.FOLLOW_UP,
                taken_on=start + dt.timedelta(days=120),
                scores=_scores(instrument, base, 1 + index % 2, index),
            )
    # The next follow-up, still to be filled in (what the reminders pick up).
    Measurement.objects.create(
        participant=participant,
        instrument=Instrument.LIFE_SATISFACTION,
        moment=MeasurementMoment.FOLLOW_UP,
        due_on=timezone.localdate() + dt.timedelta(days=index),
    )


def _pilot(
    municipality: Municipality, owner: User, resident: User | None, spec: Spec
) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=200)
    phase = str(spec["phase"])
    idea = None
    if spec.get("from_idea"):
        idea = Idea.objects.create(
            municipality=municipality,
            neighbourhood=Neighbourhood.objects.get(cbs_code=spec["hoods"][0]),
            title="Een moestuin voor de hele buurt",
            description="Op het grasveld achter de flat kunnen we samen groente "
            "kweken. Dan leer je je buren kennen.",
            submitted_by=resident,
            status=IdeaStatus.ADOPTED,
            answer="Goed idee! We werken het samen met u uit tot een pilot.",
            answered_at=timezone.now(),
            answered_by=owner,
            support_count=1,
        )
    pilot = Pilot.objects.create(
        municipality=municipality,
        owner=owner,
        title=spec["title"],
        theme=spec["theme"],
        phase=phase,
        description=spec["description"],
        target_group=spec["target"],
        hypotheses=spec["hypotheses"],
        starts_on=None if phase == Phase.IDEA else start,
        ends_on=None if phase == Phase.IDEA else start + dt.timedelta(days=365),
        stop_reason=spec.get("stop_reason", ""),
        lessons=spec.get("lessons", ""),
        idea=idea,
    )
    pilot.neighbourhoods.set(Neighbourhood.objects.filter(cbs_code__in=spec["hoods"]))
    pilot.partners.set(
        [_organisation(municipality, name, kind) for name, kind in spec["partners"]]
    )
    previous = ""
    for step, to in enumerate(PATHS[phase]):
        PhaseChange.objects.create(
            pilot=pilot,
            from_phase=previous,
            to_phase=to,
            on=start - dt.timedelta(days=60) + dt.timedelta(days=50 * step),
            by=owner,
            note=spec.get("stop_reason", "") if to == Phase.STOPPED else "",
        )
        previous = to
    if phase == Phase.IDEA:
        return
    Goal.objects.create(
        pilot=pilot,
        description="Deelnemers zijn tevredener over hun leven",
        indicator="Gemiddelde levenstevredenheid (1-10)",
        baseline=Decimal("5.5"),
        target=Decimal("7.0"),
        instrument=Instrument.LIFE_SATISFACTION,
        domain="score",
    )
    Goal.objects.create(
        pilot=pilot,
        description="Minder verwijzingen naar dure zorg",
        indicator="Verwijzingen per kwartaal",
        baseline=Decimal("40"),
        target=Decimal("30"),
        current_value=Decimal("34") if phase != Phase.DESIGN else None,
    )
    staff = BudgetLine.objects.create(
        pilot=pilot, name="Inzet professionals", planned=Decimal("40000")
    )
    material = BudgetLine.objects.create(
        pilot=pilot, name="Materiaal en ruimte", planned=Decimal("8000")
    )
    if phase == Phase.DESIGN:
        BudgetEntry.objects.create(
            line=staff,
            kind="commitment",
            amount=Decimal("20000"),
            on=start,
            description="Opdracht partner",
        )
        return
    BudgetEntry.objects.create(
        line=staff,
        kind="commitment",
        amount=Decimal("36000"),
        on=start,
        description="Opdracht partner",
    )
    BudgetEntry.objects.create(
        line=staff,
        kind="spending",
        amount=Decimal("21000"),
        on=start + dt.timedelta(days=90),
        description="Eerste halfjaar",
    )
    # Materials spent early: the page warns that spending runs ahead of time.
    BudgetEntry.objects.create(
        line=material,
        kind="spending",
        amount=Decimal("7500"),
        on=start + dt.timedelta(days=20),
        description="Huur en materiaal",
    )
    title, place = spec["activity"]
    for week in range(6):
        Activity.objects.create(
            pilot=pilot,
            title=title,
            on=start + dt.timedelta(days=14 + 21 * week),
            place=place,
            attendance=(2 if phase == Phase.STOPPED else 9) + week % 3,
        )
    for index in range(int(spec["participants"])):
        participant = Participant.objects.create(
            pilot=pilot,
            name=f"{FIRST_NAMES[index % 16]} {LAST_NAMES[(index + len(pilot.title)) % 8]}",
            enrolled_via=EnrolledVia.OWNER,
            enrolled_by=owner,
            consent_at=timezone.now(),
            consent_note="Toestemmingsformulier getekend",
            joined_on=start + dt.timedelta(days=7),
            left_on=today - dt.timedelta(days=10) if index == 3 else None,
            leave_reason="Verhuisd" if index == 3 else "",
        )
        _measure(participant, index, start, follow_up=True)
    if resident is not None and phase == Phase.RUNNING:
        participant = Participant.objects.create(
            pilot=pilot,
            name=resident.full_name,
            resident=resident,
            enrolled_via=EnrolledVia.OWNER,
            enrolled_by=owner,
            consent_at=timezone.now(),
            consent_note="Mondeling, vastgelegd door de pilothouder",
            joined_on=today - dt.timedelta(days=30),
        )
        _measure(participant, 0, today - dt.timedelta(days=30), follow_up=False)
    JournalEntry.objects.create(
        pilot=pilot,
        written_on=start + dt.timedelta(days=60),
        tried=f"{title} elke drie weken.",
        saw="De opkomst was goed bij wie via een bekende kwam; nieuwe mensen haakten af.",
        change="Deelnemers nemen voortaan iemand mee.",
        author=owner,
    )
    JournalEntry.objects.create(
        pilot=pilot,
        written_on=start + dt.timedelta(days=150),
        tried="Tussentijdse meting met de ZRM en levenstevredenheid.",
        saw="Vooruitgang op sociale participatie en dagbesteding.",
        decision=spec.get("stop_reason", "")
        and "Stoppen en de lessen delen."
        or "Doorgaan en de vervolgmeting plannen.",
        author=owner,
    )
    if phase in (Phase.EVALUATION, Phase.SCALED_UP, Phase.STOPPED):
        pilot_publish_results(pilot=pilot)
    if phase in (Phase.SCALED_UP, Phase.STOPPED):
        library_publish(
            pilot=pilot,
            by=owner,
            approach=spec["description"],
            lessons=spec.get("lessons")
            or "Werk vanaf het begin samen met de partner en meet vanaf de eerste dag.",
        )


def _ideas(municipality: Municipality, owner: User, resident: User | None) -> None:
    hood = (
        Neighbourhood.objects.filter(district__municipality=municipality)
        .order_by("cbs_code")
        .first()
    )
    if (
        Idea.objects.filter(municipality=municipality)
        .exclude(status=IdeaStatus.ADOPTED)
        .exists()
    ):
        return
    for title, description, status, answer in [
        (
            "Een repaircafé in het buurthuis",
            "Eens per maand samen spullen repareren in plaats van weggooien.",
            IdeaStatus.SUBMITTED,
            "",
        ),
        (
            "Wandelen met ouderen",
            "Elke week een rondje lopen met buren die weinig buiten komen.",
            IdeaStatus.UNDER_CONSIDERATION,
            "We bekijken met het welzijnswerk of er vrijwilligers voor zijn.",
        ),
        (
            "Een nieuw zwembad in de wijk",
            "Een zwembad zodat kinderen dichtbij kunnen zwemmen.",
            IdeaStatus.NOT_ADOPTED,
            "Een zwembad past niet in het budget voor pilots. Er is wel zwemles voor kinderen in het sportfonds; vraag ernaar bij het buurthuis.",
        ),
    ]:
        idea = Idea.objects.create(
            municipality=municipality,
            neighbourhood=hood,
            title=title,
            description=description,
            submitted_by=resident,
            status=status,
            answer=answer,
            answered_at=timezone.now() if answer else None,
            answered_by=owner if answer else None,
        )
        IdeaComment.objects.create(idea=idea, body="Goed plan, ik doe mee!")
        if resident is not None:
            IdeaSupport.objects.create(idea=idea, user=resident)
            idea.support_count = 1
            idea.save(update_fields=["support_count"])


@transaction.atomic
def seed() -> None:
    for code in ("GM0400", "GM0995", "GM1930"):
        municipality = Municipality.objects.get(cbs_code=code)
        owner = User.objects.get(
            email=demo_email(role=Role.PILOT_OWNER, municipality=municipality)
        )
        resident = User.objects.filter(
            email=demo_email(role=Role.RESIDENT, municipality=municipality)
        ).first()
        for spec in _specs(code):
            if not Pilot.objects.filter(
                municipality=municipality, title=spec["title"]
            ).exists():
                _pilot(municipality, owner, resident, spec)
        _ideas(municipality, owner, resident)

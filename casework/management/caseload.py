"""What a generated help request looks like: Dutch words, names and a believable
history. Pure functions of a `random.Random`, so a seed always gives the same data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from citizens.models import Status

FIRST_NAMES = (
    "Anna Bram Daan Emma Fatima Fleur Hamza Ilse Jan Jesse Julia Kim Lars Lieke Lotte "
    "Luuk Maria Mila Mohamed Noah Nora Olaf Priya Rik Roos Sem Sophie Tess Thijs Yusuf "
    "Zoë Ahmed Birgit Cor Dewi Esra Gerrit Hatice Ineke Jolanda Karin Mustafa Wim"
).split()
LAST_NAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
    "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|"
    "de Wit|Dijkstra|Smits|de Graaf|van der Meer|Kok|Jacobs|Yilmaz|El Idrissi|Kaya|"
    "Ramdin|Bouzid|Öztürk|Sedney|Nguyen|Kuipers|Willems|Verbeek|Postma|Koster"
).split("|")

LIFE_EVENT_WEIGHTS = {
    "money_worries": 22,
    "illness": 12,
    "loneliness": 12,
    "caring": 10,
    "parenting": 10,
    "housing": 10,
    "job_loss": 8,
    "divorce": 7,
    "work": 5,
    "other": 4,
}

STORY_LINES = {
    "money_worries": [
        "Ik heb schulden bij de energieleverancier en de zorgverzekering.",
        "De schulden lopen op en ik durf de post niet meer open te maken.",
        "Elke maand kom ik geld tekort voor de huur en de boodschappen.",
        "Er komen steeds meer aanmaningen en een deurwaarder heeft gebeld.",
    ],
    "illness": [
        "Sinds mijn operatie kan ik niet meer goed lopen.",
        "Ik heb een chronische ziekte en ben vaak erg moe.",
        "Mijn man is ziek en ik red het huishouden niet meer alleen.",
    ],
    "loneliness": [
        "Ik zie bijna niemand meer sinds mijn vrouw is overleden.",
        "Ik woon alleen en de dagen zijn lang en stil.",
        "Ik zou graag mensen in de buurt leren kennen.",
    ],
    "caring": [
        "Ik zorg voor mijn moeder met dementie en ik ben uitgeput.",
        "Ik ben mantelzorger voor mijn zoon met een beperking.",
        "De zorg voor mijn vader kost me al mijn tijd.",
    ],
    "parenting": [
        "Mijn dochter van vijftien gaat niet meer naar school.",
        "Ik maak me zorgen over mijn zoon, hij blijft de hele dag binnen.",
        "Als alleenstaande ouder lukt het me niet meer met drie kinderen.",
    ],
    "housing": [
        "Mijn huis is vochtig en de kinderen zijn steeds ziek.",
        "De woningcorporatie dreigt met ontruiming vanwege huurachterstand.",
        "Ons huis is te klein geworden en ik vind niets anders.",
    ],
    "job_loss": [
        "Ik ben mijn baan kwijtgeraakt na een reorganisatie.",
        "Mijn contract is niet verlengd en de uitkering is nog niet geregeld.",
    ],
    "divorce": [
        "Na de scheiding sta ik er alleen voor met de kinderen.",
        "Mijn partner is vertrokken en heeft schulden achtergelaten.",
    ],
    "work": [
        "Ik wil graag weer iets doen overdag, vrijwilligerswerk of een baan.",
        "Ik zoek een dagbesteding waar ik mensen ontmoet.",
    ],
    "other": [
        "Ik heb een vraag over formulieren van de gemeente die ik niet begrijp.",
        "Ik weet niet bij wie ik terecht kan met mijn vraag.",
    ],
}
CLOSINGS = [
    "Ik weet niet waar ik moet beginnen.",
    "Kunt u mij helpen?",
    "Ik hoop dat iemand met me mee kan denken.",
    "Liefst snel, want het wordt steeds zwaarder.",
    "",
]
OWN_STRENGTH = [
    "Ik kan zelf koken en boodschappen doen.",
    "Ik houd mijn administratie bij in een map.",
    "Ik kan goed met de computer overweg.",
    "Ik wandel elke dag en ga naar de bibliotheek.",
    "Ik wil graag leren hoe ik mijn geld beter kan indelen.",
]
NETWORK_HELP = [
    "Mijn zus woont in de buurt.",
    "De buurvrouw helpt soms met boodschappen.",
    "Mijn kinderen wonen ver weg.",
    "Ik heb eigenlijk niemand om op terug te vallen.",
    "",
]
CONTACT_TIMES = ["", "Liefst 's ochtends.", "Na 15.00 uur.", "Niet op woensdag."]
URGENT_FOR_EVENT = {
    "money_worries": ["cut_off", "no_food", "eviction"],
    "housing": ["eviction"],
    "divorce": ["unsafe"],
}
NEXT_STEPS = {
    Status.RECEIVED: ["We bellen u deze week om kennis te maken."],
    Status.IN_REVIEW: [
        "We bellen u deze week om kennis te maken.",
        "Gegevens opvragen bij de schuldhulpverlening.",
    ],
    Status.APPOINTMENT_PLANNED: [
        "Keukentafelgesprek bij u thuis.",
        "Gesprek op het wijkteamkantoor.",
    ],
    Status.IN_PROGRESS: [
        "Samen naar het buurthuis voor vrijwilligerswerk.",
        "Aanvraag bijzondere bijstand indienen.",
        "Mantelzorgondersteuning regelen.",
        "Budgetcoach koppelen.",
    ],
}
CASEWORKER_MESSAGES = [
    "Dank voor uw bericht. Ik kom graag bij u langs om kennis te maken.",
    "Ik heb uw vraag doorgezet naar de schuldhulpverlening. Zij bellen u deze week.",
    "Wilt u de brieven van de deurwaarder meenemen naar ons gesprek?",
    "Goed nieuws: er is een vrijwilliger die u wil helpen met de boodschappen.",
]
RESIDENT_REPLIES = [
    "Dat is goed. Dinsdagmiddag kan ik.",
    "Dank u wel, ik wacht op het telefoontje.",
    "Ik neem alles mee. Tot donderdag.",
    "Fijn, dat helpt me echt.",
]
INTERNAL_NOTES = [
    "Intern: mantelzorgondersteuning en buurthuis bespreken.",
    "Intern: schuldhulp gemeld, wachten op overzicht schulden.",
    "Intern: afstemmen met de huisarts (toestemming gevraagd).",
    "Intern: vrijwilliger van het buurthuis gevraagd.",
]

INTAKE_SUMMARIES = [
    "Keukentafelgesprek: thuissituatie, geldzaken en netwerk besproken.",
    "Intake op het wijkteamkantoor; afspraken gemaakt over de eerste stappen.",
    "Gesprek met inwoner en dochter; hulpvraag en eigen kracht in kaart gebracht.",
]

R, IR, AP, IP, C, W = (
    Status.RECEIVED,
    Status.IN_REVIEW,
    Status.APPOINTMENT_PLANNED,
    Status.IN_PROGRESS,
    Status.CLOSED,
    Status.WITHDRAWN,
)
# Up to this many days old: how likely each final status is. Older requests are
# closed but for a few long trajectories in progress (debts, care): none waits for
# triage or an appointment after four months. Before, one in six requests older
# than four months stayed open, so a team's queue grew with the history loaded
# instead of holding its current work (docs/performance.md).
FINAL_STATUS_BY_AGE: list[tuple[float, dict[str, int]]] = [
    (7, {R: 55, IR: 30, AP: 10, W: 5}),
    (30, {R: 15, IR: 30, AP: 20, IP: 30, W: 5}),
    (120, {R: 2, IR: 5, AP: 6, IP: 37, C: 44, W: 6}),
    (365, {IP: 5, C: 86, W: 9}),
    (float("inf"), {IP: 1, C: 90, W: 9}),
]


@dataclass(frozen=True)
class Timeline:
    path: list[tuple[str, datetime]]
    assigned: bool
    triaged: bool
    triaged_at: datetime | None


def life_events(rng: random.Random) -> list[str]:
    wanted = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
    events: list[str] = []
    while len(events) < wanted:
        event = rng.choices(
            list(LIFE_EVENT_WEIGHTS), weights=list(LIFE_EVENT_WEIGHTS.values())
        )[0]
        if event not in events:
            events.append(event)
    return events


def urgent_situations(rng: random.Random, events: list[str]) -> list[str]:
    if rng.random() >= 0.15:
        return []
    choices = [s for e in events for s in URGENT_FOR_EVENT.get(e, [])]
    return [rng.choice(choices or ["no_food", "unsafe", "cut_off"])]


def story(rng: random.Random, events: list[str]) -> str:
    lines = [rng.choice(STORY_LINES[event]) for event in events]
    return " ".join([*lines, rng.choice(CLOSINGS)]).strip()


def own_strength(rng: random.Random) -> str:
    return rng.choice(OWN_STRENGTH)


def network_help(rng: random.Random) -> str:
    return rng.choice(NETWORK_HELP)


def contact_times(rng: random.Random) -> str:
    return rng.choice(CONTACT_TIMES)


def next_step(rng: random.Random, status: str) -> str:
    return rng.choice(NEXT_STEPS[status])


def message_pair(rng: random.Random) -> list[tuple[str, bool]]:
    """A caseworker's message and the resident's reply: (text, from the resident)."""
    return [
        (rng.choice(CASEWORKER_MESSAGES), False),
        (rng.choice(RESIDENT_REPLIES), True),
    ]


def intake_summary(rng: random.Random) -> str:
    return rng.choice(INTAKE_SUMMARIES)


def internal_note(rng: random.Random) -> str:
    return rng.choice(INTERNAL_NOTES)


def timeline(rng: random.Random, *, submitted_at: datetime, now: datetime) -> Timeline:
    """The status path with its moments, and whether a caseworker has the request
    (assigned) and whether it was triaged (which moves it to in review)."""
    age = now - submitted_at
    weights = next(w for days, w in FINAL_STATUS_BY_AGE if age.days < days)
    final = rng.choices(list(weights), weights=list(weights.values()))[0]
    if final == R:
        statuses, assigned = [R], rng.random() < 0.1
    elif final == IR:
        statuses, assigned = [R, IR], rng.random() < 0.7
    elif final == AP:
        statuses, assigned = [R, IR, AP], True
    elif final == IP:
        statuses, assigned = rng.choice([[R, IR, IP], [R, IR, AP, IP]]), True
    elif final == C:
        # Every staff status change makes that person the contact person
        # (help_request_update_progress), so a closed request always has one.
        statuses, assigned = (
            rng.choice([[R, IR, IP, C], [R, IR, AP, IP, C], [R, IR, C]]),
            True,
        )
    else:
        assigned = rng.random() < 0.3
        statuses = [R, IR, W] if assigned else [R, W]
    if final in (C, W):
        span = min(age, timedelta(days=rng.uniform(2, 120)))
    else:
        span = age
    offsets = sorted(span * rng.random() for _ in statuses[1:])
    path = [(R, submitted_at)] + [
        (status, submitted_at + offset)
        for status, offset in zip(statuses[1:], offsets, strict=True)
    ]
    triaged = IR in statuses
    triaged_at = path[statuses.index(IR)][1] if triaged else None
    return Timeline(
        path=path, assigned=assigned, triaged=triaged, triaged_at=triaged_at
    )

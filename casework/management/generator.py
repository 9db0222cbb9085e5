"""Generated help requests for load tests: the rows of `manage.py generate_cases`.

Every generated account (residents and the extra caseworkers) has an address at
GENERATED_DOMAIN: that is how the run-once guard and `--delete` find generated data.
It is not a subdomain of the demo domain, whose residents' requests
`casework.demo.seed` triages one by one.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import CommandError
from django.db import connection, models
from django.utils import timezone

from accounts.models import Role, User
from casework.demo import LIFE_EVENT_DOMAINS
from casework.management.caseload import (
    FIRST_NAMES,
    LAST_NAMES,
    Timeline,
    contact_times,
    intake_summary,
    internal_note,
    life_events,
    message_pair,
    network_help,
    next_step,
    own_strength,
    story,
    timeline,
    urgent_situations,
)
from casework.management.copy import Copier, reserve_ids
from casework.models import (
    DOMAIN_DEADLINES,
    ContactKind,
    ContactMoment,
    Deadline,
    DeadlineKind,
    Triage,
    Urgency,
    compute_due,
)
from citizens.models import (
    HelpRequest,
    Message,
    Outcome,
    ReferenceCounter,
    Relationship,
    Status,
    StatusChange,
)
from municipalities.models import Team

GENERATED_DOMAIN = "buurtkracht-generated.test"
WINDOW_DAYS = 548  # 18 months
RESIDENTS_PER_REQUEST = 0.8
MAX_NUMBER = 999_999  # HV-<year>-<6 digits>
CLOSED_OUTCOMES = {
    Outcome.OWN_NETWORK: 18,
    Outcome.NEIGHBOURHOOD_NETWORK: 22,
    Outcome.LOCAL_ORGANISATION: 20,
    Outcome.FORMAL_PROVISION: 22,
    Outcome.REFERRED: 10,
    Outcome.NO_HELP_NEEDED: 8,
}


def generated_users() -> models.QuerySet[User]:
    return User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}")


def generated_requests() -> models.QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(resident__email__endswith=f"@{GENERATED_DOMAIN}")


@dataclass(frozen=True)
class Place:
    neighbourhood_id: int
    municipality_id: int
    team_id: int
    postcode: str
    population: int


def _rng_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def parse_reference(reference: str) -> tuple[int, int]:
    _prefix, year, number = reference.split("-")
    return int(year), int(number)


class Generator:
    """Builds and loads the rows. Run it inside a transaction: it locks the
    reference counters until the load is committed."""

    def __init__(
        self,
        *,
        rng: random.Random,
        places: list[Place],
        caseworkers_per_team: int,
        say: Callable[[str], object],
    ) -> None:
        self.rng = rng
        self.places = places
        self.caseworkers_per_team = caseworkers_per_team
        self.say = say
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.residents: list[tuple[int, str, str]] = []

    def run(self, count: int) -> dict[str, int]:
        rng = self.rng
        pools = self._caseworker_pools()
        with connection.cursor() as cursor:
            request_ids = reserve_ids(cursor, HelpRequest, count)
            submitted = sorted(
                self.now
                - timedelta(
                    days=WINDOW_DAYS * rng.random() ** 1.2, seconds=rng.randrange(3600)
                )
                for _ in range(count)
            )
            places = rng.choices(
                self.places, weights=[p.population for p in self.places], k=count
            )
            residents = self._residents(cursor, count, submitted)
            self.residents = residents
            references = self._references(submitted)
            rows: dict[str, list[tuple[Any, ...]]] = {
                "requests": [],
                "changes": [],
                "triage": [],
                "deadlines": [],
                "messages": [],
                "contacts": [],
            }
            for index in range(count):
                self._request(
                    rows,
                    pk=request_ids[index],
                    reference=references[index],
                    submitted_at=submitted[index],
                    place=places[index],
                    resident=residents[index],
                    pool=pools[places[index].team_id],
                )
            started = time.monotonic()
            counts = {
                "help requests": Copier(HelpRequest, REQUEST_FIELDS).load(
                    cursor, rows["requests"]
                ),
                "status changes": Copier(StatusChange, CHANGE_FIELDS).load(
                    cursor, rows["changes"]
                ),
                "triages": Copier(Triage, TRIAGE_FIELDS).load(cursor, rows["triage"]),
                "deadlines": Copier(Deadline, DEADLINE_FIELDS).load(
                    cursor, rows["deadlines"]
                ),
                "messages": Copier(Message, MESSAGE_FIELDS).load(
                    cursor, rows["messages"]
                ),
                "intakes": Copier(ContactMoment, CONTACT_FIELDS).load(
                    cursor, rows["contacts"]
                ),
                "residents": len({resident[0] for resident in residents}),
            }
            self.say(f"COPY of all rows: {time.monotonic() - started:.1f} s.")
            started = time.monotonic()
            _fill_search_documents(cursor, request_ids)
            self.say(f"Search documents: {time.monotonic() - started:.1f} s.")
            self._bump_counters(references)
        assigned = sum(1 for row in rows["requests"] if row[ASSIGNED_COLUMN])
        self.say(
            f"Assigned: {assigned / count:.0%}; urgent: "
            f"{sum(1 for r in rows['requests'] if r[URGENT_COLUMN]) / count:.0%}; with "
            f"deadlines: {len({d[0] for d in rows['deadlines']}) / count:.0%}."
        )
        return counts

    def _caseworker_pools(self) -> dict[int, list[int]]:
        """Per team: its active caseworkers, topped up with generated ones."""
        team_ids = sorted({place.team_id for place in self.places})
        teams = Team.objects.filter(pk__in=team_ids).select_related(
            "municipality", "district"
        )
        wanted = []
        for team in teams:
            for k in range(1, self.caseworkers_per_team + 1):
                number = team.district.cbs_code[-2:]
                email = f"consulent.{team.municipality.slug}.{number}.{k}@{GENERATED_DOMAIN}"
                wanted.append((team, email))
        existing = set(
            User.objects.filter(email__in=[email for _t, email in wanted]).values_list(
                "email", flat=True
            )
        )
        names = random.Random(f"caseworkers-{len(wanted)}")
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    password=f"{UNUSABLE_PASSWORD_PREFIX}generated",
                    full_name=f"{names.choice(FIRST_NAMES)} {names.choice(LAST_NAMES)}",
                    role=Role.CASEWORKER,
                    municipality_id=team.municipality_id,
                    team=team,
                )
                for team, email in wanted
                if email not in existing
            ]
        )
        pools: dict[int, list[int]] = {pk: [] for pk in team_ids}
        for pk, team_id in (
            User.objects.filter(
                team_id__in=team_ids, role=Role.CASEWORKER, is_active=True
            )
            .order_by("email")
            .values_list("pk", "team_id")
        ):
            pools[team_id].append(pk)
        return pools

    def _residents(
        self, cursor: Any, count: int, submitted: list[datetime]
    ) -> list[tuple[int, str, str]]:
        """(id, full name, e-mail) per request: every resident files at least one,
        some file several."""
        rng = self.rng
        people = max(1, round(count * RESIDENTS_PER_REQUEST))
        offset = generated_users().filter(role=Role.RESIDENT).count()
        ids = reserve_ids(cursor, User, people)
        who = list(range(people)) + [
            rng.randrange(people) for _ in range(count - people)
        ]
        rng.shuffle(who)
        joined: dict[int, datetime] = {}
        for index, person in enumerate(who):
            joined.setdefault(person, submitted[index])
        residents = []
        rows = []
        for person in range(people):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"inwoner.{offset + person + 1:06d}@{GENERATED_DOMAIN}"
            residents.append((ids[person], name, email))
            rows.append(
                (
                    ids[person],
                    f"{UNUSABLE_PASSWORD_PREFIX}generated",
                    _rng_uuid(rng),
                    email,
                    name,
                    Role.RESIDENT,
                    "nl",
                    True,
                    False,
                    False,
                    joined[person] - timedelta(minutes=5),
                )
            )
        Copier(User, USER_FIELDS).load(cursor, rows)
        return [residents[person] for person in who]

    def _references(self, submitted: list[datetime]) -> list[str]:
        """Numbers after every one handed out so far, in order of submission."""
        years = sorted({timezone.localdate(moment).year for moment in submitted})
        for year in years:
            ReferenceCounter.objects.get_or_create(year=year)
        counters = {
            c.year: c.last_number
            for c in ReferenceCounter.objects.select_for_update().filter(year__in=years)
        }
        for year in years:
            used = [
                parse_reference(reference)[1]
                for reference in HelpRequest.objects.filter(
                    reference__startswith=f"HV-{year}-"
                ).values_list("reference", flat=True)
            ]
            counters[year] = max([counters[year], *used])
        references = []
        for moment in submitted:
            year = timezone.localdate(moment).year
            counters[year] += 1
            if counters[year] > MAX_NUMBER:
                raise CommandError(f"More than {MAX_NUMBER:,} references in {year}.")
            references.append(f"HV-{year}-{counters[year]:06d}")
        return references

    def _bump_counters(self, references: list[str]) -> None:
        highest: dict[int, int] = {}
        for reference in references:
            year, number = parse_reference(reference)
            highest[year] = max(highest.get(year, 0), number)
        for year, number in highest.items():
            ReferenceCounter.objects.filter(year=year, last_number__lt=number).update(
                last_number=number
            )

    def _request(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        *,
        pk: int,
        reference: str,
        submitted_at: datetime,
        place: Place,
        resident: tuple[int, str, str],
        pool: list[int],
    ) -> None:
        rng = self.rng
        events = life_events(rng)
        urgent = urgent_situations(rng, events)
        plan: Timeline = timeline(rng, submitted_at=submitted_at, now=self.now)
        contact_id = rng.choice(pool) if plan.assigned and pool else None
        triaged = plan.triaged and bool(pool)
        triager_id = contact_id or (rng.choice(pool) if triaged else None)
        # About a third is settled informally, without a statutory route (and so
        # without deadlines, which triage derives from the domains).
        domains = (
            sorted({LIFE_EVENT_DOMAINS[event] for event in events})
            if rng.random() < 0.65
            else ["network_only"]
        )
        crisis = "unsafe" in urgent or ("eviction" in urgent and rng.random() < 0.3)
        urgency = (
            Urgency.CRISIS if crisis else Urgency.URGENT if urgent else Urgency.NORMAL
        )
        final = plan.path[-1][0]
        is_open = final not in (Status.CLOSED, Status.WITHDRAWN)
        resident_id, resident_name, resident_email = resident
        filed_by = None
        if rng.random() < 0.05:
            filed_by = self.residents[rng.randrange(len(self.residents))][0]
            filed_by = None if filed_by == resident_id else filed_by
        on_behalf = filed_by is not None
        step = next_step(rng, final) if contact_id and is_open else ""
        closed_at = plan.path[-1][1] if not is_open else None
        outcome = ""
        score = None
        if final == Status.WITHDRAWN:
            outcome = Outcome.WITHDRAWN
        elif final == Status.CLOSED:
            outcome = rng.choices(
                list(CLOSED_OUTCOMES), weights=list(CLOSED_OUTCOMES.values())
            )[0]
            if rng.random() < 0.35:
                score = rng.choices(
                    range(1, 11), weights=[1, 1, 2, 2, 4, 7, 12, 16, 9, 6]
                )[0]
        rows["requests"].append(
            (
                pk,
                _rng_uuid(rng),
                reference,
                resident_id,
                place.municipality_id,
                place.neighbourhood_id,
                final,
                events,
                story(rng, events),
                rng.choices([1, 2, 3], weights=[55, 40, 5])[0],
                sorted(rng.randrange(0, 18) for _ in range(rng.randrange(1, 4)))
                if "parenting" in events
                else [],
                own_strength(rng),
                network_help(rng),
                urgent,
                bool(urgent) or urgency != Urgency.NORMAL,
                f"{place.postcode} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
                f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
                str(rng.randrange(1, 240)),
                rng.choice([["phone"], ["phone", "email"], ["email"], ["home_visit"]]),
                f"06{rng.randrange(10**8):08d}",
                contact_times(rng),
                submitted_at,
                filed_by,
                rng.choice(list(Relationship.values)) if on_behalf else "",
                resident_name if on_behalf else "",
                resident_email if on_behalf else "",
                on_behalf,
                contact_id,
                place.team_id if (contact_id or triaged) else None,
                step,
                self.today + timedelta(days=rng.randrange(1, 22)) if step else None,
                submitted_at,
                closed_at,
                score,
                outcome,
            )
        )
        previous = ""
        for status, at in plan.path:
            by = resident_id if status in (Status.RECEIVED, Status.WITHDRAWN) else None
            by = by or contact_id or triager_id
            note = ""
            if status == Status.IN_PROGRESS:
                # Working on it starts with the intake (contact_moment_add).
                note = "Intake held"
                rows["contacts"].append(
                    (
                        pk,
                        rng.choice([ContactKind.HOME_VISIT, ContactKind.WALK_IN]),
                        timezone.localdate(at),
                        intake_summary(rng),
                        True,
                        by,
                        at,
                    )
                )
            rows["changes"].append((pk, previous, status, by, note, at))
            previous = status
        if triaged:
            rows["triage"].append(
                (
                    pk,
                    domains,
                    urgency,
                    bool(urgent) and "debt" in domains,
                    triager_id,
                    plan.triaged_at,
                )
            )
            self._deadlines(rows, pk, plan, domains, urgent=bool(urgent))
        if contact_id and rng.random() < 0.35:
            last = closed_at or self.now
            moment = plan.triaged_at or submitted_at
            for text, from_resident in message_pair(rng)[: rng.randrange(1, 3)]:
                moment = min(moment + timedelta(hours=rng.randrange(2, 72)), last)
                author = resident_id if from_resident else contact_id
                rows["messages"].append((pk, author, text, True, moment))
            if rng.random() < 0.5:
                rows["messages"].append(
                    (pk, contact_id, internal_note(rng), False, min(moment, last))
                )

    def _deadlines(
        self,
        rows: dict[str, list[tuple[Any, ...]]],
        pk: int,
        plan: Timeline,
        domains: list[str],
        *,
        urgent: bool,
    ) -> None:
        rng = self.rng
        final = plan.path[-1][0]
        if final == Status.WITHDRAWN:
            return
        start = timezone.localdate(plan.path[0][1])
        kinds = sorted({k for d in domains for k in DOMAIN_DEADLINES.get(d, [])})
        for kind in kinds:
            in_working_days = kind == DeadlineKind.DEBT_FIRST_CONVERSATION and urgent
            due = compute_due(kind, start, in_working_days=in_working_days)
            met_at = None
            suspended: date | None = None
            if final == Status.CLOSED:
                met_at = plan.path[-1][1]
            elif due < self.today and rng.random() < 0.55:
                met_at = _between(rng, plan.path[0][1], self.now)
            elif rng.random() < 0.07:
                suspended = start + (self.today - start) * rng.random()
            rows["deadlines"].append(
                (pk, kind, in_working_days, start, due, suspended, met_at)
            )


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _fill_search_documents(cursor: Any, request_ids: list[int]) -> None:
    """The same document as HelpRequestQuerySet.refresh_search_document, in SQL: the
    reference and names weigh most (A), then the resident's own words (B)."""
    cursor.execute(
        """
        UPDATE citizens_helprequest AS hr SET search_document =
            setweight(to_tsvector('dutch', hr.reference), 'A')
            || setweight(to_tsvector('dutch', coalesce(u.full_name, '') || ' '
                                     || hr.subject_name), 'A')
            || setweight(to_tsvector('dutch', hr.story || ' ' || hr.own_strength
                                     || ' ' || hr.network_help), 'B')
        FROM accounts_user AS u
        WHERE u.id = hr.resident_id AND hr.id = ANY(%s)
        """,
        [request_ids],
    )


# Column order of the rows the generator builds (model field names).
USER_FIELDS = """
id password public_id email full_name role language is_active is_staff
is_superuser date_joined
""".split()
REQUEST_FIELDS = """
id public_id reference resident municipality neighbourhood status life_events
story adults children_ages own_strength network_help urgent_situations is_urgent
postcode house_number contact_methods phone contact_times privacy_accepted_at
filed_by relationship subject_name subject_email subject_consent contact_person
team next_step next_step_date submitted_at closed_at satisfaction_score outcome
""".split()
CHANGE_FIELDS = "help_request from_status to_status by note at".split()
TRIAGE_FIELDS = """
help_request domains urgency debt_threat triaged_by triaged_at
""".split()
DEADLINE_FIELDS = """
help_request kind in_working_days start due suspended_since met_at
""".split()
MESSAGE_FIELDS = "help_request author body for_resident created_at".split()
CONTACT_FIELDS = """
help_request kind happened_on summary is_intake by created_at
""".split()
ASSIGNED_COLUMN = REQUEST_FIELDS.index("contact_person")
URGENT_COLUMN = REQUEST_FIELDS.index("is_urgent")

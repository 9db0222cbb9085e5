"""`manage.py generate_cases`: many believable help requests, for load tests.

Rows are loaded with PostgreSQL COPY. Every generated account (residents and the extra
caseworkers) has an address at GENERATED_DOMAIN: that is how the run-once guard and
`--delete` find generated data, and it is never a subdomain of the demo domain, whose
residents' requests `casework.demo.seed` triages one by one.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.demo import PEOPLE, demo_email
from accounts.models import Role, User
from casework.demo import LIFE_EVENT_DOMAINS
from casework.management.caseload import (
    FIRST_NAMES,
    LAST_NAMES,
    Timeline,
    contact_times,
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
from casework.models import (
    DOMAIN_DEADLINES,
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
from municipalities.models import Municipality, Neighbourhood, Team

GENERATED_DOMAIN = "buurtkracht-generated.test"
WINDOW_DAYS = 548  # 18 months
RESIDENTS_PER_REQUEST = 0.8
MAX_NUMBER = 999_999  # HV-<year>-<6 digits>


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


class Copier:
    """COPY rows into a model's table; columns the caller leaves out get their
    (constant) default, so a new field with a default does not break the generator."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        fields = [model._meta.get_field(name) for name in names]
        self.extra: list[Any] = []
        extra_columns = []
        for field in model._meta.concrete_fields:
            if field in fields or (field.primary_key and field.name not in names):
                continue
            if field.unique:
                raise CommandError(f"{model.__name__}.{field.name} needs a value.")
            extra_columns.append(field.column)
            self.extra.append(field.get_default())
        columns = [field.column for field in fields] + extra_columns
        self.sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"

    def load(self, cursor: Any, rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        extra = tuple(self.extra)
        with cursor.cursor.copy(self.sql) as copy:
            for row in rows:
                copy.write_row((*row, *extra))
                count += 1
        return count


def _reserve_ids(cursor: Any, model: type[models.Model], count: int) -> list[int]:
    """Take `count` ids from the table's own sequence, so child rows can point at
    rows that COPY inserts later and concurrent inserts never collide."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [model._meta.db_table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _rng_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class Command(BaseCommand):
    help = (
        "Generate help requests with history, triage, deadlines and messages over the "
        "demo municipalities, for load tests (PostgreSQL COPY). Needs the demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument(
            "--municipality", help="Slug of one demo municipality (default: all)."
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--caseworkers-per-team",
            type=int,
            default=4,
            help="Generated caseworkers per team, next to the demo caseworkers.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Add more even if some exist."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Remove all generated data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["delete"]:
            self._delete()
            self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")
            return
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        self._ensure_demo_data()
        if generated_users().exists() and not options["force"]:
            raise CommandError(
                "Generated data exists already. Use --delete to remove it first, or "
                "--force to add more."
            )
        places = self._places(options["municipality"])
        with transaction.atomic():
            counts = Generator(
                rng=random.Random(options["seed"]),
                places=places,
                caseworkers_per_team=options["caseworkers_per_team"],
                say=self.stdout.write,
            ).run(options["count"])
        loaded = time.monotonic()
        if not connection.in_atomic_block:
            # Fresh statistics, or the planner guesses on an empty-looking table.
            with connection.cursor() as cursor:
                for model in (
                    HelpRequest,
                    StatusChange,
                    Triage,
                    Deadline,
                    Message,
                    User,
                ):
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        done = time.monotonic()
        summary = ", ".join(f"{n:,} {label}" for label, n in counts.items())
        self.stdout.write(f"Generated {summary}.")
        self.stdout.write(
            f"Took {done - started:.1f} s (load {loaded - started:.1f} s, "
            f"vacuum analyze {done - loaded:.1f} s)."
        )

    def _ensure_demo_data(self) -> None:
        caseworkers = [
            demo_email(role=Role.CASEWORKER, municipality=municipality)
            for municipality in Municipality.objects.filter(cbs_code__in=PEOPLE)
        ]
        if (
            len(caseworkers) != len(PEOPLE)
            or User.objects.filter(email__in=caseworkers).count() != len(PEOPLE)
            or not Team.objects.filter(municipality__cbs_code__in=PEOPLE).exists()
        ):
            self.stdout.write("Demo data missing: running seed_demo first.")
            call_command("seed_demo", stdout=self.stdout)

    def _places(self, slug: str | None) -> list[Place]:
        municipalities = Municipality.objects.filter(cbs_code__in=PEOPLE)
        if slug:
            municipalities = municipalities.filter(slug=slug)
            if not municipalities.exists():
                raise CommandError(f"No demo municipality with slug {slug!r}.")
        team_of_district = {
            team.district_id: team.pk
            for team in Team.objects.filter(municipality__in=municipalities).order_by(
                "-pk"
            )
        }
        places = []
        for neighbourhood in (
            Neighbourhood.objects.filter(district__municipality__in=municipalities)
            .select_related("district")
            .prefetch_related("postcode_areas")
            .order_by("cbs_code")
        ):
            prefixes = sorted(a.prefix for a in neighbourhood.postcode_areas.all())
            team_id = team_of_district.get(neighbourhood.district_id)
            if not prefixes or team_id is None:
                continue
            places.append(
                Place(
                    neighbourhood_id=neighbourhood.pk,
                    municipality_id=neighbourhood.district.municipality_id,
                    team_id=team_id,
                    postcode=prefixes[0][:4],
                    population=max(neighbourhood.population, 1),
                )
            )
        if not places:
            raise CommandError("No neighbourhoods with a postcode and a team found.")
        return places

    @transaction.atomic
    def _delete(self) -> None:
        """Remove generated requests (with everything hanging off them) and accounts,
        and wind the reference counters back when nothing was numbered since."""
        counters = {
            counter.year: counter
            for counter in ReferenceCounter.objects.select_for_update()
        }
        references = list(generated_requests().values_list("pk", "reference"))
        highest: dict[int, int] = {}
        for _pk, reference in references:
            year, number = _parse_reference(reference)
            highest[year] = max(highest.get(year, 0), number)
        ids = [pk for pk, _reference in references]
        for start in range(0, len(ids), 5_000):
            HelpRequest.objects.filter(pk__in=ids[start : start + 5_000]).delete()
        users = list(generated_users().values_list("pk", flat=True))
        for start in range(0, len(users), 5_000):
            User.objects.filter(pk__in=users[start : start + 5_000]).delete()
        for year, number in highest.items():
            counter = counters.get(year)
            if counter is None or counter.last_number != number:
                continue
            remaining = [
                _parse_reference(reference)[1]
                for reference in HelpRequest.objects.filter(
                    reference__startswith=f"HV-{year}-"
                ).values_list("reference", flat=True)
            ]
            counter.last_number = max(remaining, default=0)
            counter.save(update_fields=["last_number"])
        self.stdout.write(
            f"Deleted {len(ids):,} generated help requests and {len(users):,} "
            "generated accounts."
        )


def _parse_reference(reference: str) -> tuple[int, int]:
    _prefix, year, number = reference.split("-")
    return int(year), int(number)


class Generator:
    def __init__(
        self,
        *,
        rng: random.Random,
        places: list[Place],
        caseworkers_per_team: int,
        say: Any,
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
            request_ids = _reserve_ids(cursor, HelpRequest, count)
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

    def _caseworker_pools(self) -> dict[int, list[tuple[int, str]]]:
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
        pools: dict[int, list[tuple[int, str]]] = {pk: [] for pk in team_ids}
        for pk, team_id, role in (
            User.objects.filter(
                team_id__in=team_ids, role=Role.CASEWORKER, is_active=True
            )
            .order_by("email")
            .values_list("pk", "team_id", "role")
        ):
            pools[team_id].append((pk, role))
        return pools

    def _residents(
        self, cursor: Any, count: int, submitted: list[datetime]
    ) -> list[tuple[int, str, str]]:
        """(id, full name, e-mail) per request: every resident files at least one,
        some file several."""
        rng = self.rng
        people = max(1, round(count * RESIDENTS_PER_REQUEST))
        offset = generated_users().filter(role=Role.RESIDENT).count()
        ids = _reserve_ids(cursor, User, people)
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
                _parse_reference(reference)[1]
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
            year, number = _parse_reference(reference)
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
        pool: list[tuple[int, str]],
    ) -> None:
        rng = self.rng
        events = life_events(rng)
        urgent = urgent_situations(rng, events)
        plan: Timeline = timeline(rng, submitted_at=submitted_at, now=self.now)
        contact_id = rng.choice(pool)[0] if plan.assigned and pool else None
        triaged = plan.triaged and bool(pool)
        triager_id = contact_id or (rng.choice(pool)[0] if triaged else None)
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
                list(Outcome.values), weights=[18, 22, 20, 22, 10, 0, 8]
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
                rng.random() < 0.6,
                rng.random() < 0.4,
                rng.random() < 0.3,
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
            rows["changes"].append((pk, previous, status, by, "", at))
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


USER_FIELDS = [
    "id",
    "password",
    "public_id",
    "email",
    "full_name",
    "role",
    "language",
    "is_active",
    "is_staff",
    "is_superuser",
    "date_joined",
]
REQUEST_FIELDS = [
    "id",
    "public_id",
    "reference",
    "resident",
    "municipality",
    "neighbourhood",
    "status",
    "life_events",
    "story",
    "adults",
    "children_ages",
    "own_strength",
    "network_help",
    "urgent_situations",
    "is_urgent",
    "postcode",
    "house_number",
    "contact_methods",
    "phone",
    "contact_times",
    "privacy_accepted_at",
    "share_with_community_centre",
    "share_with_volunteers",
    "share_with_local_organisations",
    "filed_by",
    "relationship",
    "subject_name",
    "subject_email",
    "subject_consent",
    "contact_person",
    "team",
    "next_step",
    "next_step_date",
    "submitted_at",
    "closed_at",
    "satisfaction_score",
    "outcome",
]
ASSIGNED_COLUMN = REQUEST_FIELDS.index("contact_person")
URGENT_COLUMN = REQUEST_FIELDS.index("is_urgent")
CHANGE_FIELDS = ["help_request", "from_status", "to_status", "by", "note", "at"]
TRIAGE_FIELDS = [
    "help_request",
    "domains",
    "urgency",
    "debt_threat",
    "triaged_by",
    "triaged_at",
]
DEADLINE_FIELDS = [
    "help_request",
    "kind",
    "in_working_days",
    "start",
    "due",
    "suspended_since",
    "met_at",
]
MESSAGE_FIELDS = ["help_request", "author", "body", "for_resident", "created_at"]

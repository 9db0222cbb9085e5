"""Many help requests for the dashboards, loaded with PostgreSQL COPY: only what the
dashboard counts (triage, deadlines, contact moments, plans, outcomes, satisfaction),
no residents, messages or search documents, so that a million load in minutes.

Generated requests carry GENERATED_STORY; `delete_generated` removes them.
Outcomes differ per neighbourhood and drift towards help close to home over time,
so the demo dashboard has something to show.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from casework.demo import LIFE_EVENT_DOMAINS
from casework.management.copy import Copier, reserve_ids
from casework.models import (
    DOMAIN_DEADLINES,
    ContactKind,
    ContactMoment,
    Deadline,
    DeadlineKind,
    Household,
    HouseholdMembership,
    PlanGoal,
    Triage,
    Urgency,
    ZrmDomain,
)
from citizens.models import HelpRequest, LifeEvent, Outcome, ReferenceCounter, Status
from municipalities.models import Neighbourhood

GENERATED_STORY = "Gegenereerd voor de dashboards."
WINDOW_DAYS = 730
BATCH = 50_000
# A request is open until its lifecycle ends: first contact after a few days (mean
# 6), then help for a while (mean 40 days). One that nobody contacted is withdrawn
# after at most this many days. So the open requests are the recent ones, about
# 1.5 months of intake, whatever --count is: the history is closed, as in a
# municipality's records, and a team's queue holds its current work (before, one in
# six requests stayed open for ever, old ones included: tens of thousands in one
# team's queue at 1,000,000 requests, docs/performance.md).
MEAN_DAYS_TO_CONTACT = 6
MEAN_DAYS_OF_HELP = 40
UNCONTACTED_WITHDRAWN_AFTER_DAYS = 30
EVENTS = list(LifeEvent.values)
EVENT_WEIGHTS = [8, 10, 7, 16, 12, 9, 10, 9, 8, 4]
WEEKS = {
    DeadlineKind.WMO_INVESTIGATION: 6,
    DeadlineKind.PARTICIPATION_DECISION: 8,
    DeadlineKind.YOUTH_DECISION: 8,
    DeadlineKind.DEBT_FIRST_CONVERSATION: 4,
}
ZRM = list(ZrmDomain.values)

REQUEST_FIELDS = """
id public_id reference municipality neighbourhood status life_events story
own_strength postcode house_number contact_methods privacy_accepted_at is_urgent
contact_person team submitted_at closed_at satisfaction_score outcome
""".split()
TRIAGE_FIELDS = "help_request domains urgency debt_threat triaged_at".split()
DEADLINE_FIELDS = "help_request kind in_working_days start due met_at".split()
CONTACT_FIELDS = "help_request kind happened_on summary is_intake created_at".split()
HOUSEHOLD_FIELDS = "id municipality created_at".split()
MEMBER_FIELDS = "household help_request".split()
GOAL_FIELDS = "household domain description created_at".split()


@dataclass(frozen=True)
class Place:
    neighbourhood_id: int
    municipality_id: int
    population: int
    postcode: str
    # How much of this neighbourhood's help comes from close to home (0..1).
    close_to_home: float


def places(municipality_ids: list[int] | None = None) -> list[Place]:
    rng = random.Random("places")
    found = []
    neighbourhoods = Neighbourhood.objects.select_related("district").order_by("pk")
    if municipality_ids:
        neighbourhoods = neighbourhoods.filter(
            district__municipality_id__in=municipality_ids
        )
    for nbh in neighbourhoods:
        found.append(
            Place(
                neighbourhood_id=nbh.pk,
                municipality_id=nbh.district.municipality_id,
                population=max(nbh.population, 100),
                postcode=f"{1000 + nbh.pk % 9000:04d}",
                close_to_home=rng.uniform(0.45, 0.75),
            )
        )
    return found


@dataclass
class Rows:
    requests: list[tuple[Any, ...]]
    triage: list[tuple[Any, ...]]
    deadlines: list[tuple[Any, ...]]
    contacts: list[tuple[Any, ...]]
    households: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    goals: list[tuple[Any, ...]]


class Generator:
    def __init__(
        self,
        *,
        seed: int,
        places: list[Place],
        now: datetime | None = None,
        window_days: int = WINDOW_DAYS,
        caseworkers: dict[int, list[int]] | None = None,
        say: Callable[[str], object] = lambda _m: None,
    ) -> None:
        if not places:
            raise ValueError("No neighbourhoods to generate requests in.")
        self.rng = random.Random(seed)
        self.places = places
        self.weights = [p.population for p in places]
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.window_days = window_days
        self.say = say
        # Contact persons: per neighbourhood when given (the demo keeps open requests
        # away from the demo caseworkers' queues: neighbourhoods without a pool get
        # closed requests only); else any caseworker of the municipality.
        self.pools = caseworkers
        self.caseworkers: dict[int, list[int]] = {}
        if caseworkers is None:
            for pk, municipality_id in User.objects.filter(
                role=Role.CASEWORKER, is_active=True
            ).values_list("pk", "municipality_id"):
                self.caseworkers.setdefault(municipality_id, []).append(pk)

    def run(self, count: int) -> dict[str, int]:
        """Load `count` requests in batches, in one transaction."""
        rng = self.rng
        submitted = sorted(
            self.now
            - timedelta(
                days=self.window_days * rng.random() ** 0.9,
                seconds=rng.randrange(86_400),
            )
            for _ in range(count)
        )
        totals: dict[str, int] = {}
        with transaction.atomic(), connection.cursor() as cursor:
            references = self._references(submitted)
            done = 0
            while done < count:
                size = min(BATCH, count - done)
                rows = self._build(
                    cursor,
                    submitted[done : done + size],
                    references[done : done + size],
                )
                for name, n in self._load(cursor, rows).items():
                    totals[name] = totals.get(name, 0) + n
                done += size
                self.say(f"{done:,} of {count:,} help requests loaded")
        return totals

    def _references(self, submitted: list[datetime]) -> list[str]:
        """HV-<year of submission>-<number>, after every number handed out so far in
        that year; the counters move past them (locked until commit)."""
        per_year: dict[int, int] = {}
        for moment in submitted:
            year = timezone.localdate(moment).year
            per_year[year] = per_year.get(year, 0) + 1
        next_number: dict[int, int] = {}
        for year, n in sorted(per_year.items()):
            counter, _created = (
                ReferenceCounter.objects.select_for_update().get_or_create(year=year)
            )
            highest = (
                HelpRequest.objects.filter(reference__startswith=f"HV-{year}-")
                .order_by("-reference")
                .values_list("reference", flat=True)
                .first()
            )
            used = int(highest.rsplit("-", 1)[1]) if highest else 0
            first = max(counter.last_number, used) + 1
            if first + n - 1 > 999_999:
                raise ValueError(f"More than 999,999 references in {year}.")
            counter.last_number = first + n - 1
            counter.save(update_fields=["last_number"])
            next_number[year] = first
        references = []
        for moment in submitted:
            year = timezone.localdate(moment).year
            references.append(f"HV-{year}-{next_number[year]:06d}")
            next_number[year] += 1
        return references

    def _build(
        self, cursor: Any, submitted: list[datetime], references: list[str]
    ) -> Rows:
        rng = self.rng
        size = len(submitted)
        ids = reserve_ids(cursor, HelpRequest, size)
        household_ids = iter(reserve_ids(cursor, Household, size // 2 + 1))
        rows = Rows([], [], [], [], [], [], [])
        chosen = rng.choices(self.places, weights=self.weights, k=size)
        for pk, moment, reference, place in zip(
            ids, submitted, references, chosen, strict=True
        ):
            self._request(rows, pk, moment, reference, place, household_ids)
        return rows

    def _request(
        self,
        rows: Rows,
        pk: int,
        submitted: datetime,
        reference: str,
        place: Place,
        household_ids: Iterator[int],
    ) -> None:
        rng = self.rng
        age = (self.now - submitted).total_seconds() / 86_400
        day = timezone.localdate(submitted)
        events = sorted(
            set(rng.choices(EVENTS, weights=EVENT_WEIGHTS, k=rng.choice((1, 1, 2, 3))))
        )
        urgent = "money_worries" in events and rng.random() < 0.12
        if self.pools is None:
            caseworkers = self.caseworkers.get(place.municipality_id, [])
            closed_only = False
        else:
            caseworkers = self.pools.get(place.neighbourhood_id, [])
            closed_only = not caseworkers
        contact_after = (
            int(rng.expovariate(1 / MEAN_DAYS_TO_CONTACT))
            if rng.random() < 0.9
            else None
        )
        if closed_only:
            contact_after = int(rng.expovariate(1 / MEAN_DAYS_TO_CONTACT))
        contact_day = (
            day + timedelta(days=contact_after) if contact_after is not None else None
        )
        if contact_day and contact_day > self.today:
            contact_day = None
        help_days = rng.expovariate(1 / MEAN_DAYS_OF_HELP)
        ends_at = submitted + timedelta(days=(contact_after or 0) + help_days)
        withdrawn = (
            rng.random() < 0.03
            or (closed_only and contact_day is None)
            or (contact_day is None and age > UNCONTACTED_WITHDRAWN_AFTER_DAYS)
        )
        closed = contact_day is not None and (closed_only or ends_at < self.now)
        closed_at = None
        outcome = ""
        score = None
        if withdrawn:
            status = Status.WITHDRAWN
            closed_at = min(
                submitted + timedelta(days=rng.uniform(0.5, max(min(age, 30), 0.5))),
                self.now - timedelta(minutes=5),
            )
            outcome = Outcome.WITHDRAWN
        elif closed:
            status = Status.CLOSED
            closed_at = min(ends_at, self.now - timedelta(minutes=5))
            outcome = self._outcome(place, age)
            if rng.random() < 0.4:
                score = rng.choices(
                    range(1, 11), weights=[1, 1, 2, 2, 4, 7, 12, 16, 9, 6]
                )[0]
        elif contact_day is None:
            status = Status.RECEIVED
        else:
            status = rng.choice(
                (Status.IN_REVIEW, Status.APPOINTMENT_PLANNED, Status.IN_PROGRESS)
            )
        assigned = caseworkers and (status != Status.RECEIVED or rng.random() < 0.3)
        contact_person = rng.choice(caseworkers) if assigned else None
        rows.requests.append(
            (
                pk,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                reference,
                place.municipality_id,
                place.neighbourhood_id,
                status,
                events,
                GENERATED_STORY,
                "",
                f"{place.postcode} AB",
                str(rng.randrange(1, 200)),
                ["phone"],
                submitted,
                urgent,
                contact_person,
                None,
                submitted,
                closed_at,
                score,
                outcome,
            )
        )
        if contact_day is None and rng.random() < 0.5:
            return
        domains = (
            sorted({LIFE_EVENT_DOMAINS[event] for event in events})
            if rng.random() < 0.7
            else ["network_only"]
        )
        rows.triage.append(
            (
                pk,
                domains,
                Urgency.URGENT if urgent else Urgency.NORMAL,
                False,
                submitted + timedelta(hours=rng.randrange(1, 72)),
            )
        )
        if status != Status.WITHDRAWN:
            for kind in sorted(
                {k for d in domains for k in DOMAIN_DEADLINES.get(d, [])}
            ):
                due = day + timedelta(weeks=WEEKS.get(kind, 6))
                met_at = None
                if closed_at is not None and rng.random() < 0.92:
                    met_at = closed_at
                elif due < self.today and rng.random() < 0.8:
                    met_at = submitted + timedelta(
                        days=rng.uniform(1, (due - day).days + 10)
                    )
                rows.deadlines.append((pk, kind, False, day, due, met_at))
        if contact_day is None:
            return
        rows.contacts.append(
            (
                pk,
                rng.choice((ContactKind.PHONE, ContactKind.HOME_VISIT)),
                contact_day,
                "Eerste contact.",
                False,
                submitted,
            )
        )
        if rng.random() < 0.45:
            plan_day = contact_day + timedelta(days=int(rng.expovariate(1 / 14)))
            if plan_day <= self.today:
                household = next(household_ids)
                moment = datetime.combine(
                    plan_day, datetime.min.time(), tzinfo=submitted.tzinfo
                ) + timedelta(hours=10)
                rows.households.append((household, place.municipality_id, moment))
                rows.members.append((household, pk))
                rows.goals.append(
                    (household, rng.choice(ZRM), "Doel uit het plan.", moment)
                )

    def _outcome(self, place: Place, age: float) -> str:
        # Help close to home grows over the window: the newest months most.
        close = place.close_to_home * (1.15 - 0.3 * age / self.window_days)
        rng = self.rng
        if rng.random() < 0.08:
            return Outcome.NO_HELP_NEEDED
        if rng.random() < close:
            return rng.choices(
                (
                    Outcome.OWN_NETWORK,
                    Outcome.NEIGHBOURHOOD_NETWORK,
                    Outcome.LOCAL_ORGANISATION,
                ),
                weights=(3, 4, 3),
            )[0]
        return rng.choices(
            (Outcome.FORMAL_PROVISION, Outcome.REFERRED), weights=(2, 1)
        )[0]

    def _load(self, cursor: Any, rows: Rows) -> dict[str, int]:
        return {
            "help requests": Copier(HelpRequest, REQUEST_FIELDS).load(
                cursor, rows.requests
            ),
            "triages": Copier(Triage, TRIAGE_FIELDS).load(cursor, rows.triage),
            "deadlines": Copier(Deadline, DEADLINE_FIELDS).load(cursor, rows.deadlines),
            "contact moments": Copier(ContactMoment, CONTACT_FIELDS).load(
                cursor, rows.contacts
            ),
            "households": Copier(Household, HOUSEHOLD_FIELDS).load(
                cursor, rows.households
            ),
            "memberships": Copier(HouseholdMembership, MEMBER_FIELDS).load(
                cursor, rows.members
            ),
            "plan goals": Copier(PlanGoal, GOAL_FIELDS).load(cursor, rows.goals),
        }


def delete_generated() -> int:
    """Remove generated requests with everything hanging off them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """DELETE FROM casework_household h USING casework_householdmembership m,
                   citizens_helprequest hr
               WHERE m.household_id = h.id AND hr.id = m.help_request_id
                 AND hr.story = %s""",
            [GENERATED_STORY],
        )
        ids = list(
            HelpRequest.objects.filter(story=GENERATED_STORY).values_list(
                "pk", flat=True
            )
        )
        for start in range(0, len(ids), 10_000):
            HelpRequest.objects.filter(pk__in=ids[start : start + 10_000]).delete()
    return len(ids)

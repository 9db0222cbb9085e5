"""`manage.py generate_cases`: many believable help requests, for load tests.

Loaded with PostgreSQL COPY; `--delete` removes them again. See
casework/management/generator.py for what is generated.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts.demo import PEOPLE, demo_email
from accounts.models import Role, User
from casework.management.generator import (
    Generator,
    Place,
    generated_requests,
    generated_users,
    parse_reference,
)
from casework.models import ContactMoment, Deadline, Triage
from citizens.models import HelpRequest, Message, ReferenceCounter, StatusChange
from municipalities.models import Municipality, Neighbourhood, Team


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
                    ContactMoment,
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
            year, number = parse_reference(reference)
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
                parse_reference(reference)[1]
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

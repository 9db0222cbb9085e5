"""Demo data for the dashboards: two years of generated help requests in the demo
municipalities (COPY), then the summary tables.

Open requests go only to neighbourhoods outside the districts of the demo
caseworkers, with two demo-only caseworkers per team as contact persons (they cannot
log in), so that the demo caseworkers' queues stay as the casework demo made them.
"""

from __future__ import annotations

import random

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction

from accounts.demo import PEOPLE
from accounts.models import Role, User
from casework.management.caseload import FIRST_NAMES, LAST_NAMES
from citizens.models import HelpRequest
from dashboards.generator import GENERATED_STORY, Generator, places
from dashboards.refresh import refresh
from municipalities.models import Municipality, Neighbourhood, Team

DEMO_DOMAIN = "dashboard-demo.buurtkracht.test"
REQUESTS_PER_RESIDENT_PER_YEAR = 0.02
YEARS = 2


def _pools(municipalities: list[Municipality]) -> dict[int, list[int]]:
    persona_teams = set(
        User.objects.filter(
            team__municipality__in=municipalities,
            role__in=[Role.CASEWORKER, Role.TEAM_LEAD],
        )
        .exclude(email__endswith=f"@{DEMO_DOMAIN}")
        .values_list("team_id", flat=True)
    )
    names = random.Random("dashboard-demo")
    pools: dict[int, list[int]] = {}
    for team in Team.objects.filter(municipality__in=municipalities).order_by("pk"):
        if team.pk in persona_teams:
            continue
        ids = []
        for k in (1, 2):
            user, _created = User.objects.get_or_create(
                email=f"consulent.{team.pk}.{k}@{DEMO_DOMAIN}",
                defaults={
                    "password": f"{UNUSABLE_PASSWORD_PREFIX}demo",
                    "full_name": f"{names.choice(FIRST_NAMES)} {names.choice(LAST_NAMES)}",
                    "role": Role.CASEWORKER,
                    "municipality_id": team.municipality_id,
                    "team": team,
                },
            )
            ids.append(user.pk)
        for nbh in Neighbourhood.objects.filter(district_id=team.district_id):
            pools.setdefault(nbh.pk, []).extend(ids)
    return pools


@transaction.atomic
def seed() -> None:
    municipalities = list(Municipality.objects.filter(cbs_code__in=PEOPLE))
    if not HelpRequest.objects.filter(story=GENERATED_STORY).exists():
        population = sum(m.population for m in municipalities)
        count = round(population * REQUESTS_PER_RESIDENT_PER_YEAR * YEARS)
        Generator(
            seed=2026,
            places=places([m.pk for m in municipalities]),
            window_days=365 * YEARS,
            caseworkers=_pools(municipalities),
        ).run(count)
    refresh(full=True)

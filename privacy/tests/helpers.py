"""Planting marker values and looking for them everywhere they could remain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from casework.models import (
    ContactKind,
    ContactMoment,
    Household,
    HouseholdMembership,
    PlanAction,
    PlanGoal,
    Referral,
    Triage,
)
from citizens import uploads
from citizens.models import (
    Attachment,
    FollowUpAnswer,
    HelpRequest,
    HelpRequestDraft,
    StatusChange,
)
from citizens.tests.factories import (
    HelpRequestFactory,
    MessageFactory,
    complete_answers,
)
from tests.fixtures.personas import Place


def plant(
    place: Place, marker: str, *, closed_at: dt.datetime, domains: list[str] | None
) -> HelpRequest:
    """A closed request with `marker` in every free-text place a case has, and a
    document on disk holding it."""
    help_request = HelpRequestFactory(
        closed=True,
        neighbourhood=place.neighbourhood,
        team=place.team,
        story=f"{marker} verhaal",
        own_strength=f"{marker} kracht",
        network_help=f"{marker} netwerk",
        phone="0612345678",
        contact_times=f"{marker} ochtend",
        subject_email=f"{marker.lower()}@example.test",
        satisfaction_comment=f"{marker} tevreden",
        next_step=f"{marker} stap",
        closed_at=closed_at,
    )
    help_request.refresh_search_document()
    if domains is not None:
        Triage.objects.create(help_request=help_request, domains=domains)
    message = MessageFactory(help_request=help_request, body=f"{marker} bericht")
    StatusChange.objects.create(
        help_request=help_request, to_status="closed", note=f"{marker} notitie"
    )
    ContactMoment.objects.create(
        help_request=help_request,
        kind=ContactKind.PHONE,
        happened_on=closed_at.date(),
        summary=f"{marker} gesprek",
    )
    Referral.objects.create(
        help_request=help_request,
        organisation=place.organisation,
        question=f"{marker} vraag",
        answer=f"{marker} antwoord",
    )
    FollowUpAnswer.objects.create(
        help_request=help_request,
        life_satisfaction=7,
        manages_daily_life=3,
        knows_where_to_go=3,
        has_people_around=3,
        situation_improved=3,
        comment=f"{marker} commentaar",
    )
    household = Household.objects.create(municipality=place.municipality)
    HouseholdMembership.objects.create(household=household, help_request=help_request)
    goal = PlanGoal.objects.create(
        household=household, domain="finances", description=f"{marker} doel"
    )
    PlanAction.objects.create(
        goal=goal,
        description=f"{marker} actie",
        owner="resident",
        due=closed_at.date(),
    )
    draft = HelpRequestDraft.objects.create(
        answers=complete_answers({"situation": {"story": f"{marker} concept"}}),
        submitted_request=help_request,
    )
    write_document(help_request, marker, message=message, draft=draft)
    return help_request


def write_document(
    help_request: HelpRequest | None,
    marker: str,
    *,
    message: object = None,
    draft: HelpRequestDraft | None = None,
) -> Attachment:
    storage_name, size = uploads.secrets.token_hex(32), 0
    path = uploads.path_for(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = b"%PDF-1.4 " + marker.encode()
    path.write_bytes(content)
    return Attachment.objects.create(
        help_request=help_request,
        message=message,
        draft=draft,
        original_name=f"{marker}.pdf",
        content_type="application/pdf",
        size=len(content) + size,
        storage_name=storage_name,
    )


def tables_containing(marker: str) -> dict[str, int]:
    """Every table of the database with a row whose text (all columns) holds it."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS row WHERE row::text ILIKE %s',
                [f"%{marker}%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def files_containing(marker: str) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and marker.encode() in path.read_bytes()
    ]


def redis_keys_containing(marker: str) -> list[str]:
    """Keys of the configured Redis database whose name or value holds the marker."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    needle = marker.encode()
    found = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if kind == b"string":
            values = [client.get(key) or b""]
        elif kind == b"list":
            values = client.lrange(key, 0, -1)
        elif kind == b"hash":
            values = [*client.hkeys(key), *client.hvals(key)]
        elif kind == b"set":
            values = list(client.smembers(key))
        elif kind == b"zset":
            values = client.zrange(key, 0, -1)
        else:
            values = []
        if needle in key or any(needle in value for value in values):
            found.append(key.decode(errors="replace"))
    return found

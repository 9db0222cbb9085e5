"""Searching the access log (who looked at which help request, when, on whose behalf
and why; the data subject is the request's resident) for the
functional administrator: rows of their own municipality only, newest first, a page
at a time by keyset, so that deep pages cost the same as the first."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, User
from citizens.models import FileAccess

PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Bounded so that neither the time nor the id can overflow (bigint ids).
_CURSOR = re.compile(r"(-?\d{1,18})\.(\d{1,18})")


@dataclass(frozen=True)
class LogPage:
    rows: list[dict[str, Any]]
    # Where the next (older) page starts; empty on the last page.
    next_cursor: str


def cursor_for(access: FileAccess) -> str:
    microseconds = (access.at - _EPOCH) // timedelta(microseconds=1)
    return f"{microseconds}.{access.pk}"


def parse_cursor(value: str) -> tuple[datetime, int]:
    """The (time, id) a cursor points at; ValueError for anything else."""
    match = _CURSOR.fullmatch(value)
    if match is None:
        raise ValueError(value)
    try:
        at = _EPOCH + timedelta(microseconds=int(match[1]))
    except OverflowError:
        raise ValueError(value) from None
    return at, int(match[2])


def _start_of(day: date) -> datetime:
    # Days are local (Europe/Amsterdam) days, as the administrator means them.
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_page(
    *,
    admin: User,
    reference: str = "",
    staff: User | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    purpose: str = "",
    after: tuple[datetime, int] | None = None,
) -> LogPage:
    """One page of the log of `admin`'s municipality, filtered; one query."""
    accesses = FileAccess.objects.filter(
        help_request__municipality_id=admin.municipality_id
    )
    if reference:
        accesses = accesses.filter(help_request__reference=reference)
    if staff is not None:
        accesses = accesses.filter(user=staff)
    if date_from is not None:
        accesses = accesses.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        accesses = accesses.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if purpose:
        accesses = accesses.filter(purpose=purpose)
    if after is not None:
        at, pk = after
        accesses = accesses.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    found = list(
        accesses.select_related(
            "user",
            "help_request",
            "acting_for_team",
            "acting_for_organisation",
            "acting_for_municipality",
        )
        .only(
            "at",
            "role",
            "purpose",
            "reason",
            "user__full_name",
            "help_request__reference",
            "acting_for_team__name",
            "acting_for_organisation__name",
            "acting_for_municipality__name",
        )
        .order_by("-at", "-pk")[: PAGE_SIZE + 1]
    )
    role_labels = dict(Role.choices)
    rows = [
        {
            "at": access.at,
            "staff": access.user.full_name if access.user else "",
            "role": role_labels.get(access.role, access.role),
            "on_behalf_of": access.on_behalf_of(),
            "reference": access.help_request.reference,
            "purpose": access.get_purpose_display(),
            "reason": access.reason,
        }
        for access in found[:PAGE_SIZE]
    ]
    next_cursor = cursor_for(found[PAGE_SIZE - 1]) if len(found) > PAGE_SIZE else ""
    return LogPage(rows=rows, next_cursor=next_cursor)

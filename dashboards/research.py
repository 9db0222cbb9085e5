"""The pseudonymised research export: one CSV row per help request, with stable
pseudonyms (keyed hashes of the ids) and no direct identifiers: no names,
addresses, postcodes, references, free text or exact dates. Streamed from the fact
table, so memory stays flat whatever the size."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils.crypto import salted_hmac

from citizens.models import HelpRequest
from dashboards.figures import add_months
from dashboards.models import RequestFact
from municipalities.models import Neighbourhood

COLUMNS = [
    "request_pseudonym",
    "resident_pseudonym",
    "neighbourhood_cbs_code",
    "submitted_month",
    "closed_month",
    "open",
    "waiting",
    "domains",
    "life_events",
    "pilots",
    "days_to_first_contact",
    "days_to_plan",
    "outcome",
    "satisfaction",
]


def pseudonym(kind: str, value: int | None) -> str:
    """The same id gives the same pseudonym in every export (while SECRET_KEY
    stays the same); it cannot be turned back into the id without the key."""
    if value is None:
        return ""
    return salted_hmac("dashboards.research", f"{kind}:{value}").hexdigest()[:20]


class _Echo:
    def write(self, value: str) -> str:
        return value


def rows(*, municipality_id: int, start: date, end: date) -> Iterator[str]:
    writer = csv.writer(_Echo())
    codes = dict(
        Neighbourhood.objects.filter(
            district__municipality_id=municipality_id
        ).values_list("pk", "cbs_code")
    )
    residents = HelpRequest.objects.filter(pk=OuterRef("help_request_id")).values(
        "resident_id"
    )
    facts = (
        RequestFact.objects.filter(
            municipality_id=municipality_id,
            submitted_month__gte=start,
            submitted_month__lt=add_months(end, 1),
        )
        .annotate(resident_id=Subquery(residents))
        .order_by("help_request_id")
        .values_list(
            "help_request_id",
            "resident_id",
            "neighbourhood_id",
            "submitted_month",
            "closed_month",
            "is_open",
            "is_waiting",
            "domains",
            "life_events",
            "pilots",
            "first_contact_days",
            "plan_days",
            "outcome",
            "satisfaction",
        )
    )
    yield "\ufeff" + writer.writerow(COLUMNS)
    for (
        request_id,
        resident_id,
        nbh,
        submitted,
        closed,
        is_open,
        waiting,
        domains,
        events,
        pilots,
        contact,
        plan,
        outcome,
        satisfaction,
    ) in facts.iterator(chunk_size=5_000):
        yield writer.writerow(
            [
                pseudonym("request", request_id),
                pseudonym("resident", resident_id),
                codes.get(nbh, ""),
                f"{submitted:%Y-%m}",
                f"{closed:%Y-%m}" if closed else "",
                int(is_open),
                int(waiting),
                "|".join(domains),
                "|".join(events),
                "|".join(pseudonym("pilot", p) for p in pilots),
                "" if contact is None else contact,
                "" if plan is None else plan,
                outcome,
                "" if satisfaction is None else satisfaction,
            ]
        )

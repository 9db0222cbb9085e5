"""A stored-XSS corpus planted in every free-text field of the objects that pages
render, shared by the server-side and the browser checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import models
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from casework.models import ContactKind, ContactMoment, Referral
from citizens.models import AccessPurpose, FileAccess, HelpRequest, StatusChange
from citizens.tests.factories import HelpRequestFactory, MessageFactory
from networks.models import Organisation, Service, Volunteer, VolunteerStatus
from networks.tests.factories import ServiceFactory, VolunteerFactory
from pilots.models import Goal, Idea, Phase, Pilot
from pilots.models.ideas import IdeaComment
from pilots.tests.factories import IdeaFactory, PilotFactory
from privacy import services as privacy_services
from tests.fixtures.personas import Place

# Each would run script if it reached the page unescaped (with CSP bypassed).
SCRIPT = '<script>alert("xss-script")</script>'
IMG = "\"'><img src=x onerror=alert('xss-img')>"
SVG = "<svg/onload=alert('xss-svg')>"
CLOSE = "</textarea></title><script>alert('xss-close')</script>"
CORPUS = [SCRIPT, IMG, SVG, CLOSE]
LONG = "".join(CORPUS)
# Which payload fits a field of a given length (longest first).
BY_LENGTH = sorted([LONG, SCRIPT, IMG, SVG], key=len, reverse=True)
# Never unescaped in any page (the site's own <script src=...> tags are not these).
RAW_NEEDLES = [
    "<script>alert(",
    "<img src=x onerror",
    "<svg/onload",
    'alert("xss',
    "alert('xss",
]


def escaped_markers() -> list[str]:
    return [escape(payload) for payload in BY_LENGTH]


def _payload_for(field: models.Field) -> str | None:
    limit = field.max_length or 10_000
    for payload in BY_LENGTH:
        if len(payload) <= limit:
            return payload
    return None


def poison(obj: models.Model, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Put the corpus into every free-text field of `obj` (no choices, not unique, not
    an address, e-mail, slug or URL); return the fields changed."""
    changed = []
    for field in obj._meta.concrete_fields:
        if (
            not isinstance(field, models.CharField | models.TextField)
            or isinstance(field, models.EmailField | models.URLField | models.SlugField)
            or field.choices
            or field.unique
            or field.primary_key
            or field.name in skip
        ):
            continue
        payload = _payload_for(field)
        if payload is not None:
            setattr(obj, field.name, payload)
            changed.append(field.name)
    obj.save(update_fields=changed)
    return changed


@dataclass
class Poisoned:
    help_request: HelpRequest
    referral: Referral
    organisation: Organisation
    service: Service
    volunteer: Volunteer
    pilot: Pilot
    idea: Idea


def plant_corpus(
    place: Place,
    *,
    resident: User,
    caseworker: User,
    partner: User,
    pilot_owner: User,
    functional_admin: User,
) -> Poisoned:
    for user in (resident, caseworker, partner, pilot_owner):
        poison(user, skip=frozenset({"password", "language"}))
    help_request = HelpRequestFactory(
        in_progress=True,
        resident=resident,
        neighbourhood=place.neighbourhood,
        team=place.team,
        contact_person=caseworker,
    )
    poison(help_request, skip=frozenset({"postcode", "house_number", "phone"}))
    poison(MessageFactory(help_request=help_request, author=caseworker))
    poison(MessageFactory(help_request=help_request, author=resident))
    poison(StatusChange.objects.filter(help_request=help_request).last())
    poison(
        ContactMoment.objects.create(
            help_request=help_request,
            kind=ContactKind.HOME_VISIT,
            happened_on=timezone.localdate(),
            summary="x",
            by=caseworker,
        )
    )
    referral = Referral.objects.create(
        help_request=help_request,
        organisation=place.organisation,
        question="x",
        created_by=caseworker,
    )
    poison(referral)
    FileAccess.objects.create(
        help_request=help_request,
        user=caseworker,
        role=caseworker.role,
        purpose=AccessPurpose.OUTSIDE_CASELOAD,
        reason=SCRIPT + IMG,
    )
    organisation = place.organisation
    poison(organisation)
    service = ServiceFactory(organisation=organisation)
    poison(service)
    volunteer = VolunteerFactory(
        neighbourhood=place.neighbourhood, status=VolunteerStatus.APPLIED
    )
    poison(volunteer, skip=frozenset({"phone"}))
    poison(volunteer.user, skip=frozenset({"password", "language"}))
    pilot = PilotFactory(
        municipality=place.municipality, owner=pilot_owner, phase=Phase.RUNNING
    )
    pilot.neighbourhoods.add(place.neighbourhood)
    poison(pilot)
    poison(
        Goal.objects.create(
            pilot=pilot, description="x", indicator="x", baseline=0, target=1
        )
    )
    idea = IdeaFactory(neighbourhood=place.neighbourhood)
    poison(idea)
    poison(IdeaComment.objects.create(idea=idea, author=resident, body="x"))
    privacy_services.legal_hold_set(
        help_request=help_request,
        by=functional_admin,
        reason=SCRIPT,
        until=timezone.localdate() + dt.timedelta(days=10),
    )
    return Poisoned(
        help_request=help_request,
        referral=referral,
        organisation=organisation,
        service=service,
        volunteer=volunteer,
        pilot=pilot,
        idea=idea,
    )


def pages(poisoned: Poisoned, slug: str) -> list[tuple[str, str]]:
    """(persona, path) of every page that renders the planted texts."""
    reference = poisoned.help_request.reference
    return [
        ("resident", "/resident/"),
        ("resident", "/my-requests/"),
        ("resident", f"/my-requests/{reference}/"),
        ("resident", "/my-data/"),
        ("caseworker", "/casework/"),
        ("caseworker", "/casework/queue/"),
        ("caseworker", f"/casework/requests/{reference}/"),
        ("caseworker", f"/networks/cases/{reference}/"),
        ("partner", "/networks/partner/"),
        ("partner", f"/networks/partner/referrals/{poisoned.referral.public_id}/"),
        ("functional_admin", "/networks/volunteers/?status=applied"),
        (
            "functional_admin",
            f"/networks/volunteers/{poisoned.volunteer.public_id}/screening/",
        ),
        ("functional_admin", "/networks/map/organisations/"),
        ("functional_admin", "/accounts/administration/access-log/"),
        ("functional_admin", "/data-protection/"),
        ("anonymous", f"/networks/social-map/{slug}/?need=meeting_people"),
        # Reflected: the search words come back in the form.
        ("anonymous", f"/networks/social-map/{slug}/?q={quote(SCRIPT)}"),
        (
            "anonymous",
            f"/networks/social-map/{slug}/organisations/"
            f"{poisoned.organisation.public_id}/",
        ),
        (
            "anonymous",
            f"/networks/social-map/{slug}/services/{poisoned.service.public_id}/",
        ),
        ("anonymous", f"/pilots/ideas/{poisoned.idea.public_id}/"),
        ("pilot_owner", "/pilots/"),
        ("pilot_owner", poisoned.pilot.get_absolute_url()),
        ("alderman", "/pilots/register/"),
    ]


def unescaped(html: str) -> list[str]:
    return [needle for needle in RAW_NEEDLES if needle in html]


def shown_as_text(html: str) -> bool:
    return any(marker in html for marker in escaped_markers()) or any(
        escape(payload)[:20] in html for payload in BY_LENGTH
    )


__all__: list[Any] = [
    "CORPUS",
    "plant_corpus",
    "pages",
    "unescaped",
    "shown_as_text",
]

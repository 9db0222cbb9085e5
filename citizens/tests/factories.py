"""Help requests in every business state, with the status history that led there.

`HelpRequestFactory(appointment_planned=True)` gives a request that went through
received → in review → appointment planned, with one StatusChange row per step, a
contact person in the request's team, a next step and its date. References come from
the real ReferenceCounter, so they never collide with requests sent in the test.
"""

import datetime as dt
from typing import Any

import factory
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from citizens.models import (
    PURPOSE_OF_RECIPIENT,
    Attachment,
    Consent,
    ConsentMethod,
    ConsentRecipient,
    ContactMethod,
    HelpRequest,
    HelpRequestDraft,
    LifeEvent,
    Message,
    ReferenceCounter,
    Status,
    StatusChange,
)
from citizens.services import checked_steps
from municipalities.models import Neighbourhood, PostcodeArea
from municipalities.tests.factories import NeighbourhoodFactory, TeamFactory

# The statuses a request passed to reach each state, in order.
PATHS: dict[str, list[Status]] = {
    Status.RECEIVED: [Status.RECEIVED],
    Status.IN_REVIEW: [Status.RECEIVED, Status.IN_REVIEW],
    Status.APPOINTMENT_PLANNED: [
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.APPOINTMENT_PLANNED,
    ],
    Status.IN_PROGRESS: [
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.APPOINTMENT_PLANNED,
        Status.IN_PROGRESS,
    ],
    Status.CLOSED: [
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.APPOINTMENT_PLANNED,
        Status.IN_PROGRESS,
        Status.CLOSED,
    ],
    Status.WITHDRAWN: [Status.RECEIVED, Status.WITHDRAWN],
}
SUBMITTED_DAYS_AGO = 14


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeArea
        django_get_or_create = ("prefix",)

    prefix = factory.Sequence(lambda n: f"{1000 + n % 9000:04d}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


def postcode_area(neighbourhood: Neighbourhood, prefix: str) -> PostcodeArea:
    """Make postcodes starting with `prefix` (e.g. "1781") lie in `neighbourhood`."""
    return PostcodeAreaFactory(prefix=prefix, neighbourhood=neighbourhood)


def next_reference() -> str:
    # The counter locks its row, which needs a transaction also in autocommit tests.
    with transaction.atomic():
        return ReferenceCounter.next_reference(timezone.localdate().year)


def _submitted_at() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=SUBMITTED_DAYS_AGO)


def _last_change_at(help_request: Any) -> dt.datetime:
    return help_request.submitted_at + dt.timedelta(
        days=len(PATHS[help_request.status]) - 1
    )


def _team() -> factory.SubFactory:
    return factory.SubFactory(
        TeamFactory, district=factory.SelfAttribute("..neighbourhood.district")
    )


def _contact_person() -> factory.SubFactory:
    """A caseworker of the request's team."""
    return factory.SubFactory(
        UserFactory, caseworker=True, team=factory.SelfAttribute("..team")
    )


def _consent(help_request: HelpRequest, recipient: str) -> Consent:
    return Consent.objects.create(
        help_request=help_request,
        purpose=PURPOSE_OF_RECIPIENT[recipient],
        recipient=recipient,
        method=ConsentMethod.ONLINE,
        given_at=help_request.submitted_at,
        recorded_by=help_request.filed_by or help_request.resident,
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    """A valid online consent for volunteers; `recipient=`/`organisation=` vary it."""

    class Meta:
        model = Consent

    help_request = factory.SubFactory("citizens.tests.factories.HelpRequestFactory")
    recipient = ConsentRecipient.VOLUNTEERS
    purpose = factory.LazyAttribute(lambda o: PURPOSE_OF_RECIPIENT[o.recipient])
    method = ConsentMethod.ONLINE
    given_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SelfAttribute("help_request.resident")


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """A received request of a resident; traits give the later business states."""

    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    reference = factory.LazyFunction(next_reference)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    municipality = factory.SelfAttribute("neighbourhood.district.municipality")
    resident = factory.SubFactory(
        UserFactory, municipality=factory.SelfAttribute("..municipality")
    )
    status = Status.RECEIVED
    life_events = factory.LazyFunction(lambda: [LifeEvent.MONEY_WORRIES])
    story = factory.Sequence(lambda n: f"Verhaal {n}: de rekeningen stapelen zich op.")
    adults = 1
    children_ages = factory.LazyFunction(list)
    own_strength = "Ik kan zelf koken en boodschappen doen."
    postcode = "1781 AB"
    house_number = factory.Sequence(lambda n: str(n % 900 + 1))
    contact_methods = factory.LazyFunction(lambda: [ContactMethod.EMAIL])
    submitted_at = factory.LazyFunction(_submitted_at)
    privacy_accepted_at = factory.SelfAttribute("submitted_at")

    class Params:
        received = factory.Trait(status=Status.RECEIVED)
        in_review = factory.Trait(status=Status.IN_REVIEW)
        appointment_planned = factory.Trait(
            status=Status.APPOINTMENT_PLANNED,
            team=_team(),
            contact_person=_contact_person(),
            next_step="Huisbezoek om samen de post door te nemen",
            next_step_date=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=7)
            ),
        )
        in_progress = factory.Trait(
            status=Status.IN_PROGRESS,
            team=_team(),
            contact_person=_contact_person(),
            next_step="Samen een budgetplan maken",
            next_step_date=factory.LazyFunction(
                lambda: timezone.localdate() + dt.timedelta(days=14)
            ),
        )
        closed = factory.Trait(
            status=Status.CLOSED,
            team=_team(),
            contact_person=_contact_person(),
            closed_at=factory.LazyAttribute(_last_change_at),
        )
        withdrawn = factory.Trait(
            status=Status.WITHDRAWN, closed_at=factory.LazyAttribute(_last_change_at)
        )

    # `HelpRequestFactory(share_with_volunteers=True)`: the resident ticked that box
    # when sending, so a valid online Consent for that kind of recipient exists.
    @factory.post_generation
    def share_with_community_centre(
        obj: HelpRequest, create: bool, extracted: Any, **kwargs: Any
    ) -> None:
        if create and extracted:
            _consent(obj, ConsentRecipient.COMMUNITY_CENTRES)

    @factory.post_generation
    def share_with_volunteers(
        obj: HelpRequest, create: bool, extracted: Any, **kwargs: Any
    ) -> None:
        if create and extracted:
            _consent(obj, ConsentRecipient.VOLUNTEERS)

    @factory.post_generation
    def share_with_local_organisations(
        obj: HelpRequest, create: bool, extracted: Any, **kwargs: Any
    ) -> None:
        if create and extracted:
            _consent(obj, ConsentRecipient.LOCAL_ORGANISATIONS)

    @factory.post_generation
    def history(
        obj: HelpRequest,
        create: bool,
        extracted: Any,
        **kwargs: Any,
    ) -> None:
        """One StatusChange per status on the way; `history=False` leaves none."""
        if not create or extracted is False:
            return
        sender = obj.filed_by or obj.resident
        previous = ""
        for days, status in enumerate(PATHS[obj.status]):
            by = sender if status in (Status.RECEIVED, Status.WITHDRAWN) else None
            StatusChange.objects.create(
                help_request=obj,
                from_status=previous,
                to_status=status,
                by=by or obj.contact_person,
                at=obj.submitted_at + dt.timedelta(days=days),
            )
            previous = status


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    help_request = factory.SubFactory(HelpRequestFactory)
    author = factory.SelfAttribute("help_request.resident")
    body = factory.Sequence(lambda n: f"Bericht {n}")
    for_resident = True


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A document row of a sent request; no file is written."""

    class Meta:
        model = Attachment

    help_request = factory.SubFactory(HelpRequestFactory)
    uploaded_by = factory.SelfAttribute("help_request.resident")
    original_name = factory.Sequence(lambda n: f"brief-{n}.pdf")
    content_type = "application/pdf"
    size = 1234
    storage_name = factory.Sequence(lambda n: f"{n:064x}")


def complete_answers(
    overrides: dict[str, dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The answers of every step, as typed (and as kept in a draft), for a resident
    of postcode 1781 AB; `overrides` replaces single fields per step slug."""
    answers: dict[str, dict[str, Any]] = {
        "for-whom": {
            "for_whom": "myself",
            "relationship": "",
            "subject_name": "",
            "subject_email": "",
            "subject_consent": "",
        },
        "situation": {
            "life_events": ["money_worries", "housing"],
            "story": "Ik heb een brief van de woningcorporatie gekregen.",
        },
        "household": {"adults": "2", "children_ages": "4, 9"},
        "own-strength": {
            "own_strength": "Ik kan zelf boodschappen doen.",
            "network_help": "Mijn zus helpt soms met de kinderen.",
        },
        "urgency": {"urgent_situations": []},
        "contact": {
            "full_name": "Sanne de Vries",
            "postcode": "1781 AB",
            "house_number": "12",
            "contact_methods": ["email"],
            "phone": "",
            "contact_times": "",
        },
        "consent": {
            "privacy_accepted": "on",
            "share_with_community_centre": "",
            "share_with_volunteers": "",
            "share_with_local_organisations": "",
        },
    }
    for slug, fields in (overrides or {}).items():
        answers[slug] = {**answers[slug], **fields}
    return answers


def answers_for_someone_else(email: str = "oma@example.test") -> dict[str, Any]:
    """Complete answers of a resident asking for their grandmother, who agreed."""
    return complete_answers(
        {
            "for-whom": {
                "for_whom": "someone_else",
                "relationship": "family",
                "subject_name": "Oma de Vries",
                "subject_email": email,
                "subject_consent": "on",
            }
        }
    )


class HelpRequestDraftFactory(factory.django.DjangoModelFactory):
    """A draft with every step answered; pass `answers=` or `owner=` to vary it.
    Each valid step keeps what it was checked with, as when typed step by step
    (`draft_save_step`); pass `checked={}` for a draft whose steps were not."""

    class Meta:
        model = HelpRequestDraft

    owner = None
    answers = factory.LazyFunction(complete_answers)
    checked = factory.LazyAttribute(lambda draft: checked_steps(draft.answers))

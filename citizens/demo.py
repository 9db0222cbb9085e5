"""Demo help requests: for every demo resident, requests in every state, with
messages, a contact person, history and the record of who looked at them."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.demo import PEOPLE, demo_email
from accounts.models import Role, User
from citizens.models import (
    AccessPurpose,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecipient,
    FileAccess,
    HelpRequest,
    HelpRequestDraft,
    Message,
    ReferenceCounter,
    Status,
    StatusChange,
)
from municipalities.models import Municipality, Neighbourhood

# (status path, days ago, life events, story, urgent situations, next step, score)
REQUESTS = [
    (
        [Status.RECEIVED],
        1,
        ["money_worries"],
        "Ik krijg steeds meer rekeningen die ik niet kan betalen. Ik weet niet waar ik moet beginnen.",
        [],
        "",
        None,
    ),
    (
        [Status.RECEIVED],
        0,
        ["housing", "money_worries"],
        "De woningcorporatie heeft gezegd dat ik mijn huis uit moet als ik de huur niet betaal.",
        ["eviction"],
        "",
        None,
    ),
    (
        [Status.RECEIVED, Status.IN_REVIEW],
        6,
        ["loneliness"],
        "Sinds mijn man is overleden zie ik bijna niemand meer. De dagen zijn lang.",
        [],
        "We bellen u deze week om kennis te maken.",
        None,
    ),
    (
        [Status.RECEIVED, Status.IN_REVIEW, Status.APPOINTMENT_PLANNED],
        12,
        ["caring", "illness"],
        "Ik zorg voor mijn moeder met dementie en ik ben erg moe. Ik heb hulp nodig.",
        [],
        "Keukentafelgesprek bij u thuis.",
        None,
    ),
    (
        [
            Status.RECEIVED,
            Status.IN_REVIEW,
            Status.APPOINTMENT_PLANNED,
            Status.IN_PROGRESS,
        ],
        30,
        ["job_loss", "work"],
        "Ik ben mijn baan kwijt en wil graag weer iets doen overdag.",
        [],
        "Samen met u naar het buurthuis voor vrijwilligerswerk.",
        None,
    ),
    (
        [Status.RECEIVED, Status.IN_REVIEW, Status.IN_PROGRESS, Status.CLOSED],
        75,
        ["parenting"],
        "Mijn zoon van 14 gaat niet meer naar school. Ik weet niet wat ik moet doen.",
        [],
        "",
        8,
    ),
    (
        [Status.RECEIVED, Status.WITHDRAWN],
        20,
        ["other"],
        "Ik had een vraag over de bijstand, maar het is al opgelost.",
        [],
        "",
        None,
    ),
]


@transaction.atomic
def seed() -> None:
    now = timezone.now()
    for code in PEOPLE:
        municipality = Municipality.objects.get(cbs_code=code)
        resident = User.objects.get(
            email=demo_email(role=Role.RESIDENT, municipality=municipality)
        )
        if HelpRequest.objects.filter(resident=resident).exists():
            continue
        caseworker = User.objects.get(
            email=demo_email(role=Role.CASEWORKER, municipality=municipality)
        )
        neighbourhood = (
            Neighbourhood.objects.filter(district=caseworker.team.district)
            .order_by("cbs_code")
            .first()
        )
        postcode = (
            f"{neighbourhood.postcode_areas.order_by('prefix').first().prefix} AB"
        )
        for path, days_ago, events, story, urgent, next_step, score in REQUESTS:
            submitted = now - timedelta(days=days_ago, hours=3)
            final = path[-1]
            help_request = HelpRequest.objects.create(
                reference=ReferenceCounter.next_reference(
                    timezone.localdate(submitted).year
                ),
                resident=resident,
                municipality=municipality,
                neighbourhood=neighbourhood,
                status=final,
                life_events=events,
                story=story,
                adults=1,
                children_ages=[14] if "parenting" in events else [],
                own_strength="Ik kan zelf koken en boodschappen doen.",
                network_help="Mijn zus woont in de buurt.",
                urgent_situations=urgent,
                is_urgent=bool(urgent),
                postcode=postcode,
                house_number="12",
                contact_methods=["phone", "email"],
                phone="0612345678",
                privacy_accepted_at=submitted,
                submitted_at=submitted,
                contact_person=caseworker if len(path) > 2 else None,
                team=caseworker.team if len(path) > 2 else None,
                next_step=next_step,
                next_step_date=(timezone.localdate() + timedelta(days=5))
                if next_step
                else None,
                closed_at=now - timedelta(days=5)
                if final in (Status.CLOSED, Status.WITHDRAWN)
                else None,
                satisfaction_score=score,
            )
            help_request.refresh_search_document()
            Consent.objects.create(
                help_request=help_request,
                purpose=ConsentPurpose.REFERRAL,
                recipient=ConsentRecipient.COMMUNITY_CENTRES,
                method=ConsentMethod.ONLINE,
                given_at=submitted,
                expires_at=submitted + timedelta(days=settings.CONSENT_VALID_DAYS),
                recorded_by=resident,
            )
            previous = ""
            for index, status in enumerate(path):
                StatusChange.objects.create(
                    help_request=help_request,
                    from_status=previous,
                    to_status=status,
                    by=resident
                    if status in (Status.RECEIVED, Status.WITHDRAWN)
                    else caseworker,
                    at=submitted + timedelta(days=index * 2),
                )
                previous = status
            if len(path) > 1 and final != Status.WITHDRAWN:
                FileAccess.objects.create(
                    help_request=help_request,
                    user=caseworker,
                    role=caseworker.role,
                    purpose=AccessPurpose.HANDLE,
                    at=submitted + timedelta(days=1),
                )
            if len(path) > 2 and final != Status.WITHDRAWN:
                Message.objects.create(
                    help_request=help_request,
                    author=caseworker,
                    body="Dank voor uw bericht. Ik kom graag bij u langs om kennis te maken.",
                    created_at=submitted + timedelta(days=2),
                )
                Message.objects.create(
                    help_request=help_request,
                    author=resident,
                    body="Dat is goed. Dinsdagmiddag kan ik.",
                    created_at=submitted + timedelta(days=2, hours=4),
                )
                Message.objects.create(
                    help_request=help_request,
                    author=caseworker,
                    body="Intern: mantelzorgondersteuning en buurthuis bespreken.",
                    for_resident=False,
                    created_at=submitted + timedelta(days=2, hours=5),
                )
        HelpRequestDraft.objects.create(
            owner=resident,
            answers={
                "for-whom": {"for_whom": "myself"},
                "situation": {
                    "life_events": ["housing"],
                    "story": "Mijn huis is te klein geworden.",
                },
            },
        )

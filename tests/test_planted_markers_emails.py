"""E-mail texts carry nothing of another municipality or another resident: every
e-mail the portal sends is triggered for Den Helder recipients, in the same run as the
same e-mails for Lelystad, while the markers of `tests/test_planted_markers.py` are
planted; each is rendered through Django's mail backend (locmem outbox) and its
subject, text and HTML are read.

- Den Helder recipients never read "Lelystad", a Lelystad marker or a Lelystad
  request's reference; residents never read another resident's marker, name or
  reference.
- Partners and volunteers read no special-category details (README, *Neighbourhood
  network*: a volunteer sees only the first name, the neighbourhood and the task; a
  partner sees the question, a first name and the neighbourhood in the portal, and
  their reminder e-mail names nobody): no story, surname, phone, reference, life event
  or law.

The direct e-mails are the Celery tasks, run eagerly (`.apply()`); the reminders go
through the real scanner and outbox. A new e-mail template, or a new reminder kind,
fails the coverage checks until it is triggered here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db.models import Q
from django.utils import timezone, translation
from freezegun import freeze_time

from accounts.models import User
from accounts.tasks import send_password_reset_email
from accounts.tests.factories import UserFactory
from casework.models import Deadline, DeadlineKind, Domain, Referral
from citizens import tasks as citizen_tasks
from citizens.models import (
    HelpRequest,
    HelpRequestDraft,
    LifeEvent,
    Message,
    Relationship,
    Status,
)
from citizens.reminders import add_months
from citizens.services import CONFIRMATION_SALT
from citizens.tests.factories import HelpRequestFactory, complete_answers
from dashboards.models import Report, Section
from dashboards.tasks import email_monthly_report
from networks.models import Match, MatchStatus, Need
from networks.tests.factories import OrganisationFactory, VolunteerFactory
from notifications.models import Delivery, DeliveryState
from notifications.outbox import send_outbox
from notifications.registry import REGISTRY, TransactionalKind
from notifications.scanner import scan
from pilots.models import Phase
from pilots.models.participation import Instrument, Measurement, MeasurementMoment
from pilots.tests.factories import ParticipantFactory, PilotFactory
from tests.fixtures.personas import Place
from tests.test_planted_markers import (
    MUNICIPALITY_MARKER,
    RESIDENT_MARKER,
    plant_markers,
)

AMS = ZoneInfo("Europe/Amsterdam")
# Wednesday 25 November 2026, 12:00: a working day after the morning's reminders.
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=AMS)
OWN_ORGANISATION = "ZQXOWNORGANISATION"
OWN_PILOT = "ZQXOWNPILOT"
FIRST_NAME = "ZQXFIRSTNAME"
SURNAME = "ZQXSURNAME"
STORY = "ZQXSPECIALSTORY"
PHONE = "0623456789"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"


@pytest.fixture
def outbox(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def text_of(message: mail.EmailMessage) -> str:
    alternatives = [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join([message.subject, message.body, *map(str, alternatives)])


class Recipients:
    """Who is who among the addresses, and what each may never read."""

    def __init__(self, everyone: dict[str, User], lelystad: Place) -> None:
        self.everyone = everyone
        self.lelystad = lelystad
        self.residents: set[str] = {everyone["resident"].email}

    def forbidden(self, address: str) -> list[str]:
        lelystad = HelpRequest.objects.filter(municipality=self.lelystad.municipality)
        words = [MUNICIPALITY_MARKER.split()[0], "Lelystad"]
        words += list(lelystad.values_list("reference", flat=True))
        if address in self.residents:
            other = self.everyone["other_resident"]
            words += [RESIDENT_MARKER.split()[0], other.full_name]
            words += list(
                HelpRequest.objects.filter(resident=other).values_list(
                    "reference", flat=True
                )
            )
        return words

    def is_lelystad(self, address: str) -> bool:
        """An account of Lelystad (by municipality, team or organisation), or an
        address without account that the test gave to Lelystad."""
        municipality = self.lelystad.municipality
        return address.startswith(f"{municipality.slug}-") or (
            User.objects.filter(email=address)
            .filter(
                Q(municipality=municipality)
                | Q(team__district__municipality=municipality)
                | Q(organisation__municipality=municipality)
            )
            .exists()
        )


def leaks(outbox: list, recipients: Recipients) -> list[str]:
    found = []
    for message in outbox:
        [address] = message.to
        if recipients.is_lelystad(address):
            continue
        text = text_of(message)
        found += [
            f"{address} «{message.subject}»: {word}"
            for word in recipients.forbidden(address)
            if word in text
        ]
    return found


def to(outbox: list, user: User) -> str:
    return "\n".join(text_of(m) for m in outbox if m.to == [user.email])


def test_every_direct_email_holds_nothing_of_others(
    everyone: dict[str, User], den_helder: Place, lelystad: Place, outbox: list
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    recipients = Recipients(everyone, lelystad)
    resident, caseworker = everyone["resident"], everyone["caseworker"]
    sent_templates: set[str] = set()

    for place, person, helper in (
        (den_helder, resident, caseworker),
        (lelystad, everyone["lelystad_resident"], everyone["lelystad_caseworker"]),
    ):
        request = HelpRequestFactory(
            resident=person,
            neighbourhood=place.neighbourhood,
            team=place.team,
            contact_person=helper,
            status=Status.IN_REVIEW,
        )
        citizen_tasks.send_help_request_confirmation.apply(args=[request.pk])
        to_resident = Message.objects.create(
            help_request=request, author=helper, body="Bericht", for_resident=True
        )
        citizen_tasks.notify_resident_of_message.apply(args=[to_resident.pk])
        from_resident = Message.objects.create(
            help_request=request, author=person, body="Antwoord", for_resident=True
        )
        citizen_tasks.notify_contact_person_of_message.apply(args=[from_resident.pk])
        address = f"{place.municipality.slug}-opa@example.test"
        invited = HelpRequestFactory(
            resident=None,
            filed_by=person,
            relationship=Relationship.FAMILY,
            subject_name="Opa",
            subject_email=address,
            neighbourhood=place.neighbourhood,
            team=place.team,
        )
        citizen_tasks.send_follow_invitation.apply(args=[invited.pk])
        draft_address = f"{place.municipality.slug}-nieuw@example.test"
        draft = HelpRequestDraft.objects.create(
            answers=complete_answers(), email=draft_address
        )
        token = signing.dumps(
            {"draft": str(draft.public_id), "email": draft_address},
            salt=CONFIRMATION_SALT,
        )
        citizen_tasks.send_draft_confirmation.apply(args=[draft.pk, token, "nl"])
        if place is den_helder:
            recipients.residents |= {address, draft_address}
            own_references = [request.reference, invited.reference]
    sent_templates |= {
        "help_request_received",
        "help_request_new_message",
        "help_request_resident_message",
        "help_request_follow_invitation",
        "help_request_confirm_email",
    }
    for role in (
        "resident",
        "caseworker",
        "team_lead",
        "partner",
        "pilot_owner",
        "alderman",
        "functional_admin",
        "lelystad_caseworker",
    ):
        send_password_reset_email.apply(args=[everyone[role].pk])
    sent_templates.add("password_reset")
    month = timezone.localdate().replace(day=1)
    for alderman in (everyone["alderman"], everyone["lelystad_alderman"]):
        report = Report.objects.create(
            owner=alderman,
            municipality=alderman.municipality,
            start=month,
            end=month,
            sections=list(Section.values),
            monthly_for=month,
        )
        email_monthly_report.apply(args=[report.pk])
    sent_templates.add("dashboard_monthly_report")

    assert leaks(outbox, recipients) == []
    # Every template of templates/emails is triggered (here or, for reminders, below).
    every = {
        p.name.removesuffix("_subject.txt") for p in TEMPLATES.glob("*_subject.txt")
    }
    assert every == sent_templates | {"notification"}
    # The check reads the real texts: each own e-mail names what it is about.
    assert all(
        reference in "\n".join(map(text_of, outbox)) for reference in own_references
    )
    assert "Den Helder" in to(outbox, everyone["alderman"])
    assert len(outbox) == 2 * 5 + 8 + 2


def _reminders_for(
    place: Place, *, people: dict[str, User], names: dict[str, str]
) -> dict:  # type: ignore[type-arg]
    """The objects that make every reminder kind due at NOW, in `place`."""
    resident, caseworker = people["resident"], people["caseworker"]
    if "team_lead" not in people:
        UserFactory(team_lead=True, team=place.team)
    request = HelpRequestFactory(
        in_progress=True,
        resident=resident,
        neighbourhood=place.neighbourhood,
        team=place.team,
        contact_person=caseworker,
    )
    for kind, due in (
        (DeadlineKind.WMO_INVESTIGATION, dt.date(2026, 11, 30)),  # soon
        (DeadlineKind.PARTICIPATION_DECISION, dt.date(2026, 11, 25)),  # today
        (DeadlineKind.YOUTH_DECISION, dt.date(2026, 11, 24)),  # passed
    ):
        Deadline.objects.create(
            help_request=request, kind=kind, start=due - dt.timedelta(weeks=6), due=due
        )
    # The neighbour whom the network helps: a volunteer and a partner hear of her.
    neighbour = UserFactory(
        municipality=place.municipality,
        full_name=f"{names['first']} {names['surname']}",
    )
    helped = HelpRequestFactory(
        in_progress=True,
        resident=neighbour,
        neighbourhood=place.neighbourhood,
        team=place.team,
        contact_person=caseworker,
        story=f"{names['story']} verhaal",
        own_strength=f"{names['story']} kracht",
        phone=PHONE,
        life_events=[LifeEvent.MONEY_WORRIES, LifeEvent.DIVORCE, LifeEvent.ILLNESS],
        share_with_volunteers=True,
        share_with_community_centre=True,
    )
    organisation = people["organisation"]
    for created in (
        dt.datetime(2026, 11, 18, 10, tzinfo=AMS),
        dt.datetime(2026, 11, 11, 10, tzinfo=AMS),
    ):
        Referral.objects.create(
            help_request=helped,
            organisation=organisation,
            question="Kan iemand helpen met de administratie?",
            created_by=caseworker,
            created_at=created,
        )
    volunteer = VolunteerFactory(user=resident, neighbourhood=place.neighbourhood)
    Match.objects.create(
        help_request=helped,
        volunteer=volunteer,
        task="Samen boodschappen doen",
        need=Need.SHOPPING,
        first_name=names["first"],
        status=MatchStatus.ACCEPTED,
        appointment_at=dt.datetime(2026, 11, 26, 14, tzinfo=AMS),
    )
    closed = HelpRequestFactory(
        closed=True,
        resident=resident,
        neighbourhood=place.neighbourhood,
        team=place.team,
    )
    HelpRequest.objects.filter(pk=closed.pk).update(
        closed_at=add_months(NOW, -3) - dt.timedelta(hours=1)
    )
    draft = HelpRequestDraft.objects.create(
        owner=resident, answers=complete_answers(), remind_me=True
    )
    HelpRequestDraft.objects.filter(pk=draft.pk).update(
        updated_at=NOW - dt.timedelta(days=3, hours=1)
    )
    pilot = PilotFactory(
        municipality=place.municipality,
        owner=people["pilot_owner"],
        title=f"{names['pilot']} Buurtpilot",
        phase=Phase.RUNNING,
    )
    Measurement.objects.create(
        participant=ParticipantFactory(pilot=pilot, name="Deelnemer"),
        instrument=Instrument.LIFE_SATISFACTION,
        moment=MeasurementMoment.FOLLOW_UP,
        due_on=NOW.date(),
    )
    return {"request": request, "helped": helped}


def test_every_reminder_email_holds_nothing_of_others_and_no_special_categories(
    everyone: dict[str, User], den_helder: Place, lelystad: Place, outbox: list
) -> None:
    with freeze_time(NOW):
        plant_markers(everyone, den_helder, lelystad)
        den_helder.organisation.name = f"{OWN_ORGANISATION} Buurthuis"
        den_helder.organisation.save()
        ours = _reminders_for(
            den_helder,
            people={
                **everyone,
                "organisation": den_helder.organisation,
            },
            names={
                "first": FIRST_NAME,
                "surname": SURNAME,
                "story": STORY,
                "pilot": OWN_PILOT,
            },
        )
        theirs_organisation = OrganisationFactory(
            municipality=lelystad.municipality,
            name=f"{MUNICIPALITY_MARKER} Wijkcentrum",
        )
        UserFactory(
            partner=True,
            organisation=theirs_organisation,
            email="lelystad-partner@example.test",
        )
        marker = MUNICIPALITY_MARKER.split()[0]
        _reminders_for(
            lelystad,
            people={
                "resident": everyone["lelystad_resident"],
                "caseworker": everyone["lelystad_caseworker"],
                "pilot_owner": UserFactory(
                    pilot_owner=True,
                    municipality=lelystad.municipality,
                    email="lelystad-pilots@example.test",
                ),
                "organisation": theirs_organisation,
            },
            names={
                "first": marker,
                "surname": marker,
                "story": marker,
                "pilot": marker,
            },
        )
        # The other resident is reminded in the same run too.
        HelpRequest.objects.filter(resident=everyone["other_resident"]).update(
            status=Status.CLOSED,
            closed_at=add_months(NOW, -3) - dt.timedelta(hours=2),
        )

        scan(now=NOW)
        send_outbox(now=NOW)

    recipients = Recipients(everyone, lelystad)
    assert leaks(outbox, recipients) == []

    # Every reminder kind the scanner plans reached a Den Helder recipient (the
    # receipt and follow invitation are written by the submission itself and are
    # read by the test above, which triggers every template).
    den_helder_kinds = set(
        Delivery.objects.filter(
            state=DeliveryState.SENT, municipality=den_helder.municipality
        ).values_list("kind", flat=True)
    )
    assert den_helder_kinds == {
        key for key, kind in REGISTRY.items() if not isinstance(kind, TransactionalKind)
    }
    assert Delivery.objects.filter(
        state=DeliveryState.SENT, recipient=everyone["other_resident"]
    ).exists()

    # The check reads the real texts: the own names are where they belong.
    assert OWN_ORGANISATION in to(outbox, everyone["caseworker"])
    assert FIRST_NAME in to(outbox, everyone["resident"])
    assert OWN_PILOT in to(outbox, everyone["pilot_owner"])

    # No special categories for the partner or the volunteer.
    helped = ours["helped"]
    labels = []
    for language in ("nl", "en"):
        with translation.override(language):
            labels += [str(LifeEvent(e).label) for e in helped.life_events]
            labels += [str(label) for _value, label in Domain.choices]
            labels += [str(label) for _value, label in DeadlineKind.choices]
    partner_text = to(outbox, everyone["partner"])
    assert partner_text, "the partner got no reminder"
    shown_to_partner = [
        word
        for word in [FIRST_NAME, SURNAME, STORY, PHONE, helped.reference, *labels]
        if word in partner_text
    ]
    assert shown_to_partner == []
    volunteer_mail = [
        text_of(m)
        for m in outbox
        if m.to == [everyone["resident"].email] and FIRST_NAME in text_of(m)
    ]
    assert len(volunteer_mail) == 1
    shown_to_volunteer = [
        word
        for word in [SURNAME, STORY, PHONE, helped.reference, *labels]
        if word in volunteer_mail[0]
    ]
    assert shown_to_volunteer == []


def test_the_email_sweep_finds_a_reference_of_another_municipality(
    everyone: dict[str, User], den_helder: Place, lelystad: Place, outbox: list
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    # A Lelystad request wrongly filed by a Den Helder resident: its confirmation
    # goes to her and names a Lelystad reference.
    misfiled = HelpRequestFactory(
        resident=None,
        filed_by=everyone["resident"],
        relationship=Relationship.NEIGHBOUR,
        subject_name="Buurman",
        neighbourhood=lelystad.neighbourhood,
        team=lelystad.team,
    )
    citizen_tasks.send_help_request_confirmation.apply(args=[misfiled.pk])

    found = leaks(outbox, Recipients(everyone, lelystad))

    assert found and misfiled.reference in found[0]

"""Notices of new messages are outbox rows written in the message's own
transaction: they exist exactly when the message does, need no broker, go out once,
and only to someone who is still on the request."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.models import HelpRequest, Relationship
from citizens.services import message_post
from citizens.tests.factories import HelpRequestFactory
from notifications import outbox
from notifications.models import OutboxEmail
from tests.fixtures.personas import Place

pytestmark = pytest.mark.django_db

FOR_RESIDENT = "citizens.message_for_resident"
FOR_CONTACT = "citizens.message_for_contact_person"


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        in_review=True,
    )


def rows() -> list[tuple[str, int | None]]:
    return sorted(
        OutboxEmail.objects.values_list("delivery__kind", "delivery__recipient_id")
    )


def test_a_caseworkers_message_tells_the_resident_once(
    help_request: HelpRequest, resident: User, caseworker: User, locmem: list
) -> None:
    message_post(help_request=help_request, author=caseworker, body="Kunt u bellen?")

    assert rows() == [(FOR_RESIDENT, resident.pk)]
    assert outbox.send_outbox().sent == 1
    assert outbox.send_outbox().sent == 0
    [sent] = locmem
    assert sent.to == [resident.email]
    assert help_request.reference in sent.body
    assert "Kunt u bellen?" not in sent.body, "the text stays in the portal"


def test_the_person_who_filed_the_request_is_told_as_well(
    den_helder: Place, resident: User, caseworker: User, locmem: list
) -> None:
    family = UserFactory(email="zoon@example.test")
    filed = HelpRequestFactory(
        resident=resident,
        filed_by=family,
        relationship=Relationship.FAMILY,
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
    )
    message_post(help_request=filed, author=caseworker, body="Afspraak dinsdag")

    assert rows() == sorted([(FOR_RESIDENT, resident.pk), (FOR_RESIDENT, family.pk)])
    outbox.send_outbox()
    assert sorted(email.to[0] for email in locmem) == sorted(
        [resident.email, family.email]
    )


def test_the_residents_message_tells_the_contact_person(
    help_request: HelpRequest, resident: User, caseworker: User, locmem: list
) -> None:
    message_post(help_request=help_request, author=resident, body="Dank u")

    assert rows() == [(FOR_CONTACT, caseworker.pk)]
    outbox.send_outbox()
    [sent] = locmem
    assert sent.to == [caseworker.email]


def test_internal_notes_and_requests_without_a_contact_person_tell_nobody(
    den_helder: Place, help_request: HelpRequest, resident: User, caseworker: User
) -> None:
    message_post(
        help_request=help_request, author=caseworker, body="Intern", for_resident=False
    )
    unassigned = HelpRequestFactory(
        resident=resident, neighbourhood=den_helder.neighbourhood
    )
    message_post(help_request=unassigned, author=resident, body="Hallo?")

    assert rows() == []


def test_no_notice_without_its_message(
    help_request: HelpRequest, caseworker: User
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        message_post(help_request=help_request, author=caseworker, body="Weg")
        raise RuntimeError("the transaction rolls back")

    assert rows() == []


def test_a_contact_person_who_handed_the_request_on_is_not_told(
    help_request: HelpRequest, resident: User, caseworker: User, locmem: list
) -> None:
    message_post(help_request=help_request, author=resident, body="Nog een vraag")
    help_request.contact_person = UserFactory(
        caseworker=True, team=help_request.team, municipality=help_request.municipality
    )
    help_request.save()

    outbox.send_outbox()

    assert locmem == []


def test_an_inactive_resident_is_not_told(
    help_request: HelpRequest, resident: User, caseworker: User, locmem: list
) -> None:
    message_post(help_request=help_request, author=caseworker, body="Bericht")
    resident.is_active = False
    resident.save()

    outbox.send_outbox()

    assert locmem == []

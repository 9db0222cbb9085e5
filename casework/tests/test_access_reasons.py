"""Opening a request outside one's own caseload asks for a reason first; the reason
is logged with the look, remembered for 30 minutes, and residents see the purpose.

Own caseload: requests the user is contact person of, the team's unassigned requests
(the shared intake) and, for a team lead, every request of their team."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from accounts.models import User
from accounts.tests.factories import UserFactory
from citizens.models import AccessPurpose, FileAccess, HelpRequest, Message
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place

STORY = "ZZ-STORY-MARKER de huur is al drie maanden niet betaald"
REASON = "De contactpersoon is ziek en mevrouw belde over de huurachterstand."


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(help_request: HelpRequest) -> str:
    return f"/casework/requests/{help_request.reference}/"


def _request_of(place: Place, resident: User, contact: User | None) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=place.municipality,
        neighbourhood=place.neighbourhood,
        team=contact.team if contact else None,
        contact_person=contact,
        story=STORY,
    )


@pytest.fixture
def colleague(den_helder: Place) -> User:
    return UserFactory(
        caseworker=True,
        team=den_helder.team,
        full_name="Lotte de Wit",
        email="lotte@example.test",
    )


@pytest.fixture
def colleagues_request(
    den_helder: Place, resident: User, colleague: User
) -> HelpRequest:
    return _request_of(den_helder, resident, colleague)


def _give_reason(client: Client, help_request: HelpRequest, reason: str = REASON):  # type: ignore[no-untyped-def]
    return client.post(_url(help_request), {"access_reason": reason})


@pytest.mark.parametrize("contact", ["caseworker", None])
def test_own_request_and_the_teams_unassigned_intake_open_without_a_reason(
    contact: str | None, caseworker: User, den_helder: Place, resident: User
) -> None:
    help_request = _request_of(den_helder, resident, caseworker if contact else None)

    response = _client(caseworker).get(_url(help_request))

    assert response.status_code == 200
    assert STORY in response.content.decode()
    [look] = FileAccess.objects.all()
    assert (look.user, look.purpose, look.reason) == (
        caseworker,
        AccessPurpose.HANDLE,
        "",
    )


def test_team_lead_opens_a_request_of_their_team_without_a_reason(
    team_lead: User, colleagues_request: HelpRequest
) -> None:
    response = _client(team_lead).get(_url(colleagues_request))

    assert response.status_code == 200
    assert STORY in response.content.decode()
    [look] = FileAccess.objects.all()
    assert look.purpose == AccessPurpose.TEAM_OVERVIEW


def test_colleagues_request_asks_why_first_and_shows_and_logs_nothing(
    caseworker: User, colleagues_request: HelpRequest, resident: User
) -> None:
    response = _client(caseworker).get(_url(colleagues_request))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="access_reason"' in content
    assert colleagues_request.reference in content
    assert STORY not in content
    assert resident.full_name not in content
    assert resident.email not in content
    assert not FileAccess.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_blank_or_too_long_reason_is_refused_at_the_field_with_400(
    reason: str, caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)

    response = _give_reason(client, colleagues_request, reason)

    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_access_reason_error"' in content
    assert STORY not in content
    assert not FileAccess.objects.exists()
    assert (
        'name="access_reason"' in client.get(_url(colleagues_request)).content.decode()
    )


def test_a_valid_reason_shows_the_request_and_logs_one_look_with_the_reason(
    caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)

    response = _give_reason(client, colleagues_request, f"  {REASON}  ")

    assert response.status_code == 302
    assert response["Location"] == _url(colleagues_request)
    assert not FileAccess.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert STORY in page.content.decode()
    [look] = FileAccess.objects.all()
    assert (
        look.help_request,
        look.user,
        look.role,
        look.purpose,
        look.reason,
    ) == (
        colleagues_request,
        caseworker,
        "caseworker",
        AccessPurpose.OUTSIDE_CASELOAD,
        REASON,
    )


def test_a_300_character_reason_is_accepted(
    caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)

    _give_reason(client, colleagues_request, "x" * 300)
    client.get(_url(colleagues_request))

    assert FileAccess.objects.get().reason == "x" * 300


def test_the_reason_is_remembered_for_reloads_and_the_forms_on_the_page(
    caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)
    _give_reason(client, colleagues_request)
    client.get(_url(colleagues_request))

    reload = client.get(_url(colleagues_request))
    message = client.post(
        _url(colleagues_request), {"send_message": "1", "body": "Ik bel u morgen."}
    )

    assert STORY in reload.content.decode()
    assert 'name="access_reason"' not in reload.content.decode()
    assert message.status_code == 302
    assert Message.objects.get().body == "Ik bel u morgen."
    looks = FileAccess.objects.filter(help_request=colleagues_request)
    assert looks.count() == 3
    assert set(looks.values_list("purpose", "reason")) == {
        (AccessPurpose.OUTSIDE_CASELOAD, REASON)
    }


def test_the_reason_is_asked_again_after_30_minutes(
    caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)
    start = timezone.now()
    with freeze_time(start):
        _give_reason(client, colleagues_request)
    with freeze_time(start + timedelta(minutes=29)):
        assert STORY in client.get(_url(colleagues_request)).content.decode()

    with freeze_time(start + timedelta(minutes=31)):
        again = client.get(_url(colleagues_request)).content.decode()

    assert 'name="access_reason"' in again
    assert STORY not in again
    assert FileAccess.objects.count() == 1


def test_a_reason_for_one_request_does_not_open_another(
    caseworker: User,
    colleague: User,
    colleagues_request: HelpRequest,
    den_helder: Place,
    resident: User,
) -> None:
    second = _request_of(den_helder, resident, colleague)
    client = _client(caseworker)
    _give_reason(client, colleagues_request)

    content = client.get(_url(second)).content.decode()

    assert 'name="access_reason"' in content
    assert not FileAccess.objects.filter(help_request=second).exists()


def test_forms_of_a_colleagues_request_are_refused_without_a_reason(
    caseworker: User, colleagues_request: HelpRequest
) -> None:
    client = _client(caseworker)

    message = client.post(
        _url(colleagues_request), {"send_message": "1", "body": "Zonder reden"}
    )
    contact = client.post(
        _url(colleagues_request) + "contacts/",
        {"kind": "phone", "happened_on": "2026-01-05", "summary": "Gebeld"},
    )

    assert (message.status_code, contact.status_code) == (403, 403)
    with translation.override("nl"):
        explanation = gettext(
            "This request is not in your own caseload. Open it first and say "
            "why you need it."
        )
    assert explanation in message.content.decode()
    assert STORY not in message.content.decode()
    assert not Message.objects.exists()
    assert not FileAccess.objects.exists()


@pytest.mark.parametrize("persona", ["lelystad_caseworker", "other_team_caseworker"])
def test_outside_the_scope_a_reason_does_not_help_404(
    persona: str, everyone: dict[str, User], colleagues_request: HelpRequest
) -> None:
    client = _client(everyone[persona])

    asked = client.get(_url(colleagues_request))
    given = _give_reason(client, colleagues_request)
    after = client.get(_url(colleagues_request))

    assert (asked.status_code, given.status_code, after.status_code) == (404,) * 3
    assert not FileAccess.objects.exists()


def test_resident_sees_date_role_and_a_readable_purpose_but_not_name_or_reason(
    caseworker: User, colleagues_request: HelpRequest, resident: User
) -> None:
    staff = _client(caseworker)
    _give_reason(staff, colleagues_request)
    staff.get(_url(colleagues_request))
    look = FileAccess.objects.get()

    page = _client(resident).get("/my-data/")

    accesses = page.content.decode().split('data-testid="accesses"')[1]
    with translation.override("nl"):
        label = str(AccessPurpose.OUTSIDE_CASELOAD.label)
        assert [
            {key: str(value) for key, value in row.items()}
            for row in page.context["accesses"]
        ] == [
            {
                "at": str(look.at),
                "reference": colleagues_request.reference,
                "role": "Consulent",
                "purpose": label,
            }
        ]
    assert label != AccessPurpose.OUTSIDE_CASELOAD.value
    assert label in accesses and "Consulent" in accesses
    assert "outside_caseload" not in accesses
    assert REASON not in page.content.decode()
    assert caseworker.full_name not in accesses

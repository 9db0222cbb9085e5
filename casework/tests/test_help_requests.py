"""Caseworkers see and handle the help requests of their own team, nothing else."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from citizens.models import ConsentRecipient, FileAccess, HelpRequest, Message, Status
from citizens.tests.factories import ConsentFactory
from tests.fixtures.personas import Place


def _request(place: Place, resident: User, *, reference: str, team=None) -> HelpRequest:  # type: ignore[no-untyped-def]
    return HelpRequest.objects.create(
        reference=reference,
        resident=resident,
        municipality=place.municipality,
        neighbourhood=place.neighbourhood,
        team=team,
        life_events=["housing"],
        story="Mijn verhaal",
        own_strength="Koken",
        postcode="1781 AB",
        house_number="1",
        contact_methods=["email"],
        privacy_accepted_at=timezone.now(),
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def help_request(den_helder: Place, resident: User) -> HelpRequest:
    return _request(den_helder, resident, reference="HV-2026-000101")


def test_caseworker_sees_requests_of_the_teams_district_and_opens_one(
    caseworker: User, help_request: HelpRequest
) -> None:
    client = _client(caseworker)

    assert help_request.reference in client.get("/casework/").content.decode()
    response = client.get(f"/casework/requests/{help_request.reference}/")

    assert response.status_code == 200
    assert "Mijn verhaal" in response.content.decode()


def test_the_team_home_lists_the_open_requests_urgent_first_then_newest(
    caseworker: User, den_helder: Place, resident: User
) -> None:
    now = timezone.now()
    made = {}
    for number, (status, urgent, days_ago) in enumerate(
        [
            (Status.RECEIVED, False, 1),
            (Status.IN_PROGRESS, False, 5),
            (Status.APPOINTMENT_PLANNED, True, 9),
            (Status.CLOSED, True, 0),
            (Status.WITHDRAWN, False, 0),
        ],
        start=201,
    ):
        request = _request(den_helder, resident, reference=f"HV-2026-000{number}")
        HelpRequest.objects.filter(pk=request.pk).update(
            status=status,
            is_urgent=urgent,
            submitted_at=now - dt.timedelta(days=days_ago),
        )
        made[status] = request.reference

    page = _client(caseworker).get("/casework/").content.decode()

    assert [reference for reference in made.values() if reference in page] == [
        made[Status.RECEIVED],
        made[Status.IN_PROGRESS],
        made[Status.APPOINTMENT_PLANNED],
    ]
    # Urgent first, then the newest.
    assert (
        page.index(made[Status.APPOINTMENT_PLANNED])
        < page.index(made[Status.RECEIVED])
        < page.index(made[Status.IN_PROGRESS])
    )
    assert "Openstaande hulpvragen van het team" in page
    assert 'href="/casework/queue/"' in page


def test_every_look_at_a_request_is_logged_with_role_and_purpose(
    caseworker: User, team_lead: User, help_request: HelpRequest
) -> None:
    _client(caseworker).get(f"/casework/requests/{help_request.reference}/")
    _client(team_lead).get(f"/casework/requests/{help_request.reference}/")

    looks = list(FileAccess.objects.filter(help_request=help_request).order_by("at"))
    assert [(look.user, look.role, look.purpose) for look in looks] == [
        (caseworker, "caseworker", "handle"),
        (team_lead, "team_lead", "team_overview"),
    ]


@pytest.mark.parametrize("persona", ["other_team_caseworker", "lelystad_caseworker"])
def test_caseworkers_outside_the_team_or_municipality_get_404_and_leave_no_log(
    persona: str, everyone: dict[str, User], help_request: HelpRequest
) -> None:
    client = _client(everyone[persona])

    assert help_request.reference not in client.get("/casework/").content.decode()
    response = client.get(f"/casework/requests/{help_request.reference}/")

    assert response.status_code == 404
    assert not FileAccess.objects.exists()


@pytest.mark.parametrize(
    "persona", ["resident", "partner", "pilot_owner", "alderman", "functional_admin"]
)
def test_other_roles_cannot_open_casework_requests(
    persona: str, everyone: dict[str, User], help_request: HelpRequest
) -> None:
    response = _client(everyone[persona]).get(
        f"/casework/requests/{help_request.reference}/"
    )

    assert response.status_code == 403


def test_request_assigned_to_another_team_leaves_the_district_team(
    caseworker: User, other_team_caseworker: User, den_helder: Place, resident: User
) -> None:
    moved = _request(
        den_helder, resident, reference="HV-2026-000102", team=den_helder.other_team
    )

    assert (
        _client(caseworker).get(f"/casework/requests/{moved.reference}/").status_code
        == 404
    )
    assert (
        _client(other_team_caseworker)
        .get(f"/casework/requests/{moved.reference}/")
        .status_code
        == 200
    )


def test_progress_sets_status_history_contact_person_and_next_step(
    caseworker: User, help_request: HelpRequest
) -> None:
    response = _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/",
        {
            "save_progress": "1",
            "stage": "intake_planned",
            "next_step": "Keukentafelgesprek",
            "next_step_date": "2026-12-01",
        },
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == Status.APPOINTMENT_PLANNED
    assert help_request.contact_person == caseworker
    assert help_request.team == caseworker.team
    assert help_request.next_step == "Keukentafelgesprek"
    change = help_request.status_changes.get()
    assert (change.from_status, change.to_status, change.by) == (
        Status.RECEIVED,
        Status.APPOINTMENT_PLANNED,
        caseworker,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"save_progress": "1", "stage": "nonsense"},
        {
            "save_progress": "1",
            "stage": "new",
            "next_step_date": "31-31-2026",
        },
        {"save_progress": "1", "stage": "new", "next_step": "x" * 301},
        {"send_message": "1", "body": ""},
        {"send_message": "1", "body": "x" * 3001},
    ],
)
def test_bad_input_is_refused_at_the_field_with_400(
    data: dict[str, str], caseworker: User, help_request: HelpRequest
) -> None:
    response = _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/", data
    )

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == Status.RECEIVED
    assert not Message.objects.exists()


def test_internal_note_is_not_shown_to_the_resident(
    caseworker: User, resident: User, help_request: HelpRequest
) -> None:
    _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/",
        {"send_message": "1", "body": "Interne notitie XYZ"},
    )
    _client(caseworker).post(
        f"/casework/requests/{help_request.reference}/",
        {"send_message": "1", "body": "Voor u, Sanne", "for_resident": "on"},
    )

    page = (
        _client(resident)
        .get(f"/my-requests/{help_request.reference}/")
        .content.decode()
    )
    assert "Voor u, Sanne" in page
    assert "Interne notitie XYZ" not in page


def test_casework_pages_run_a_fixed_number_of_queries(
    caseworker: User,
    den_helder: Place,
    resident: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for number in range(30):
        request = _request(
            den_helder, resident, reference=f"HV-2026-{200 + number:06d}"
        )
        Message.objects.create(help_request=request, author=caseworker, body="x")
    client = _client(caseworker)
    client.get("/casework/")

    with django_assert_max_num_queries(10):
        client.get("/casework/")
    for recipient in ConsentRecipient.values[:3]:
        ConsentFactory(help_request=request, recipient=recipient)
    # 16: the stage history, the neighbourhood-network matches, the consents and the
    # organisations to record one for are on the page (one query each, whatever
    # their length); the triage comes with the request.
    with django_assert_max_num_queries(16):
        client.get(f"/casework/requests/{request.reference}/")

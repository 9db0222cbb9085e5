"""Mijn hulpvragen: a resident follows their own requests (and only those), talks to
their contact person, and can withdraw a request that is still open."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from accounts.models import User
from citizens.models import (
    ALLOWED_TRANSITIONS,
    HelpRequest,
    InvalidTransition,
    Message,
    Status,
    StatusChange,
)
from citizens.services import message_post
from citizens.tests.factories import PATHS, HelpRequestFactory, MessageFactory
from citizens.tests.helpers import (
    ConcurrentPosts,
    email_parts,
    wait_until_blocked_on_locks,
)
from tests.fixtures.personas import Place, client_for
from tests.fixtures.worker import Worker

LIST = reverse("citizens:request_list")


def _detail(help_request: HelpRequest) -> str:
    return reverse("citizens:request_detail", args=[help_request.reference])


def _withdraw(help_request: HelpRequest) -> str:
    return reverse("citizens:request_withdraw", args=[help_request.reference])


def _request_of(resident: User, place: Place, **traits: object) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident, neighbourhood=place.neighbourhood, **traits
    )


def test_a_resident_sees_their_own_requests_and_not_another_residents(
    resident: User, other_resident: User, den_helder: Place
) -> None:
    own = [_request_of(resident, den_helder), _request_of(resident, den_helder)]
    filed_for_someone = HelpRequestFactory(
        resident=None,
        filed_by=resident,
        relationship="neighbour",
        subject_name="Truus Bakker",
        neighbourhood=den_helder.neighbourhood,
    )
    theirs = _request_of(other_resident, den_helder)

    response = client_for(resident).get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["requests"]) == sorted(
        [*own, filed_for_someone], key=lambda r: r.submitted_at, reverse=True
    )
    for help_request in [*own, filed_for_someone]:
        assert help_request.reference in page
    assert theirs.reference not in page
    assert "Truus Bakker" in page


def test_opening_another_residents_request_gives_404(
    resident: User, other_resident: User, den_helder: Place
) -> None:
    theirs = _request_of(other_resident, den_helder)
    client = client_for(resident)

    assert client.get(_detail(theirs)).status_code == 404
    assert client.post(_detail(theirs), {"body": "Hallo"}).status_code == 404
    assert client.get(_withdraw(theirs)).status_code == 404
    assert client.post(_withdraw(theirs)).status_code == 404
    assert not Message.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == Status.RECEIVED


def test_a_guessed_reference_gives_404(
    resident: User, other_resident: User, den_helder: Place
) -> None:
    own = _request_of(resident, den_helder)
    theirs = _request_of(other_resident, den_helder)
    year, number = own.reference.rsplit("-", 2)[1:]
    guesses = [
        theirs.reference,
        f"HV-{year}-{int(number) + 2:06d}",
        f"HV-{int(year) - 1}-{int(number):06d}",
        own.reference.lower(),
        "HV-%",
        "../admin",
    ]
    client = client_for(resident)

    for guess in guesses:
        assert client.get(f"/my-requests/{guess}/").status_code == 404, guess


def test_the_detail_shows_the_timeline_contact_person_and_next_step(
    resident: User, caseworker: User, den_helder: Place
) -> None:
    next_date = dt.date(2026, 12, 3)
    help_request = _request_of(
        resident,
        den_helder,
        appointment_planned=True,
        team=den_helder.team,
        contact_person=caseworker,
        next_step="Huisbezoek om de post samen door te nemen",
        next_step_date=next_date,
    )

    response = client_for(resident).get(_detail(help_request))

    page = response.content.decode()
    assert response.status_code == 200
    timeline = {moment.status: moment for moment in response.context["timeline"]}
    reached = [status for status, moment in timeline.items() if moment.reached_at]
    assert reached == [
        Status.RECEIVED,
        Status.IN_REVIEW,
        Status.APPOINTMENT_PLANNED,
    ]
    assert [s for s, moment in timeline.items() if moment.current] == [
        Status.APPOINTMENT_PLANNED
    ]
    assert list(timeline) == [s for s in PATHS[Status.CLOSED]]
    assert 'aria-current="step"' in page
    assert page.count('class="reached') == 3
    assert "Mohamed El Amrani, Wijkteam Visbuurt" in page
    assert "Huisbezoek om de post samen door te nemen" in page
    with translation.override("nl"):
        assert formats.date_format(next_date, "j F Y") in page


def test_a_withdrawn_request_shows_the_steps_it_reached_then_withdrawn(
    resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, withdrawn=True)

    response = client_for(resident).get(_detail(help_request))

    statuses = [moment.status for moment in response.context["timeline"]]
    assert statuses == [Status.RECEIVED, Status.WITHDRAWN]
    assert _withdraw(help_request) not in response.content.decode()


def test_the_resident_posts_a_message_that_is_stored_and_shown(
    resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, in_review=True)
    client = client_for(resident)

    response = client.post(
        _detail(help_request), {"body": "Kunt u mij <b>na drie uur</b> bellen?"}
    )

    assert response.status_code == 302
    assert response["Location"] == _detail(help_request)
    message = Message.objects.get()
    assert message.help_request == help_request
    assert message.author == resident
    assert message.for_resident is True
    page = client.get(_detail(help_request)).content.decode()
    assert "Kunt u mij &lt;b&gt;na drie uur&lt;/b&gt; bellen?" in page


@pytest.mark.parametrize("body", ["", "   ", "x" * 3001])
def test_an_empty_or_too_long_message_shows_the_error_at_the_field(
    body: str, resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder)

    response = client_for(resident).post(_detail(help_request), {"body": body})

    assert response.status_code == 400
    assert 'id="id_body_error"' in response.content.decode()
    assert not Message.objects.exists()


def test_a_withdrawn_request_takes_no_new_messages(
    resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, withdrawn=True)
    client = client_for(resident)
    assert 'name="body"' not in client.get(_detail(help_request)).content.decode()

    client.post(_detail(help_request), {"body": "Toch nog een vraag"})

    assert not Message.objects.exists()


def test_an_internal_note_is_never_shown_to_the_resident(
    resident: User, caseworker: User, den_helder: Place
) -> None:
    help_request = _request_of(
        resident, den_helder, in_review=True, team=den_helder.team
    )
    message_post(
        help_request=help_request,
        author=caseworker,
        body="INTERN: vermoeden van schulden bij meerdere schuldeisers",
        for_resident=False,
    )
    MessageFactory(
        help_request=help_request, author=caseworker, body="Ik bel u dinsdag."
    )

    response = client_for(resident).get(_detail(help_request))

    page = response.content.decode()
    assert "Ik bel u dinsdag." in page
    assert "INTERN" not in page
    assert all(m.for_resident for m in response.context["conversation"])


@pytest.mark.worker
def test_a_caseworkers_message_mails_the_resident_without_the_text(
    celery_worker: Worker, resident: User, caseworker: User, den_helder: Place
) -> None:
    help_request = _request_of(
        resident, den_helder, in_review=True, team=den_helder.team
    )
    secret = "Uw schuld bij de Belastingdienst is 4.312 euro"

    message_post(help_request=help_request, author=caseworker, body=secret)

    [notification] = celery_worker.wait_for_emails(1)
    assert notification["To"] == resident.email
    content = email_parts(notification)
    assert help_request.reference in content
    assert secret not in content
    assert "4.312" not in content
    # Neither the resident's own messages nor internal notes mail anyone.
    message_post(help_request=help_request, author=resident, body="Dank u")
    message_post(
        help_request=help_request, author=caseworker, body="Intern", for_resident=False
    )
    time.sleep(1.0)
    assert len(celery_worker.sent_emails()) == 1


def test_withdrawing_asks_for_confirmation_first(
    resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder)

    response = client_for(resident).get(_withdraw(help_request))

    assert response.status_code == 200
    assert response.context["help_request"] == help_request
    assert '<form method="post"' in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == Status.RECEIVED


@pytest.mark.parametrize(
    "state", ["received", "in_review", "appointment_planned", "in_progress"]
)
def test_an_open_request_is_withdrawn_with_a_status_change(
    state: str, resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, **{state: True})
    changes_before = StatusChange.objects.count()

    response = client_for(resident).post(_withdraw(help_request))

    assert response.status_code == 302
    assert response["Location"] == _detail(help_request)
    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert help_request.closed_at is not None
    assert StatusChange.objects.count() == changes_before + 1
    change = StatusChange.objects.filter(help_request=help_request).last()
    assert (change.from_status, change.to_status) == (state, Status.WITHDRAWN)
    assert change.by == resident


def test_withdrawing_twice_changes_nothing_the_second_time(
    resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder)
    client = client_for(resident)
    client.post(_withdraw(help_request))
    help_request.refresh_from_db()
    closed_at = help_request.closed_at

    again = client.post(_withdraw(help_request))

    assert again.status_code == 302
    assert again["Location"] == _detail(help_request)
    help_request.refresh_from_db()
    assert help_request.status == Status.WITHDRAWN
    assert help_request.closed_at == closed_at
    assert (
        StatusChange.objects.filter(
            help_request=help_request, to_status=Status.WITHDRAWN
        ).count()
        == 1
    )


def test_two_withdraw_clicks_at_the_same_moment_both_end_on_the_request(
    transactional_db: None, resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder)
    clients = [
        Client(raise_request_exception=False),
        Client(raise_request_exception=False),
    ]
    for client in clients:
        client.force_login(resident)

    with transaction.atomic():
        HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        posts = ConcurrentPosts(clients, _withdraw(help_request))
        wait_until_blocked_on_locks(2)
    responses = posts.results()

    assert StatusChange.objects.filter(to_status=Status.WITHDRAWN).count() == 1
    assert [r.status_code for r in responses] == [302, 302]


@pytest.mark.parametrize("state", ["closed", "withdrawn"])
def test_a_closed_request_cannot_be_withdrawn(
    state: str, resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, **{state: True})
    changes_before = StatusChange.objects.count()
    client = client_for(resident)

    shown = client.get(_withdraw(help_request))
    posted = client.post(_withdraw(help_request))

    assert shown.status_code == 302
    assert posted.status_code == 302
    assert posted["Location"] == _detail(help_request)
    help_request.refresh_from_db()
    assert help_request.status == state
    assert StatusChange.objects.count() == changes_before
    page = client.get(_detail(help_request)).content.decode()
    assert _withdraw(help_request) not in page


NOT_ALLOWED = [
    (start, to)
    for start in Status
    for to in Status
    if to not in ALLOWED_TRANSITIONS[start]
]


@pytest.mark.parametrize(("start", "to"), NOT_ALLOWED)
def test_transition_refuses_what_allowed_transitions_does_not_list(
    start: Status, to: Status, resident: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder, status=start)
    changes_before = StatusChange.objects.count()

    with pytest.raises(InvalidTransition):
        help_request.transition(to, by=resident)

    help_request.refresh_from_db()
    assert help_request.status == start
    assert StatusChange.objects.count() == changes_before


def test_transition_along_allowed_transitions_records_the_change(
    resident: User, caseworker: User, den_helder: Place
) -> None:
    help_request = _request_of(resident, den_helder)

    help_request.transition(Status.IN_REVIEW, by=caseworker, note="Opgepakt")

    help_request.refresh_from_db()
    assert help_request.status == Status.IN_REVIEW
    change = help_request.status_changes.last()
    assert (change.from_status, change.to_status, change.by, change.note) == (
        Status.RECEIVED,
        Status.IN_REVIEW,
        caseworker,
        "Opgepakt",
    )


@pytest.mark.parametrize(
    "persona",
    [
        "caseworker",
        "team_lead",
        "partner",
        "pilot_owner",
        "alderman",
        "functional_admin",
        "lelystad_caseworker",
    ],
)
def test_staff_get_403_on_my_requests(
    persona: str, everyone: dict[str, User], den_helder: Place
) -> None:
    help_request = _request_of(everyone["resident"], den_helder)
    client = client_for(everyone[persona])

    assert client.get(LIST).status_code == 403
    assert client.get(_detail(help_request)).status_code == 403
    assert client.post(_withdraw(help_request)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(den_helder: Place) -> None:
    response = Client().get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.worker
def test_a_residents_message_mails_the_contact_person_without_the_text(
    celery_worker: Worker, resident: User, caseworker: User, den_helder: Place
) -> None:
    help_request = _request_of(
        resident, den_helder, in_review=True, team=den_helder.team
    )
    help_request.contact_person = caseworker
    help_request.save()
    secret = "Mijn huisbaas dreigt met ontruiming"

    message_post(help_request=help_request, author=resident, body=secret)

    [notification] = celery_worker.wait_for_emails(1)
    assert notification["To"] == caseworker.email
    content = email_parts(notification)
    assert help_request.reference in content
    assert f"/casework/requests/{help_request.reference}/" in content
    assert secret not in content

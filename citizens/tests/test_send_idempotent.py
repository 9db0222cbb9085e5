"""Confirming the e-mail address and sending a request: one account, one request, one
reference and one receipt, however often a resident clicks; links that are tampered
with, too old or meant for staff log nobody in."""

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from citizens import tasks
from citizens.models import (
    HelpRequest,
    HelpRequestDraft,
    Message,
    ReferenceCounter,
    StatusChange,
)
from citizens.services import (
    CONFIRMATION_SALT,
    draft_request_confirmation,
    help_request_submit,
)
from citizens.tests.factories import (
    HelpRequestDraftFactory,
    HelpRequestFactory,
    complete_answers,
)
from citizens.tests.helpers import (
    ConcurrentPosts,
    confirm_path,
    email_parts,
    fill_steps,
    link_path,
    review_url,
    send_url,
    start_draft,
    step_url,
    wait_until_blocked_on_locks,
)
from municipalities.models import PostcodeArea
from notifications.models import OutboxEmail
from tests.fixtures.personas import client_for
from tests.fixtures.worker import Worker

REFERENCE = re.compile(r"^HV-\d{4}-\d{6}$")
QUIET = 1.0  # seconds to wait for an e-mail that must not come


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.worker
def test_confirming_the_address_creates_one_resident_logs_in_and_keeps_the_answers(
    celery_worker: Worker, den_helder_postcode: PostcodeArea
) -> None:
    visitor = Client()
    draft = start_draft(visitor)
    fill_steps(visitor, draft)
    draft.refresh_from_db()
    answers = draft.answers

    response = visitor.post(
        reverse("citizens:ask_email", args=[draft.public_id]),
        {"email": "Nieuw.Persoon@Example.test", "remind_me": "on"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="nieuw.persoon@example.test").exists()
    [message] = celery_worker.wait_for_emails(1)
    assert message["To"] == "nieuw.persoon@example.test"
    path = link_path(message, "/help/confirm/")

    # The e-mail is opened on the phone, not in the browser that started.
    phone = Client()
    opened = phone.get(path)

    assert opened.status_code == 302
    assert opened["Location"] == review_url(draft)
    user = User.objects.get(email="nieuw.persoon@example.test")
    assert user.role == Role.RESIDENT
    assert user.full_name == "Sanne de Vries"
    assert not user.has_usable_password()
    assert phone.session["_auth_user_id"] == str(user.pk)
    draft.refresh_from_db()
    assert draft.owner == user
    assert draft.answers == answers
    assert draft.remind_me is True
    review = phone.get(review_url(draft))
    assert send_url(draft) in review.content.decode()

    # The link logs in once: opened again it is refused, and makes no second account.
    again = Client()
    assert again.get(path).status_code == 400
    assert "_auth_user_id" not in again.session
    assert User.objects.filter(email__iexact="nieuw.persoon@example.test").count() == 1


@pytest.mark.worker
def test_double_click_and_resending_make_one_request_and_one_receipt(
    celery_worker: Worker, resident: User, den_helder_postcode: PostcodeArea
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft)

    first = client.post(send_url(draft))
    second = client.post(send_url(draft))
    client.get(first["Location"])
    again = client.post(send_url(draft))

    help_request = HelpRequest.objects.get()
    assert REFERENCE.match(help_request.reference)
    sent_page = reverse("citizens:ask_sent", args=[help_request.reference])
    assert [r.status_code for r in (first, second, again)] == [302, 302, 302]
    assert {r["Location"] for r in (first, second, again)} == {sent_page}
    assert help_request.resident == resident
    assert StatusChange.objects.filter(help_request=help_request).count() == 1
    [receipt] = celery_worker.wait_for_emails(1)
    assert receipt["To"] == resident.email
    assert help_request.reference in email_parts(receipt)
    time.sleep(QUIET)
    assert len(celery_worker.sent_emails()) == 1


@pytest.mark.worker
def test_two_clicks_at_the_same_moment_make_one_request_and_one_receipt(
    celery_worker: Worker, resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)
    clients = [client_for(resident), client_for(resident)]

    with transaction.atomic():
        # Hold the draft so that both clicks queue for it inside the sending.
        HelpRequestDraft.objects.select_for_update().get(pk=draft.pk)
        posts = ConcurrentPosts(clients, send_url(draft))
        wait_until_blocked_on_locks(2)
    responses = posts.results()

    help_request = HelpRequest.objects.get()
    sent_page = reverse("citizens:ask_sent", args=[help_request.reference])
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {sent_page}
    assert ReferenceCounter.objects.get().last_number == 1
    celery_worker.wait_for_emails(1)
    time.sleep(QUIET)
    assert len(celery_worker.sent_emails()) == 1


def test_references_are_unique_and_count_up_within_a_year(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    year = timezone.localdate().year
    first_draft = HelpRequestDraftFactory(owner=resident)
    second_draft = HelpRequestDraftFactory(owner=resident)

    first = help_request_submit(draft=first_draft, user=resident)
    second = help_request_submit(draft=second_draft, user=resident)
    first_again = help_request_submit(draft=first_draft, user=resident)

    assert first.reference == f"HV-{year}-000001"
    assert second.reference == f"HV-{year}-000002"
    assert first_again.pk == first.pk
    assert HelpRequest.objects.count() == 2


def test_numbering_starts_again_in_a_new_year(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    with freeze_time("2031-12-31 22:30:00+00:00"):  # 23:30 in Amsterdam
        last_of_year = help_request_submit(
            draft=HelpRequestDraftFactory(owner=resident), user=resident
        )
    with freeze_time("2031-12-31 23:30:00+00:00"):  # 00:30 on 1 January
        first_of_year = help_request_submit(
            draft=HelpRequestDraftFactory(owner=resident), user=resident
        )

    assert last_of_year.reference == "HV-2031-000001"
    assert first_of_year.reference == "HV-2032-000001"


@pytest.mark.parametrize(
    ("broken_step", "answers"),
    [
        ("household", {"household": None}),
        ("for-whom", {"for-whom": None}),
        ("consent", {"consent": {"privacy_accepted": ""}}),
        ("contact", {"contact": {"postcode": "9999 ZZ"}}),
    ],
)
def test_sending_a_draft_with_a_missing_step_redirects_there_and_creates_nothing(
    broken_step: str,
    answers: dict[str, Any],
    resident: User,
    den_helder_postcode: PostcodeArea,
) -> None:
    draft_answers = complete_answers(
        {slug: fields for slug, fields in answers.items() if fields is not None}
    )
    for slug, fields in answers.items():
        if fields is None:
            del draft_answers[slug]
    draft = HelpRequestDraftFactory(owner=resident, answers=draft_answers)

    response = client_for(resident).post(send_url(draft))

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, broken_step)
    assert not HelpRequest.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()
    draft.refresh_from_db()
    assert draft.submitted_request is None


def test_anonymous_visitor_cannot_send_without_confirming(
    den_helder_postcode: PostcodeArea,
) -> None:
    visitor = Client()
    draft = start_draft(visitor)
    fill_steps(visitor, draft)

    response = visitor.post(send_url(draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not HelpRequest.objects.exists()


@pytest.mark.worker
def test_receipt_is_only_sent_after_the_transaction_commits(
    celery_worker: Worker, resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=resident)

    with transaction.atomic():
        help_request_submit(draft=draft, user=resident)
        time.sleep(QUIET)
        assert celery_worker.sent_emails() == [], "sent before commit"

    [receipt] = celery_worker.wait_for_emails(1)
    assert receipt["To"] == resident.email


@pytest.mark.worker
def test_address_confirmation_is_only_sent_after_the_transaction_commits(
    celery_worker: Worker, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory()

    with transaction.atomic():
        draft_request_confirmation(
            draft=draft, email="later@example.test", remind_me=False, language="nl"
        )
        time.sleep(QUIET)
        assert celery_worker.sent_emails() == [], "sent before commit"

    [message] = celery_worker.wait_for_emails(1)
    assert message["To"] == "later@example.test"


def _tamper(token: str) -> str:
    # A character well inside the signature: every one of its bits counts.
    position = len(token) - 10
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda token, draft: _tamper(token), id="signature-changed"),
        pytest.param(
            lambda token, draft: signing.dumps(
                {"draft": str(draft.public_id), "email": draft.email}, salt="other"
            ),
            id="other-salt",
        ),
        pytest.param(
            lambda token, draft: signing.dumps(
                {"draft": str(draft.public_id), "email": "thief@example.test"},
                salt=CONFIRMATION_SALT,
            ),
            id="other-address",
        ),
        pytest.param(lambda token, draft: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_confirmation_link_gives_400_and_logs_nobody_in(
    make_token: Any, db: None, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory()
    real_link = confirm_path(draft, "echt@example.test")
    token = make_token(real_link.rstrip("/").rsplit("/", 1)[1], draft)
    client = Client()

    response = client.get(reverse("citizens:confirm_email", args=[token]))

    assert response.status_code == 400
    assert not _logged_in(client)
    assert not User.objects.exists()
    draft.refresh_from_db()
    assert draft.owner is None


@pytest.mark.parametrize(
    ("age", "status"),
    [
        (dt.timedelta(days=2, hours=23), 302),
        (dt.timedelta(days=3, minutes=1), 400),
        (dt.timedelta(days=30), 400),
    ],
)
def test_a_confirmation_link_works_for_three_days(
    age: dt.timedelta, status: int, db: None, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory()
    client = Client()
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        link = confirm_path(draft, "traag@example.test")
        frozen.tick(age)

        response = client.get(link)

        assert response.status_code == status
        assert _logged_in(client) is (status == 302)
    assert User.objects.filter(email="traag@example.test").exists() is (status == 302)


@pytest.mark.parametrize("persona", ["caseworker", "team_lead", "functional_admin"])
def test_a_link_for_a_staff_address_is_refused(
    persona: str, everyone: dict[str, User], den_helder_postcode: PostcodeArea
) -> None:
    staff = everyone[persona]
    draft = HelpRequestDraftFactory()
    client = Client()

    response = client.get(confirm_path(draft, staff.email))

    assert response.status_code == 400
    assert not _logged_in(client)
    draft.refresh_from_db()
    assert draft.owner is None


def test_a_link_for_a_deactivated_resident_is_refused(
    db: None, den_helder_postcode: PostcodeArea
) -> None:
    gone = UserFactory(is_active=False)
    draft = HelpRequestDraftFactory()
    client = Client()

    response = client.get(confirm_path(draft, gone.email))

    assert response.status_code == 400
    assert not _logged_in(client)


def test_a_link_for_a_draft_of_another_resident_is_refused(
    resident: User, other_resident: User, den_helder_postcode: PostcodeArea
) -> None:
    draft = HelpRequestDraftFactory(owner=other_resident)
    client = Client()

    response = client.get(confirm_path(draft, resident.email))

    assert response.status_code == 400
    assert not _logged_in(client)
    draft.refresh_from_db()
    assert draft.owner == other_resident


ON_BEHALF = {
    "for-whom": {
        "for_whom": "someone_else",
        "relationship": "neighbour",
        "subject_name": "Truus Bakker",
        "subject_email": "Truus@Example.test",
        "subject_consent": "on",
    }
}


@pytest.mark.worker
def test_filing_for_someone_else_records_it_and_invites_that_person_to_follow(
    celery_worker: Worker,
    resident: User,
    other_resident: User,
    den_helder_postcode: PostcodeArea,
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft, complete_answers(ON_BEHALF))

    assert client.post(send_url(draft)).status_code == 302

    help_request = HelpRequest.objects.get()
    assert help_request.filed_by == resident
    assert help_request.resident is None
    assert help_request.relationship == "neighbour"
    assert help_request.subject_name == "Truus Bakker"
    assert help_request.subject_email.lower() == "truus@example.test"
    assert help_request.subject_consent is True
    emails = {m["To"].lower(): m for m in celery_worker.wait_for_emails(2)}
    assert set(emails) == {resident.email, "truus@example.test"}
    path = link_path(emails["truus@example.test"], "/help/invitation/")

    subject_browser = Client()
    opened = subject_browser.get(path)

    detail = reverse("citizens:request_detail", args=[help_request.reference])
    assert opened.status_code == 302
    assert opened["Location"] == detail
    subject = User.objects.get(email="truus@example.test")
    assert subject.role == Role.RESIDENT
    assert subject.full_name == "Truus Bakker"
    help_request.refresh_from_db()
    assert help_request.resident == subject
    assert help_request.filed_by == resident
    assert (
        help_request.reference in subject_browser.get("/my-requests/").content.decode()
    )
    assert subject_browser.get(detail).status_code == 200
    # The invitation works once, and for nobody else.
    assert Client().get(path).status_code == 400
    assert client_for(other_resident).get(detail).status_code == 404


def test_filing_for_someone_else_without_their_address_sends_no_invitation(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    answers = complete_answers(ON_BEHALF)
    answers["for-whom"]["subject_email"] = ""
    draft = HelpRequestDraftFactory(owner=resident, answers=answers)

    help_request = help_request_submit(draft=draft, user=resident)

    assert help_request.filed_by == resident
    [receipt] = OutboxEmail.objects.select_related("delivery")
    assert receipt.delivery.kind == "citizens.help_request_received"
    assert receipt.delivery.recipient == resident, "only the receipt for the sender"


@pytest.mark.parametrize(
    ("task", "args"),
    [
        (tasks.send_draft_confirmation, [987654321, "token", "nl"]),
        (tasks.send_help_request_confirmation, [987654321]),
        (tasks.send_follow_invitation, [987654321]),
        (tasks.notify_resident_of_message, [987654321]),
    ],
    ids=lambda value: getattr(value, "name", "").rsplit(".", 1)[-1] or None,
)
def test_task_for_a_row_that_has_gone_sends_nothing(
    task: Any, args: list[Any], db: None, mailoutbox: list[Any]
) -> None:
    task.apply(args=args).get()

    assert mailoutbox == []


def test_tasks_send_nothing_for_rows_that_no_longer_need_it(
    resident: User, den_helder_postcode: PostcodeArea, mailoutbox: list[Any]
) -> None:
    sent_draft = HelpRequestDraftFactory(
        owner=resident, email=resident.email, submitted_request=HelpRequestFactory()
    )
    accepted = HelpRequestFactory(subject_email=resident.email)
    internal = Message.objects.create(
        help_request=accepted, author=None, body="Intern", for_resident=False
    )
    resident.is_active = False
    resident.save()
    gone_sender = HelpRequestFactory(resident=resident)

    tasks.send_draft_confirmation.apply(args=[sent_draft.pk, "token", "nl"]).get()
    tasks.send_follow_invitation.apply(args=[accepted.pk]).get()
    tasks.notify_resident_of_message.apply(args=[internal.pk]).get()
    tasks.send_help_request_confirmation.apply(args=[gone_sender.pk]).get()

    assert mailoutbox == []

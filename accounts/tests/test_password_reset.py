import re
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import password_reset_request
from accounts.tasks import send_password_reset_email
from accounts.tests.factories import UserFactory
from tests.fixtures.worker import Worker

pytestmark = pytest.mark.worker


def _reset_link(message) -> str:  # type: ignore[no-untyped-def]
    text = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    return re.search(r"http://\S+/accounts/password-reset/\S+/\S+/", text).group(0)


def test_resident_resets_password_through_the_emailed_link(
    celery_worker: Worker, resident: User
) -> None:
    client = Client()

    response = client.post(
        reverse("accounts:password_reset"), {"email": resident.email}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    [message] = celery_worker.wait_for_emails(1)
    assert message["To"] == resident.email
    assert message["Subject"] == "Kies een nieuw wachtwoord voor Buurtkracht"
    types = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= types

    link = _reset_link(message)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new_password = "een-nieuw-lang-wachtwoord-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    login = Client().post(
        reverse("accounts:login"),
        {"username": resident.email, "password": new_password},
    )
    assert login.status_code == 302

    # The link works once.
    assert "werkt niet meer" in client.get("/" + path, follow=True).content.decode()


def test_reset_email_is_written_in_the_users_language(
    celery_worker: Worker, db: None
) -> None:
    user = UserFactory(language="en")

    Client().post(reverse("accounts:password_reset"), {"email": user.email})

    [message] = celery_worker.wait_for_emails(1)
    assert message["Subject"] == "Choose a new password for Buurtkracht"


def test_unknown_address_gets_the_same_answer_and_no_email(
    celery_worker: Worker,
) -> None:
    response = Client().post(
        reverse("accounts:password_reset"), {"email": "nobody@example.test"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    time.sleep(1.5)
    assert celery_worker.sent_emails() == []


def test_reset_email_is_only_enqueued_after_the_transaction_commits(
    celery_worker: Worker, resident: User
) -> None:
    with transaction.atomic():
        password_reset_request(email=resident.email)
        time.sleep(1.5)
        assert celery_worker.sent_emails() == [], "sent before commit"

    celery_worker.wait_for_emails(1)


def test_task_for_a_vanished_user_does_nothing(db: None, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    send_password_reset_email.apply(args=[987654321]).get()

    assert mailoutbox == []


@pytest.mark.parametrize("email", ["", "not an address", "a@" + "b" * 300 + ".test"])
def test_reset_form_with_bad_input_shows_a_message_at_the_field(
    email: str, db: None
) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": email})

    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()


def test_new_password_must_follow_the_password_policy(resident: User, db: None) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client = Client()
    url = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(resident.pk)),
            "token": default_token_generator.make_token(resident),
        },
    )
    form_url = client.get(url, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "kort", "new_password2": "kort"})

    assert response.status_code == 200
    assert 'id="id_new_password2_error"' in response.content.decode()

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.two_factor import confirmed_totp_device, fresh_code
from tests.fixtures.personas import HOME_PAGES


@pytest.mark.parametrize("persona", sorted(HOME_PAGES))
def test_each_role_lands_on_its_own_home_page_after_login(
    persona: str, everyone: dict[str, User], password: str
) -> None:
    user = everyone[persona]
    client = Client()

    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": password},
        follow=True,
    )
    if user.is_portal_staff:
        # Staff: the code step comes first, then where they were going.
        assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/")
        response = client.post(
            response.redirect_chain[-1][0],
            {"code": fresh_code(confirmed_totp_device(user))},
            follow=True,
        )

    assert response.redirect_chain[-1][0] == HOME_PAGES[persona]
    assert response.status_code == 200
    assert user.full_name in response.content.decode()


def test_login_accepts_the_email_address_in_any_case(
    resident: User, password: str
) -> None:
    response = Client().post(
        reverse("accounts:login"),
        {"username": resident.email.upper(), "password": password},
    )

    assert response.status_code == 302


def test_wrong_password_shows_a_clear_message_and_keeps_the_email(
    resident: User,
) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": resident.email, "password": "wrong"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "komen niet overeen" in page
    assert f'value="{resident.email}"' in page


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "not-an-address", "password": "x"}, {"username": "a@b.test"}],
)
def test_login_form_with_bad_input_answers_with_messages_not_errors(
    data: dict[str, str], db: None
) -> None:
    response = Client().post(reverse("accounts:login"), data)

    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode() or (
        "komen niet overeen" in response.content.decode()
    )


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(
    resident: User, password: str, settings
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"), {"username": resident.email, "password": "no"}
        )

    response = client.post(
        reverse("accounts:login"), {"username": resident.email, "password": password}
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "Te veel pogingen" in page
    assert "15 minuten" in page
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(resident: User) -> None:
    client = Client()
    client.force_login(resident)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get("/resident/").status_code == 302


def test_anonymous_visitor_is_sent_to_login_from_every_home_page(db: None) -> None:
    for path in set(HOME_PAGES.values()):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", sorted(HOME_PAGES))
def test_a_role_cannot_open_the_home_pages_of_other_roles(
    persona: str, everyone: dict[str, User]
) -> None:
    client = Client()
    client.force_login(everyone[persona])
    for other, path in HOME_PAGES.items():
        if path == HOME_PAGES[persona]:
            continue
        assert client.get(path).status_code == 403, f"{persona} opened {other}'s {path}"


@pytest.mark.parametrize(
    ("new", "field"),
    [
        ("kort", "new_password2"),
        ("12345678901234", "new_password2"),
        ("", "new_password1"),
    ],
)
def test_password_change_with_a_weak_password_is_refused_at_the_field(
    new: str, field: str, resident: User, password: str
) -> None:
    client = Client()
    client.force_login(resident)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    resident.refresh_from_db()
    assert resident.check_password(password)

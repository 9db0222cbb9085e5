"""Two-factor authentication of staff: the code step, enrolment, recovery codes, the
lockout, and the gate in front of every page (accounts.two_factor)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import (
    STAFF_ROLES,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from accounts.tests.factories import PASSWORD, TEST_TOTP_KEY, UserFactory
from socialdomain.tests.test_security_baseline import PUBLIC, ROUTES
from tests.fixtures.personas import HOME_PAGES, client_for, password_only_client

CODE_URL = "/accounts/two-factor/"
ENROL_URL = "/accounts/two-factor/set-up/"
# What a staff session that passed only the password may open (besides public pages).
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two_factor_code",
    "accounts:two_factor_enrol",
    "accounts:logout",
}


def code_for(user: User) -> str:
    return two_factor.fresh_code(two_factor.confirmed_totp_device(user))


def enter_code(client: Client, code: str, next_url: str = "") -> object:
    url = CODE_URL + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"code": code})


def test_factory_staff_have_a_confirmed_device_with_the_test_key(
    caseworker: User, resident: User
) -> None:
    device = two_factor.confirmed_totp_device(caseworker)
    assert device is not None and device.key == TEST_TOTP_KEY
    assert two_factor.confirmed_totp_device(resident) is None


def test_staff_log_in_with_password_then_code(caseworker: User) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": caseworker.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CODE_URL}?next=%2Fhome%2F"
    # Before the code: no personal data, the code step instead.
    home = client.get("/casework/")
    assert home.status_code == 302 and home["Location"].startswith(CODE_URL)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    answer = enter_code(client, code_for(caseworker), "/home/")

    assert answer.status_code == 302 and answer["Location"] == "/home/"
    assert client.get("/casework/").status_code == 200
    assert client.session[two_factor.VERIFIED]["device"].startswith("otp_totp.")


def test_the_login_form_keeps_where_the_user_was_going(caseworker: User) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/?next=/casework/",
        {"username": caseworker.email, "password": PASSWORD},
    )
    assert response["Location"] == f"{CODE_URL}?next=%2Fcasework%2F"
    answer = enter_code(client, code_for(caseworker), "/casework/")
    assert answer["Location"] == "/casework/"


def test_a_wrong_code_is_refused_at_the_field_and_the_gate_stays_shut(
    caseworker: User,
) -> None:
    client = password_only_client(caseworker)
    right = code_for(caseworker)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = enter_code(client, wrong)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_code_error"' in page
    assert "niet goed" in page
    assert two_factor.VERIFIED not in client.session
    assert client.get("/casework/").status_code == 302


@pytest.mark.parametrize("data", [{}, {"code": ""}, {"code": "x" * 40}, {"code": "ab"}])
def test_bad_input_at_the_code_step_answers_with_a_message(
    data: dict[str, str], caseworker: User
) -> None:
    client = password_only_client(caseworker)
    response = client.post(CODE_URL, data)
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()


def test_a_recovery_code_works_once(caseworker: User) -> None:
    codes = two_factor.new_recovery_codes(caseworker)
    assert len(codes) == 10 and len(set(codes)) == 10

    first = password_only_client(caseworker)
    # Typed in capitals and with a space: still the code.
    typed = f"{codes[0][:4].upper()} {codes[0][4:]}"
    assert enter_code(first, typed).status_code == 302
    assert first.get("/casework/").status_code == 200
    assert first.session[two_factor.VERIFIED]["device"].startswith("otp_static.")
    assert two_factor.recovery_codes_left(caseworker) == 9

    second = password_only_client(caseworker)
    response = enter_code(second, codes[0])
    assert response.status_code == 200
    assert second.get("/casework/").status_code == 302


def test_a_code_is_not_accepted_twice(caseworker: User) -> None:
    code = code_for(caseworker)
    assert enter_code(password_only_client(caseworker), code).status_code == 302
    assert enter_code(password_only_client(caseworker), code).status_code == 200


def test_repeated_wrong_codes_lock_out_with_the_clear_message(
    caseworker: User, settings
) -> None:  # type: ignore[no-untyped-def]
    client = password_only_client(caseworker)
    responses = [
        enter_code(client, "000000") for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert [r.status_code for r in responses[:-1]] == [200] * (
        settings.AXES_FAILURE_LIMIT - 1
    )
    locked = responses[-1]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Te veel pogingen" in page and "15 minuten" in page
    assert "_auth_user_id" not in client.session
    # The password alone does not open the door again.
    again = Client().post(
        reverse("accounts:login"),
        {"username": caseworker.email, "password": PASSWORD},
    )
    assert again.status_code == 429


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(
    caseworker: User, settings
) -> None:  # type: ignore[no-untyped-def]
    limit = settings.AXES_FAILURE_LIMIT
    client = password_only_client(caseworker)
    for _ in range(limit - 1):
        assert enter_code(client, "000000").status_code == 200
    client = password_only_client(caseworker)

    assert enter_code(client, "000000").status_code == 429


def test_a_right_code_resets_the_failure_count(caseworker: User, settings) -> None:  # type: ignore[no-untyped-def]
    client = password_only_client(caseworker)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        enter_code(client, "000000")
    two_factor.confirmed_totp_device(caseworker).throttle_reset()
    assert enter_code(client, code_for(caseworker)).status_code == 302

    client = password_only_client(caseworker)
    assert enter_code(client, "000000").status_code == 200


def test_residents_are_not_asked_for_a_code(resident: User) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": resident.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == HOME_PAGES["resident"]
    assert response.status_code == 200
    assert client.get(CODE_URL).status_code == 302
    assert client.get(ENROL_URL).status_code == 302


def _two_xx(client: Client) -> list[str]:
    opened = []
    for name, path in ROUTES:
        if name in PUBLIC or name in OPEN_BEFORE_SECOND_FACTOR:
            continue
        for method in ("get", "post"):
            status = getattr(client, method)(path).status_code
            if 200 <= status < 300:
                opened.append(f"{method.upper()} {name} {status}")
    return opened


@pytest.mark.parametrize("persona", sorted(set(HOME_PAGES) - {"resident"}))
def test_a_password_only_staff_session_opens_no_route_but_the_code_step(
    persona: str, everyone: dict[str, User]
) -> None:
    client = password_only_client(everyone[persona])

    assert _two_xx(client) == []
    assert client.get(CODE_URL).status_code == 200
    assert "_auth_user_id" in client.session  # still the half-logged-in session


def test_staff_without_a_device_are_sent_to_enrolment_and_nowhere_else(
    den_helder,  # type: ignore[no-untyped-def]
) -> None:
    user = UserFactory(caseworker=True, team=den_helder.team, totp_device=False)
    client = password_only_client(user)

    assert client.get(CODE_URL)["Location"].startswith(ENROL_URL)
    assert client.get("/casework/")["Location"].startswith(CODE_URL)
    assert _two_xx(client) == []
    assert client.get(ENROL_URL).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolment_shows_the_key_as_qr_and_text_and_confirms_with_a_code(
    den_helder,  # type: ignore[no-untyped-def]
) -> None:
    user = UserFactory(caseworker=True, team=den_helder.team, totp_device=False)
    client = password_only_client(user)

    page = client.get(f"{ENROL_URL}?next=/casework/")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert '<svg width="' in html and 'class="qr-code"' in html
    assert "<img" not in html.split("<main", 1)[-1]
    assert two_factor.text_key(device) in html
    # The same key on a second visit (the app may already have it).
    assert two_factor.text_key(device) in client.get(ENROL_URL).content.decode()

    wrong = client.post(ENROL_URL, {"code": "12345"})
    assert wrong.status_code == 200
    assert 'id="id_code_error"' in wrong.content.decode()

    answer = client.post(
        f"{ENROL_URL}?next=/casework/", {"code": two_factor.fresh_code(device)}
    )

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/two-factor/recovery-codes/")
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(answer["Location"])
    tokens = set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert len(tokens) == 10
    assert all(token in shown.content.decode() for token in tokens)
    assert shown["Cache-Control"] == "private, no-store"
    # Shown once.
    again = client.get("/accounts/two-factor/recovery-codes/").content.decode()
    assert not any(token in again for token in tokens)
    assert client.get("/casework/").status_code == 200
    assert SecurityEvent.objects.filter(
        subject=user, kind=SecurityEventKind.TWO_FACTOR_ENROLLED
    ).exists()


def test_wrong_enrolment_codes_count_towards_the_lockout(
    den_helder,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    user = UserFactory(caseworker=True, team=den_helder.team, totp_device=False)
    client = password_only_client(user)
    client.get(ENROL_URL)
    statuses = [
        client.post(ENROL_URL, {"code": "000000"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429


def test_a_verified_session_costs_the_gate_no_query(caseworker: User) -> None:
    client = client_for(caseworker)
    client.get("/casework/")
    with CaptureQueriesContext(connection) as verified:
        assert client.get("/casework/").status_code == 200
    assert not any("otp_" in q["sql"] for q in verified.captured_queries)

    # The same page with the gate taken out answers with exactly as many queries.
    middleware = [
        m
        for m in settings.MIDDLEWARE
        if m != "accounts.middleware.TwoFactorGateMiddleware"
    ]
    with override_settings(MIDDLEWARE=middleware):
        bare_client = Client()
        bare_client.cookies = client.cookies
        bare_client.get("/casework/")
        with CaptureQueriesContext(connection) as bare:
            assert bare_client.get("/casework/").status_code == 200
    assert len(verified.captured_queries) == len(bare.captured_queries)


def test_the_code_step_of_a_verified_session_goes_on(caseworker: User) -> None:
    client = client_for(caseworker)
    response = client.get(f"{CODE_URL}?next=/casework/")
    assert response["Location"] == "/casework/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_the_code_step_refuses_open_redirects(caseworker: User, next_url: str) -> None:
    client = password_only_client(caseworker)
    response = client.post(CODE_URL, {"code": code_for(caseworker), "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_every_staff_role_is_gated() -> None:
    assert set(STAFF_ROLES) == set(Role) - {Role.RESIDENT}

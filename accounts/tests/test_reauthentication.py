"""Re-authentication before exports, recovery-code renewal and role changes
(accounts.two_factor.reauthentication_required)."""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken

from accounts import two_factor
from accounts.models import User
from accounts.tests.factories import PASSWORD
from dashboards.models import ResearchExport
from socialdomain.tests.test_security_baseline import ROUTES
from tests.fixtures.personas import client_for

REAUTH_URL = "/accounts/confirm-identity/"
# Every route behind the re-authentication, with the role that may use it.
GATED = {
    "dashboards:research_export": "functional_admin",
    "dashboards:csv": "alderman",
    "dashboards:report_download": "alderman",
    "citizens:my_data_export": "resident",
    "accounts:recovery_codes_renew": "caseworker",
    "accounts:account_change": "functional_admin",
    "accounts:account_two_factor_reset": "functional_admin",
}


def _gated_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = (
                    f"{namespace}{pattern.namespace}:"
                    if pattern.namespace
                    else namespace
                )
                walk(pattern.url_patterns, space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if getattr(pattern.callback, "reauthentication_required", False):
                    names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def make_stale(client: Client) -> None:
    session = client.session
    session[two_factor.AUTHENTICATED_AT] -= (settings.REAUTHENTICATION_MINUTES * 60) + 1
    session.save()


def path_of(name: str, everyone: dict[str, User]) -> str:
    if name in ("accounts:account_change", "accounts:account_two_factor_reset"):
        return reverse(name, kwargs={"public_id": everyone["caseworker"].public_id})
    return dict(ROUTES)[name]


def test_the_gated_routes_are_exactly_the_exports_and_rights_changes() -> None:
    assert _gated_route_names() == set(GATED)


@pytest.mark.parametrize("name", sorted(GATED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stale_session_is_sent_to_confirm_its_identity_first(
    name: str, method: str, everyone: dict[str, User]
) -> None:
    client = client_for(everyone[GATED[name]])
    make_stale(client)
    path = path_of(name, everyone)

    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"] == f"{REAUTH_URL}?{_query(path)}"


def _query(path: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": path})


@pytest.mark.parametrize("name", sorted(GATED))
def test_a_fresh_authentication_lets_the_request_through(
    name: str, everyone: dict[str, User]
) -> None:
    client = client_for(everyone[GATED[name]])  # a login just now
    response = client.get(path_of(name, everyone))
    assert response.status_code != 302 or not response["Location"].startswith(
        REAUTH_URL
    )


def test_a_stale_post_performs_nothing(
    functional_admin: User, caseworker: User
) -> None:
    client = client_for(functional_admin)
    make_stale(client)
    client.post(
        "/dashboard/research-export/",
        {"purpose": "Onderzoek naar wachttijden", "start": "2026-01", "end": "2026-06"},
    )
    change = reverse(
        "accounts:account_change", kwargs={"public_id": caseworker.public_id}
    )
    client.post(change, {"role": "pilot_owner"})
    reset = reverse(
        "accounts:account_two_factor_reset", kwargs={"public_id": caseworker.public_id}
    )
    client.post(reset)

    assert not ResearchExport.objects.exists()
    caseworker.refresh_from_db()
    assert caseworker.role == "caseworker"
    assert two_factor.confirmed_totp_device(caseworker) is not None


def test_staff_confirm_with_password_and_code_and_return(
    functional_admin: User,
) -> None:
    client = client_for(functional_admin)
    make_stale(client)
    target = "/dashboard/research-export/"
    page = client.get(f"{REAUTH_URL}?next={target}")
    assert 'name="code"' in page.content.decode()

    response = client.post(
        REAUTH_URL,
        {
            "password": PASSWORD,
            "code": two_factor.fresh_code(
                two_factor.confirmed_totp_device(functional_admin)
            ),
            "next": target,
        },
    )

    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200
    answer = client.post(
        target,
        {"purpose": "Onderzoek naar wachttijden", "start": "2026-01", "end": "2026-06"},
    )
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert ResearchExport.objects.filter(user=functional_admin).count() == 1


def test_residents_confirm_with_their_password_only(resident: User) -> None:
    client = client_for(resident)
    make_stale(client)
    target = "/my-data/export.json"
    assert client.get(target)["Location"].startswith(REAUTH_URL)
    page = client.get(f"{REAUTH_URL}?next={target}").content.decode()
    assert 'name="code"' not in page and 'name="password"' in page

    response = client.post(REAUTH_URL, {"password": PASSWORD, "next": target})

    assert response["Location"] == target
    export = client.get(target)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": "wrong", "code": "000000"}, "password"),
        ({"password": PASSWORD, "code": "000000"}, "code"),
        ({"password": PASSWORD, "code": "12"}, "code"),
        ({"password": PASSWORD}, "code"),
        ({"code": "123456"}, "password"),
    ],
)
def test_wrong_or_bad_input_is_refused_at_the_field(
    data: dict[str, str], field: str, caseworker: User
) -> None:
    client = client_for(caseworker)
    make_stale(client)
    response = client.post(REAUTH_URL, data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    session = client.session
    assert (
        session[two_factor.AUTHENTICATED_AT]
        < time.time() - settings.REAUTHENTICATION_MINUTES * 60
    )


def test_a_recovery_code_does_not_confirm_an_identity(caseworker: User) -> None:
    codes = two_factor.new_recovery_codes(caseworker)
    client = client_for(caseworker)
    make_stale(client)
    response = client.post(REAUTH_URL, {"password": PASSWORD, "code": codes[0]})
    assert response.status_code == 200


def test_wrong_passwords_at_the_confirmation_lock_out(
    caseworker: User, settings
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(caseworker)
    make_stale(client)
    statuses = [
        client.post(REAUTH_URL, {"password": "wrong", "code": "000000"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil/"]
)
def test_the_confirmation_refuses_open_redirects(resident: User, next_url: str) -> None:
    client = client_for(resident)
    make_stale(client)
    response = client.post(REAUTH_URL, {"password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_renewing_recovery_codes_needs_a_fresh_authentication_and_replaces_them(
    caseworker: User,
) -> None:
    old = two_factor.new_recovery_codes(caseworker)
    client = client_for(caseworker)
    make_stale(client)
    renew = "/accounts/two-factor/recovery-codes/renew/"
    assert client.post(renew)["Location"].startswith(REAUTH_URL)
    assert set(
        StaticToken.objects.filter(device__user=caseworker).values_list(
            "token", flat=True
        )
    ) == set(old)

    client.post(
        REAUTH_URL,
        {
            "password": PASSWORD,
            "code": two_factor.fresh_code(two_factor.confirmed_totp_device(caseworker)),
        },
    )
    assert client.get(renew).status_code == 200
    response = client.post(renew)

    assert response["Location"] == "/accounts/two-factor/recovery-codes/"
    new = set(
        StaticToken.objects.filter(device__user=caseworker).values_list(
            "token", flat=True
        )
    )
    assert len(new) == 10 and not new & set(old)
    shown = client.get(response["Location"]).content.decode()
    assert all(code in shown for code in new)


def test_the_window_is_a_setting(resident: User, settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.REAUTHENTICATION_MINUTES == 5
    client = client_for(resident)
    session = client.session
    session[two_factor.AUTHENTICATED_AT] -= 4 * 60
    session.save()
    assert client.get("/my-data/export.json").status_code == 200
    settings.REAUTHENTICATION_MINUTES = 3
    assert client.get("/my-data/export.json").status_code == 302


def test_a_login_counts_as_a_fresh_authentication(resident: User) -> None:
    client = Client()
    client.post(
        reverse("accounts:login"), {"username": resident.email, "password": PASSWORD}
    )
    assert client.get("/my-data/export.json").status_code == 200

"""Login by default, CSRF, security headers and cookie flags on every page."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User

# Pages anyone may open without logging in; everything else sends them to log in.
PUBLIC = {
    "landing",
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "privacy",
    # Asking for help starts without an account; drafts are bound to the session.
    "citizens:ask_start",
    "citizens:ask_step",
    "citizens:ask_review",
    "citizens:ask_email",
    "citizens:ask_remove_document",
    "citizens:confirm_email",
    "citizens:accept_invitation",
    # The follow-up questionnaire, opened from the e-mailed (signed) link.
    "citizens:follow_up",
    # The social map and the neighbourhood pages: finding local help needs no account.
    "networks:social_map_start",
    "networks:social_map",
    "networks:organisation_detail",
    "networks:service_detail",
    "networks:neighbourhood_detail",
    # Pilots in the neighbourhood, ideas, and a measurement by the resident's link.
    "pilots:neighbourhoods",
    "pilots:neighbourhood",
    "pilots:idea",
    "pilots:measure",
}
# A value per path converter, so that every route can be requested.
SAMPLE_VALUES = {
    "uuid": "5f0c3b9e-0c1d-4f7a-9a43-2b1f6f1c9d10",
    "int": "1",
    "slug": "sample",
    "str": "MQ",
    "path": "sample/path",
}
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _fill(path: str) -> str:
    return PARAMETER.sub(lambda m: SAMPLE_VALUES[m.group("converter") or "str"], path)


def _named_routes() -> list[tuple[str, str]]:
    """(name, path) of every named route of the project, outside Django's admin."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                space = (
                    f"{namespace}{pattern.namespace}:"
                    if pattern.namespace
                    else namespace
                )
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                path = _fill(prefix + str(pattern.pattern))
                routes.append((namespace + pattern.name, "/" + path))

    walk(get_resolver().url_patterns, "", "")
    return routes


ROUTES = _named_routes()


def test_the_route_list_is_complete_enough_to_mean_something() -> None:
    names = {name for name, _ in ROUTES}
    assert {"landing", "home", "citizens:home", "accounts:admin_home"} <= names
    assert len(ROUTES) >= 15


@pytest.mark.parametrize(("name", "path"), ROUTES, ids=[n for n, _ in ROUTES])
def test_every_non_public_route_sends_anonymous_visitors_to_log_in(
    name: str, path: str, db: None
) -> None:
    response = Client().get(path)

    if name in PUBLIC:
        assert response.status_code != 500
        if response.status_code == 302:
            assert not response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        assert response["Location"].startswith("/accounts/login/?next=")


def test_admin_site_is_closed_to_portal_staff(functional_admin: User) -> None:
    from django.conf import settings

    client = Client()
    client.force_login(functional_admin)

    response = client.get("/" + settings.ADMIN_URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/login/", {"username": "a@b.test", "password": "x"}),
        ("/accounts/password-reset/", {"email": "a@b.test"}),
        ("/i18n/setlang/", {"language": "en"}),
    ],
)
def test_unsafe_requests_without_a_csrf_token_are_refused(
    path: str, data: dict[str, str], db: None
) -> None:
    response = Client(enforce_csrf_checks=True).post(path, data)

    assert response.status_code == 403


def test_logout_without_a_csrf_token_is_refused(resident: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/resident/").status_code == 200


def test_logout_is_not_possible_with_get(resident: User) -> None:
    client = Client()
    client.force_login(resident)

    assert client.get("/accounts/logout/").status_code == 405


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz", "/resident/"])
def test_security_headers_are_set(path: str, resident: User) -> None:
    client = Client()
    client.force_login(resident)

    response = client.get(path, secure=True)

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(
    resident: User, password: str
) -> None:
    client = Client()
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"username": resident.email, "password": password}
    )

    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_login_redirect_refuses_other_hosts(resident: User, password: str) -> None:
    response = Client().post(
        "/accounts/login/?next=https://evil.example/steal",
        {"username": resident.email, "password": password},
    )

    assert response.status_code == 302
    assert response["Location"] == "/home/"

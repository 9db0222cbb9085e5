"""Every view that reads a `next` parameter (login, logout, language switch) sends
people only to this site: hostile targets fall back to a local page."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from accounts.models import User
from tests.fixtures.personas import client_for

HOSTILE = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "///evil.example/phish",
    "/\\evil.example/phish",
    "\\\\evil.example/phish",
    "\\/evil.example",
    "https:evil.example",
    " //evil.example",
    "\t//evil.example",
    "http://testserver@evil.example/",
    "https://testserver.evil.example/",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "http:\\\\evil.example",
]


def assert_local(location: str) -> None:
    """Where a browser would go: it strips tabs and newlines and reads backslashes
    as slashes, then resolves against the page."""
    normalised = "".join(ch for ch in location if ch not in "\t\r\n").strip()
    normalised = normalised.replace("\\", "/")
    resolved = urlsplit(urljoin("http://testserver/accounts/login/", normalised))
    assert (resolved.scheme, resolved.netloc) == ("http", "testserver"), location


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_redirects_off_site(
    resident: User, password: str, target: str
) -> None:
    response = Client().post(
        "/accounts/login/",
        {"username": resident.email, "password": password, "next": target},
    )
    assert response.status_code == 302
    assert_local(response["Location"])


@pytest.mark.parametrize("target", HOSTILE)
def test_login_page_of_a_logged_in_user_never_redirects_off_site(
    resident: User, target: str
) -> None:
    response = client_for(resident).get("/accounts/login/", {"next": target})
    assert response.status_code == 302
    assert_local(response["Location"])


@pytest.mark.parametrize("target", HOSTILE)
def test_logout_never_redirects_off_site(resident: User, target: str) -> None:
    response = client_for(resident).post("/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert_local(response["Location"])


@pytest.mark.parametrize("target", HOSTILE)
def test_the_language_switch_never_redirects_off_site(
    resident: User, target: str
) -> None:
    for client in (Client(), client_for(resident)):
        response = client.post(
            "/i18n/setlang/", {"language": "en", "next": target}, HTTP_REFERER=target
        )
        assert response.status_code == 302
        assert_local(response["Location"])


def test_a_local_next_is_still_followed(resident: User, password: str) -> None:
    # The control: the checks above would pass vacuously if `next` were ignored.
    response = Client().post(
        "/accounts/login/?next=/my-data/",
        {"username": resident.email, "password": password},
    )
    assert response["Location"] == "/my-data/"
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "/privacy/"})
    assert response["Location"] == "/privacy/"


@pytest.mark.parametrize(
    "location", ["//evil.example/", "/\\evil.example", "https://evil.example"]
)
def test_the_check_itself_catches_off_site_locations(location: str) -> None:
    with pytest.raises(AssertionError):
        assert_local(location)

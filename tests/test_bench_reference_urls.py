"""The benchmark's reference views exist only in its own URLconf."""

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

REFERENCE_PATHS = [
    "/bench-reference/hello/",
    "/bench-reference/one-query/",
    "/bench-reference/one-insert/",
    "/bench-reference/layout/",
    "/bench-reference/logged-in-post/",
]


@pytest.mark.parametrize("path", REFERENCE_PATHS)
def test_reference_views_are_not_in_the_production_urlconf(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path, urlconf="socialdomain.urls")
    for name in (
        "bench_hello",
        "bench_one_query",
        "bench_one_insert",
        "bench_layout",
        "bench_logged_in_post",
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name, urlconf="socialdomain.urls")


@pytest.mark.django_db
@pytest.mark.parametrize("path", REFERENCE_PATHS)
def test_reference_views_answer_404_on_the_production_site(path: str) -> None:
    client = Client()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_production_settings_do_not_route_to_the_bench() -> None:
    from django.conf import settings

    assert settings.ROOT_URLCONF == "socialdomain.urls"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_bench_urlconf_serves_the_hello_reference() -> None:
    assert resolve("/bench-reference/hello/").url_name == "bench_hello"
    assert Client().get("/bench-reference/hello/").content == b"hello"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_floor_references_are_for_logged_in_users_only(caseworker) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.personas import client_for

    anonymous = Client()
    assert anonymous.get("/bench-reference/layout/").status_code == 302
    assert anonymous.post("/bench-reference/logged-in-post/").status_code == 302

    staff = client_for(caseworker)
    page = staff.get("/bench-reference/layout/")
    assert page.status_code == 200
    assert b'data-testid="current-user"' in page.content
    answer = staff.post("/bench-reference/logged-in-post/")
    assert answer.status_code == 302
    assert answer["Location"] == "/bench-reference/hello/"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_logged_in_post_reference_checks_the_csrf_token(resident) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures.personas import client_for

    browser = client_for(resident)
    browser.handler.enforce_csrf_checks = True
    assert browser.post("/bench-reference/logged-in-post/").status_code == 403

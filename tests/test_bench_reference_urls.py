"""The benchmark's reference views exist only in its own URLconf."""

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

REFERENCE_PATHS = [
    "/bench-reference/hello/",
    "/bench-reference/one-query/",
    "/bench-reference/one-insert/",
]


@pytest.mark.parametrize("path", REFERENCE_PATHS)
def test_reference_views_are_not_in_the_production_urlconf(path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path, urlconf="socialdomain.urls")
    for name in ("bench_hello", "bench_one_query", "bench_one_insert"):
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

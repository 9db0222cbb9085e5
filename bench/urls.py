"""The benchmark's URLconf: the production URLs plus the bare reference views."""

from django.urls import path

from bench import reference
from socialdomain.urls import urlpatterns as production

REFERENCE_PREFIX = "bench-reference/"

urlpatterns = [
    path(f"{REFERENCE_PREFIX}hello/", reference.hello, name="bench_hello"),
    path(f"{REFERENCE_PREFIX}one-query/", reference.one_query, name="bench_one_query"),
    path(
        f"{REFERENCE_PREFIX}one-insert/", reference.one_insert, name="bench_one_insert"
    ),
    path(f"{REFERENCE_PREFIX}layout/", reference.layout, name="bench_layout"),
    path(
        f"{REFERENCE_PREFIX}logged-in-post/",
        reference.logged_in_post,
        name="bench_logged_in_post",
    ),
    *production,
]

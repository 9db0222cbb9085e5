"""Bare reference views for `make bench`: what a request costs with nothing, one
ORM lookup or one insert, through the same middleware as the portal's pages; and
two floors, what the lightest logged-in request costs before a page does anything
of its own: the portal's layout for a logged-in user (session, user and the
navigation's badge), and a logged-in POST that only redirects.

Only bench/urls.py (the benchmark's URLconf) and bench/bare.py route to them; the
production URLconf never does (tests/test_bench_reference_urls.py).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

INSERT_TABLE = "bench_reference_insert"


@login_not_required
@require_GET
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


@login_not_required
@require_GET
def one_query(request: HttpRequest) -> HttpResponse:
    from municipalities.models import Municipality

    municipality = Municipality.objects.order_by("pk").first()
    return HttpResponse(str(municipality), content_type="text/plain")


@login_not_required
@require_POST
def one_insert(request: HttpRequest) -> HttpResponse:
    # Raw SQL into a table of the benchmark's own (bench/run.py creates it), so the
    # reference writes nothing into the portal's tables.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INSERT_TABLE} (note) VALUES (%s)",
            [request.POST.get("note", "")[:100]],
        )
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def layout(request: HttpRequest) -> HttpResponse:
    """The portal's layout (base.html) with an empty page, for the logged-in user."""
    return render(request, "base.html")


@require_POST
def logged_in_post(request: HttpRequest) -> HttpResponse:
    """A logged-in POST with its CSRF check that writes nothing and redirects, as
    a form that succeeds does."""
    return HttpResponseRedirect("/bench-reference/hello/")


def create_insert_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {INSERT_TABLE} "
            "(id bigserial PRIMARY KEY, note varchar(100) NOT NULL, "
            "at timestamptz NOT NULL DEFAULT now())"
        )

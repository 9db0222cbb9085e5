"""A bare Django app (no apps, no middleware, one URL module): the memory reference
for a gunicorn worker. Serve with `gunicorn bench.bare:application`."""

from __future__ import annotations

import os

import dj_database_url
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-bare-only"),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        DATABASES={
            "default": dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=600
            )
        },
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        # The worker's pid, so that the bench can tell that every worker served.
        return HttpResponse(
            f"{cursor.fetchone()[0]} {os.getpid()}", content_type="text/plain"
        )


urlpatterns = [path("hello/", hello), path("one-query/", one_query)]

application = get_wsgi_application()

"""Every page of every persona in-process, slowest first: a search for slow pages.

make bench measures a few pages closely; this walks all of them once, on the bench
database, to find the ones nobody measured: every page of the axe sweep's table
(tests/browser/axe_pages.py: its routes, the paths it opens for each persona and
the access policy of tests/test_access_policy.py), for every persona with a demo
account, through the Django test client with an OTP-verified session. Each path is
requested once to warm up, then `--repeat` times; prints the median wall time, the
status, the queries of the last request, the persona and the path, slowest first.

It found the team home page sorting the whole scope (174 ms) and the start page of
asking for help listing every unsent draft (3.4 s) on 2026-12-07.

The static files must be collected (their manifest), else every page answers 500:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal REDIS_URL=... \\
      DJANGO_SECRET_KEY=bench-only DJANGO_ALLOWED_HOSTS=testserver \\
      DJANGO_SECURE_SSL_REDIRECT=false DJANGO_STATIC_ROOT=/tmp/bk_static
    .venv/bin/python manage.py collectstatic --noinput -v0
    .venv/bin/python bench/pages_inprocess.py --top 30
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings")

import django  # noqa: E402

django.setup()

from casework_bench import verified_test_client  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.browser.axe_pages import PERSONAS, ROUTE_PAGES, Persona, Visit  # noqa: E402
from tests.test_access_policy import POLICY  # noqa: E402

# Paths that need a draft started in a browser: none here.
NO_DRAFT = "00000000-0000-0000-0000-000000000000"


def persona_paths(name: str, persona: Persona, user: object) -> Iterator[list[str]]:
    """Per route that this persona's role may open, the paths the axe sweep opens
    there for it."""
    visit = Visit(name, persona, user, start_draft=lambda: NO_DRAFT)
    for route, page in ROUTE_PAGES.items():
        allowed = POLICY.get(route)
        if allowed is None:
            if name not in page.visitors:
                continue
        elif persona.role not in allowed:
            continue
        try:
            targets = page.paths(visit)
        except Exception as error:  # no such object for this persona
            print(f"skipped {route} for {name}: {error}")
            continue
        yield [target if isinstance(target, str) else target[0] for target in targets]


def median_wall(client: Client, path: str, repeat: int) -> tuple[float, int, int]:
    """(median ms, status, queries of the last request), after one warm-up."""
    client.get(path)
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        walls.append((time.perf_counter() - started) * 1000)
    return statistics.median(walls), response.status_code, len(queries)


def timings(repeat: int, per_page: int) -> list[tuple[float, str, str, int, int]]:
    found = []
    for name, persona in PERSONAS.items():
        if persona.role is None:
            continue  # anonymous: the public pages, also opened by the resident
        try:
            user = persona.user()
        except Exception as error:  # the sweep makes some accounts itself
            print(f"skipped {name}: {error}")
            continue
        client = verified_test_client(user)
        client.raise_request_exception = False
        for paths in persona_paths(name, persona, user):
            for path in paths[:per_page]:
                if NO_DRAFT not in path:
                    wall, status, queries = median_wall(client, path, repeat)
                    found.append((wall, name, path, status, queries))
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paths-per-page", type=int, default=2)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # refused paths
    found = timings(args.repeat, args.paths_per_page)
    for wall, name, path, status, queries in found[: args.top]:
        print(f"{wall:8.1f} ms  {status}  {queries:3d} queries  {name:16s} {path}")
    print(f"{len(found)} paths timed")


if __name__ == "__main__":
    main()

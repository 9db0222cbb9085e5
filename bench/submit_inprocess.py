"""Help-request submission in-process: ms per request through the Django test client.

Logs in as the demo resident with a session made through the ORM (as bench/run.py
does), makes one complete draft per submission (bench/run.py `make_drafts`), then
posts the submissions in turn with the bench's floors and references (with
DJANGO_SETTINGS_MODULE=bench.settings): the logged-in POST that only redirects and
the anonymous one-insert view. Reports the median and p95 of the wall time and of
the process CPU time per request, and the queries of one submission. `--profile`
prints the cProfile of the submissions instead.

    DATABASE_URL=... REDIS_URL=... DJANGO_SECRET_KEY=... \\
      DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \\
      DJANGO_SETTINGS_MODULE=bench.settings \\
      .venv/bin/python bench/submit_inprocess.py --requests 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialdomain.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from run import (  # noqa: E402
    RESIDENT_EMAIL,
    make_drafts,
    print_profile,
    print_query_times,
    session_for,
)

SUBMIT = "submission"


def resident() -> Client:
    browser = Client()
    for name, value in session_for(RESIDENT_EMAIL).items():
        browser.cookies[name] = value
    return browser


def submitter(browser: Client, drafts: list[str]) -> Callable[[], int]:
    def post() -> int:
        return browser.post(f"/help/{drafts.pop()}/send/").status_code

    return post


def measure(pages: dict[str, Callable[[], int]], count: int) -> None:
    """Pages in turn (interleaved), after 20 warm-up requests each."""
    wall: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for post in pages.values():
        for _ in range(20):
            assert post() in (200, 302)
    for _ in range(count):
        for name, post in pages.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            status = post()
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            assert status in (200, 302), (name, status)
    medians = {}
    for name, post in pages.items():
        with CaptureQueriesContext(connection) as queries:
            post()
        w, c = sorted(wall[name]), sorted(cpu[name])
        medians[name] = statistics.median(w)
        print(
            f"{name}: {len(w)} requests, wall p50 {medians[name]:.2f} ms, "
            f"p95 {w[int(len(w) * 0.95)]:.2f} ms; CPU p50 "
            f"{statistics.median(c):.2f} ms; {len(queries)} queries"
        )
        if name == SUBMIT:
            for query in queries.captured_queries:
                print(
                    f"    {query['time']} s  {' '.join(str(query['sql']).split())[:150]}"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()
    print(f"DEBUG {settings.DEBUG}, settings {os.environ['DJANGO_SETTINGS_MODULE']}")
    browser = resident()
    drafts = make_drafts(RESIDENT_EMAIL, args.requests + 30)
    pages = {SUBMIT: submitter(browser, drafts)}
    if settings.ROOT_URLCONF == "bench.urls":
        from bench.reference import create_insert_table

        create_insert_table()
        anonymous = Client()
        pages["logged-in POST floor"] = lambda: (
            browser.post("/bench-reference/logged-in-post/").status_code
        )
        pages["one-insert reference"] = lambda: (
            anonymous.post("/bench-reference/one-insert/", {"note": "x"}).status_code
        )
    if args.profile:
        print_profile(pages[SUBMIT], args.requests)
        return
    if args.queries:
        print_query_times(pages[SUBMIT], args.requests)
        return
    measure(pages, args.requests)


if __name__ == "__main__":
    main()

"""The caseworker queue in-process: ms per request through the Django test client.

Logs in as the demo caseworker with an OTP-verified session made through the ORM (as
bench/run.py does), finds the deep page by following 40 "Next page" links, then
requests the first and the deep page in turn (with DJANGO_SETTINGS_MODULE=
bench.settings also the bench's one-query reference view, anonymously) and reports
the median and p95 of the wall time and of the process CPU time per request.
`--queries` prints the median time of each query, `--profile` the cProfile of the first page instead.

    DATABASE_URL=... REDIS_URL=... DJANGO_SECRET_KEY=... \\
      DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \\
      .venv/bin/python bench/queue_inprocess.py --requests 200
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
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
from run import CASEWORKER_EMAIL, print_profile, print_query_times, session_for  # noqa: E402

QUEUE = "/casework/queue/"
REFERENCE = "one-query reference"
NEXT = re.compile(r'href="(\?[^"]+)" rel="next"')


def client() -> Client:
    browser = Client()
    for name, value in session_for(CASEWORKER_EMAIL).items():
        browser.cookies[name] = value
    return browser


def deep_url(browser: Client, pages: int) -> str:
    url = QUEUE
    for _ in range(pages):
        found = NEXT.search(browser.get(url).content.decode())
        if not found:
            break
        url = QUEUE + html.unescape(found.group(1))
    return url


def measure(pages: dict[str, tuple[Client, str]], count: int) -> None:
    """Pages in turn (interleaved), after 20 warm-up requests each."""
    wall: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for browser, url in pages.values():
        for _ in range(20):
            assert browser.get(url).status_code == 200
    for _ in range(count):
        for name, (browser, url) in pages.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            response = browser.get(url)
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
    medians = {}
    for name, (browser, url) in pages.items():
        with CaptureQueriesContext(connection) as queries:
            browser.get(url)
        w, c = sorted(wall[name]), sorted(cpu[name])
        medians[name] = statistics.median(w)
        print(
            f"{name}: {len(w)} requests, wall p50 {medians[name]:.2f} ms, "
            f"p95 {w[int(len(w) * 0.95)]:.2f} ms; CPU p50 "
            f"{statistics.median(c):.2f} ms; {len(queries)} queries"
        )
    if REFERENCE in medians:
        for name in pages:
            if name != REFERENCE:
                ratio = medians[REFERENCE] / medians[name]
                print(f"{name} vs {REFERENCE} (p50 ms, in-process): {ratio:.3f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--deep", type=int, default=40)
    args = parser.parse_args()
    print(f"DEBUG {settings.DEBUG}, settings {os.environ['DJANGO_SETTINGS_MODULE']}")
    browser = client()
    urls = {"first page": QUEUE, "deep page": deep_url(browser, args.deep)}
    pages = {name: (browser, url) for name, url in urls.items()}
    if settings.ROOT_URLCONF == "bench.urls":
        # As bench/run.py compares: an anonymous request of the one-ORM-lookup view.
        pages[REFERENCE] = (Client(), "/bench-reference/one-query/")
    if args.profile:
        print_profile(lambda: browser.get(QUEUE), args.requests)
        return
    if args.queries:
        print_query_times(lambda: browser.get(QUEUE), args.requests)
        return
    measure(pages, args.requests)


if __name__ == "__main__":
    main()

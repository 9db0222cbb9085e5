"""The case page in-process: ms per request through the Django test client.

As bench/queue_inprocess.py, for the case page that `make bench` measures (the
open request of the caseworker's own caseload with the longest history), against
the one-query reference view when DJANGO_SETTINGS_MODULE=bench.settings.
`--queries` prints the median time of each query, `--profile` the cProfile of the case page instead.

    DATABASE_URL=... REDIS_URL=... DJANGO_SECRET_KEY=... \\
      DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECURE_SSL_REDIRECT=false \\
      .venv/bin/python bench/case_inprocess.py --requests 200
"""

from __future__ import annotations

import argparse

from casework_bench import pick_case
from django.conf import settings
from django.test import Client
from queue_inprocess import REFERENCE, client, measure  # also sets Django up
from run import CASEWORKER_EMAIL, print_profile, print_query_times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--queries", action="store_true")
    args = parser.parse_args()
    browser = client()
    url = f"/casework/requests/{pick_case(CASEWORKER_EMAIL)}/"
    pages = {"case page": (browser, url)}
    if settings.ROOT_URLCONF == "bench.urls":
        pages[REFERENCE] = (Client(), "/bench-reference/one-query/")
    if args.profile:
        print_profile(lambda: browser.get(url), args.requests)
        return
    if args.queries:
        print_query_times(lambda: browser.get(url), args.requests)
        return
    measure(pages, args.requests)


if __name__ == "__main__":
    main()

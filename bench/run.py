"""`make bench`: the portal's pages against bare Django references, in one run.

Loads deterministic data once (generate_cases + generate_dashboard_data, both COPY)
into its own database and reuses it on later runs (checked by the row count), serves
the portal with gunicorn as in production (2 sync workers, DEBUG off, persistent
connections) under bench.settings (the production settings plus bench/urls.py, which
adds the reference views of bench/reference.py), and measures all pages interleaved:
in each round every page gets the same fixed time with the same number of concurrent
clients (processes), so noise from other work hits all pages alike. SQL queries per
page are counted in-process (Django test client, CaptureQueriesContext); worker
memory is PSS from /proc/<pid>/smaps_rollup, next to a gunicorn serving bench/bare.py.

    make bench                       # full: 100,000 cases + 1,000,000 dashboard requests
    make bench BENCH_ARGS=--quick    # smoke: small data, one short round
    .venv/bin/python bench/run.py --write docs/performance.md

The database URL is BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_portal; --quick appends `_quick`). Only
databases whose name starts with `bench_` are ever created or dropped.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import platform
import pstats
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casework_bench import (  # noqa: E402
    DEMO_EMAIL as CASEWORKER_EMAIL,
)
from casework_bench import (  # noqa: E402
    PYTHON,
    ROOT,
    follow_pages,
    gunicorn,
    machine,
    percentile,
    pick_case,
    prepare,
    request,
    say,
    server_environment,
)

ALDERMAN_EMAIL = "wethouder@den-helder.buurtkracht.test"
RESIDENT_EMAIL = "inwoner@den-helder.buurtkracht.test"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_portal"
SEED = 42
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Scale:
    cases: int
    dashboard: int


FULL = Scale(cases=100_000, dashboard=1_000_000)
QUICK = Scale(cases=2_000, dashboard=10_000)


# --- data ----------------------------------------------------------------------------


def database_url(quick: bool) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if quick:
        url += "_quick"
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name.startswith("bench_"):
        sys.exit(f"The bench database must be named bench_*, not {name!r}.")
    return url


def psql(url: str, sql: str, database: str = "postgres") -> str:
    parts = urllib.parse.urlparse(url)
    admin = parts._replace(path=f"/{database}").geturl()
    return subprocess.run(
        ["psql", admin, "-Atqc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def loaded_count(url: str) -> int | None:
    """Help requests in the bench database; None when it or the table is missing."""
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        return None
    try:
        return int(psql(url, "SELECT count(*) FROM citizens_helprequest", name))
    except subprocess.CalledProcessError:
        return 0


def manage(step: list[str], env: dict[str, str]) -> None:
    """`manage.py *step` on the bench database, with the production settings."""
    subprocess.run(
        [PYTHON, "manage.py", *step],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "socialdomain.settings"},
        check=True,
    )


def ensure_data(url: str, scale: Scale, env: dict[str, str]) -> dict[str, str]:
    """Load the data unless the database already holds at least that many
    requests. Returns facts about the load for the report."""
    name = urllib.parse.urlparse(url).path.lstrip("/")
    wanted = scale.cases + scale.dashboard
    found = loaded_count(url)
    if found is not None and found >= wanted:
        say(f"reusing {name}: {found:,} help requests (>= {wanted:,})")
        # The code's own migrations, and the visibility maps and dead rows that
        # the runs before left (each submits thousands of requests; the queue's
        # index-only scans read the table for every changed page; the dashboards'
        # dirty queue is emptied by deleting): every run starts alike, as
        # autovacuum keeps the tables in production (citizens/migrations/0012),
        # also on a server whose autovacuum is off (as on some bench machines).
        started = time.monotonic()
        manage(["migrate", "-v0"], env)
        psql(url, "VACUUM (ANALYZE)", name)
        return {
            "data": f"reused database {name} ({found:,} help requests); migrate and "
            f"VACUUM ANALYZE (the whole database) before measuring: "
            f"{time.monotonic() - started:.0f} s"
        }
    if found is not None:
        say(f"{name} holds {found:,} help requests, fewer than {wanted:,}: reloading")
        psql(url, f'DROP DATABASE "{name}" WITH (FORCE)')
    psql(url, f'CREATE DATABASE "{name}"')
    steps = [
        ["migrate", "-v0"],
        ["seed_demo"],
        ["generate_cases", "--count", str(scale.cases), "--seed", str(SEED)],
        [
            "generate_dashboard_data",
            "--count",
            str(scale.dashboard),
            # Another seed than the cases': the same seed gives the same UUIDs.
            "--seed",
            str(SEED + 1),
        ],
    ]
    timings = []
    for step in steps:
        say(f"manage.py {' '.join(step)}")
        started = time.monotonic()
        manage(step, env)
        timings.append(f"{step[0]} {time.monotonic() - started:.0f} s")
    return {"data": f"loaded into {name} now: " + ", ".join(timings)}


# --- sessions --------------------------------------------------------------------------


def session_for(email: str) -> dict[str, str]:
    """Cookies of a logged-in session made through the ORM, as `login()` and the
    code step would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from accounts.two_factor import mark_verified

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Second factor passed, as after a whole login (accounts.two_factor).
    mark_verified(type("Login", (), {"session": store})(), "bench")
    store.create()
    return {settings.SESSION_COOKIE_NAME: store.session_key}


def csrf_pair(port: int, path: str, cookies: dict[str, str]) -> tuple[str, str]:
    """(cookie, form token) as a browser gets them from a page with a form."""
    from django.conf import settings

    page = request(port, "GET", path, cookies=cookies)
    token = TOKEN.search(page.body)
    cookie = page.cookies.get(settings.CSRF_COOKIE_NAME)
    if page.status != 200 or not token or not cookie:
        sys.exit(f"{path} gave no CSRF token (HTTP {page.status}).")
    return cookie, token.group(1)


def make_drafts(email: str, n: int) -> list[str]:
    """n complete drafts of the resident (every step answered), one per submission.

    They give a postcode of the caseworker's municipality outside the measured
    caseworker's district: the requests the run sends must not land in the queue
    it measures (each full run sends about 2,000, which grew that team's open
    requests by half between runs)."""
    from accounts.models import User
    from citizens.models import HelpRequestDraft
    from citizens.services import checked_steps
    from citizens.tests.factories import complete_answers
    from municipalities.models import PostcodeArea

    owner = User.objects.get(email=email)
    caseworker = User.objects.select_related("team").get(email=CASEWORKER_EMAIL)
    area = (
        PostcodeArea.objects.filter(
            neighbourhood__district__municipality_id=caseworker.municipality_id
        )
        .exclude(neighbourhood__district_id=caseworker.team.district_id)
        .order_by("prefix")
        .first()
    )
    if area is None:
        sys.exit("No postcode outside the caseworker's district to send requests from.")
    answers = complete_answers({"contact": {"postcode": f"{area.prefix} AB"}})
    # Checked as the steps' pages check them when a resident fills them in.
    checked = checked_steps(answers)
    drafts = HelpRequestDraft.objects.bulk_create(
        [
            HelpRequestDraft(owner=owner, answers=answers, checked=checked)
            for _ in range(n)
        ],
        batch_size=1000,
    )
    return [str(draft.public_id) for draft in drafts]


# --- pages ---------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    cookies: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    form: dict[str, str] | None = None
    expect: int = 200
    drafts: bool = False  # path has {draft}: a new draft per request
    # Other URLs of the same page (other cursors of the queue): each request takes
    # the next of (path, *more_paths), each client from a place of its own.
    more_paths: tuple[str, ...] = ()
    spare_drafts: list[str] = field(default_factory=list)  # for counting queries
    pool: list[str] = field(default_factory=list)  # unused drafts (parent only)
    queries: int | None = None
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    exhausted: bool = False
    # CPU seconds (user + system) spent during this page's slots by the gunicorn
    # workers and by the PostgreSQL processes (see `cpu_seconds`).
    server_cpu: float = 0.0
    database_cpu: float = 0.0


# Per client: more than a worker can submit (at 150, 321 req/s ran out of drafts).
DRAFTS_PER_SECOND = 400


def _client_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool ends its clients so


def _client(
    port: int, page: Page, seconds: float, drafts: list[str]
) -> tuple[list[float], int, bool]:
    """One client in a closed loop for `seconds`: (latencies of good answers,
    errors, ran out of drafts). A submission page uses one of `drafts` per request."""
    latencies: list[float] = []
    errors = 0
    paths = (page.path, *page.more_paths)
    turn = os.getpid()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        turn += 1
        path = paths[turn % len(paths)]
        if page.drafts:
            if not drafts:
                return latencies, errors, True
            path = path.format(draft=drafts.pop())
        answer = request(port, page.method, path, cookies=page.cookies, form=page.form)
        if answer.status == page.expect:
            latencies.append(answer.seconds)
        else:
            errors += 1
    return latencies, errors, False


def cpu_seconds(pids: Sequence[int]) -> dict[int, float]:
    """CPU time (user + system) each process has used so far, from /proc/<pid>/stat;
    a process that has ended is left out."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the name, which may hold ")"
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (backends, WAL writer,
    checkpointer...): none when the database runs elsewhere."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                pids.append(int(comm.parent.name))
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return pids


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two `cpu_seconds` readings by the processes alive at
    the second one (a process started in between counts from zero; one that ended
    in between is missed)."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


def measure(
    pool: Any,
    port: int,
    pages: list[Page],
    rounds: int,
    seconds: float,
    clients: int,
    label: str = "round",
    server: Sequence[int] = (),
) -> None:
    """`server`: the gunicorn workers' pids, whose CPU time (and the PostgreSQL
    processes') is added up per page."""
    per = int(seconds * DRAFTS_PER_SECOND)
    for number in range(1, rounds + 1):
        say(
            f"{label} {number}/{rounds}: {len(pages)} pages × {seconds:g} s, {clients} clients"
        )
        for page in pages:
            # Read before the slot's clock starts: the /proc scan is not the page's.
            workers = cpu_seconds(server)
            database = cpu_seconds(postgres_pids())
            started = time.perf_counter()
            chunks = [
                [page.pool.pop() for _ in range(min(per, len(page.pool)))]
                if page.drafts
                else []
                for _ in range(clients)
            ]
            spec = replace(page, latencies=[], pool=[], spare_drafts=[])
            results = pool.starmap(
                _client, [(port, spec, seconds, chunk) for chunk in chunks]
            )
            page.seconds += time.perf_counter() - started
            page.server_cpu += cpu_spent(workers, cpu_seconds(server))
            page.database_cpu += cpu_spent(database, cpu_seconds(postgres_pids()))
            for latencies, errors, exhausted in results:
                page.latencies += latencies
                page.errors += errors
                page.exhausted |= exhausted


def count_queries(pages: list[Page], sessions: dict[str, dict[str, str]]) -> None:
    """In-process, through the benchmark's URLconf: the SQL queries of each page
    (the second of two requests, so per-session one-offs are not counted)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        client = Client()
        client.raise_request_exception = False
        for name, value in page.cookies.items():
            if name == settings.SESSION_COOKIE_NAME:
                client.cookies[name] = value
        for _ in range(2):
            path = page.path
            if page.drafts:
                path = path.format(draft=page.spare_drafts.pop())
            with CaptureQueriesContext(connection) as captured:
                if page.method == "POST":
                    response = client.post(path, page.form or {})
                else:
                    response = client.get(path)
        if response.status_code == page.expect:
            page.queries = len(captured.captured_queries)
        else:
            say(f"in-process {page.path} answered {response.status_code}")


# --- memory ----------------------------------------------------------------------------


def workers_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def pss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss in /proc/{pid}/smaps_rollup")


def bare_worker_memory(env: dict[str, str], folder: Path, warm: int) -> list[float]:
    """PSS of the workers of a gunicorn serving bench/bare.py after `warm` requests
    of each page (half from each of two clients at once), until every worker has
    served: one client alone often leaves the second worker idle, and a worker fresh
    from the fork shares nearly all its pages, so its PSS is lower than that of any
    worker that served."""
    (folder / "bare").mkdir(exist_ok=True)
    with gunicorn(
        env,
        workers=2,
        folder=folder / "bare",
        app="bench.bare:application",
        ready_path="/hello/",
    ) as (port, pid):
        workers = set(workers_of(pid))

        def client(count: int) -> set[int]:
            served = set()
            for _ in range(count):
                request(port, "GET", "/hello/")
                served.add(int(request(port, "GET", "/one-query/").body.split()[1]))
            return served

        served: set[int] = set()
        with ThreadPoolExecutor(max_workers=2) as clients:
            for _ in range(10):
                for part in clients.map(client, [warm // 2 or 1] * 2):
                    served |= part
                if workers <= served:
                    break
        if not workers <= served:
            say(f"bare workers that served no request: {sorted(workers - served)}")
        return [pss_mb(worker) for worker in workers_of(pid)]


# --- report ----------------------------------------------------------------------------


def rate(page: Page) -> float:
    return len(page.latencies) / page.seconds if page.seconds else 0.0


def fmt_ms(values: list[float], fraction: float | None) -> str:
    if not values:
        return "–"
    value = (
        statistics.median(values) if fraction is None else percentile(values, fraction)
    )
    return f"{value * 1000:.1f}"


def cpu_per_request(page: Page, spent: float) -> str:
    """CPU milliseconds per request (good or not) of the page's slots."""
    requests = len(page.latencies) + page.errors
    return f"{spent / requests * 1000:.2f}" if requests and spent else "–"


def results_table(pages: list[Page]) -> str:
    lines = [
        "| Page | req/s | p50 ms | p95 ms | p99 ms | SQL queries | requests | errors "
        "| gunicorn CPU ms/req | PostgreSQL CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        note = " (ran out of drafts)" if page.exhausted else ""
        lines.append(
            f"| {page.name}{note} | {rate(page):.1f} | {fmt_ms(page.latencies, None)} | "
            f"{fmt_ms(page.latencies, 0.95)} | {fmt_ms(page.latencies, 0.99)} | "
            f"{'?' if page.queries is None else page.queries} | "
            f"{len(page.latencies)} | {page.errors} | "
            f"{cpu_per_request(page, page.server_cpu)} | "
            f"{cpu_per_request(page, page.database_cpu)} |"
        )
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def targets_table(
    by_name: dict[str, Page],
    live: dict[str, tuple[float, float, bool]],
    worker_mb: list[float],
    bare_mb: list[float],
) -> str:
    one_query = by_name["one_query"]
    submit = by_name["submit"]
    one_insert = by_name["one_insert"]
    dashboard = by_name["dashboard"]
    rows = [
        "| Comparison | measured | target | verdict |",
        "|---|---:|---:|---|",
    ]
    for key in ("queue", "deep", "case"):
        page = by_name[key]
        ratio = rate(page) / rate(one_query) if rate(one_query) else 0.0
        queries_ok = page.queries is not None and page.queries <= 6
        rows.append(
            f"| {page.name} vs one-query view (req/s) | {ratio:.3f}× with "
            f"{page.queries} queries | ≥ 0.25× with ≤ 6 queries | "
            f"{verdict(ratio >= 0.25 and queries_ok)} |"
        )
    ratio = rate(submit) / rate(one_insert) if rate(one_insert) else 0.0
    rows.append(
        f"| {submit.name} vs one-insert view (req/s) | {ratio:.3f}× | ≥ 0.5× | "
        f"{verdict(ratio >= 0.5)} |"
    )
    # No targets: what any logged-in request costs here before a page does anything
    # of its own, to read the two targets above against.
    for key, reference in (("layout", one_query), ("post_floor", one_insert)):
        floor = by_name[key]
        ratio = rate(floor) / rate(reference) if rate(reference) else 0.0
        rows.append(
            f"| {floor.name}, {floor.queries} queries, vs {reference.name} (req/s) "
            f"| {ratio:.3f}× | no target (floor) | — |"
        )
    summary, computed, equal = live["whole municipality, 12 months"]
    page_p50 = statistics.median(dashboard.latencies) if dashboard.latencies else 0
    page_ratio = computed / page_p50 if page_p50 else 0.0
    rows.append(
        f"| Dashboard page over HTTP (p50 {page_p50 * 1000:.1f} ms) vs the same "
        f"figures computed live in-process (p50 {computed * 1000:.1f} ms) | "
        f"{page_ratio:.1f}× | ≥ 50× | {verdict(page_ratio >= 50)} |"
    )
    rows.append(
        f"| Figures from the summary tables (p50 {summary * 1000:.1f} ms) vs computed "
        f"live, in-process, equal: {'yes' if equal else 'NO'} | "
        f"{computed / summary:.0f}× | ≥ 50× | {verdict(computed / summary >= 50)} |"
    )
    worst = max(worker_mb) / max(statistics.mean(bare_mb), 1e-9)
    rows.append(
        f"| Portal worker PSS ({', '.join(f'{m:.1f}' for m in worker_mb)} MB) vs bare "
        f"Django worker ({', '.join(f'{m:.1f}' for m in bare_mb)} MB) | "
        f"{worst:.2f}× (largest worker / bare mean) | ≤ 2× | {verdict(worst <= 2)} |"
    )
    return "\n".join(rows)


def machine_facts() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    versions = []
    for package in ("django", "gunicorn", "psycopg", "whitenoise"):
        from importlib.metadata import version

        versions.append(f"{package} {version(package)}")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "bench", "socialdomain"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "nproc": str(os.cpu_count()),
        **machine(),
        "PostgreSQL": pg,
        "Python": platform.python_version(),
        "packages": ", ".join(versions),
        "git commit": commit
        + (" (with uncommitted changes in bench/ or socialdomain/)" if dirty else ""),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def write_section(path: Path, section: str) -> None:
    """Replace the `## make bench` section of `path` (or append it), keeping the
    earlier sections as they are; a file that does not exist yet is made with the
    section alone."""
    text = path.read_text() if path.exists() else ""
    heading = "## make bench"
    start = text.find(f"\n{heading}\n")
    if not text.strip():
        text = section
    elif start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        rest = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + (text[rest:] if rest != -1 else "")
    path.write_text(text)


ABOUT = """\
`make bench` (bench/run.py) measures the portal's pages against bare Django
reference views in one interleaved run: gunicorn as in production (2 sync workers,
DEBUG off, persistent connections) under `bench.settings`, which is the production
settings module with `bench/urls.py` as URLconf: the production URLs plus
`/bench-reference/hello/`, `/bench-reference/one-query/` (one ORM lookup) and
`/bench-reference/one-insert/` (a POST with a CSRF token, one raw INSERT into a table
of the benchmark's own), and two floors without targets: `/bench-reference/layout/`
(the portal's layout with an empty page for the logged-in caseworker: the session
with its user, notification badge) and `/bench-reference/logged-in-post/` (the resident's POST with
a CSRF token that writes nothing and redirects). The production URLconf does not
route to them (tests/test_bench_reference_urls.py). Data: `generate_cases --count
100000 --seed 42` and `generate_dashboard_data --count 1000000 --seed 43` into one database
(bench_portal), loaded once and reused while it holds at least 1,100,000 requests
(migrated, and the whole database vacuumed, before each run that reuses it).
Staff sessions are made through the ORM (SessionStore; OTP-verified when django_otp is
installed). Each submission posts a new complete draft of the demo resident, with a
postcode outside the measured caseworker's district, its steps checked as the step
pages check them when a resident fills them in. The deep queue page is each time
another of the pages 21 to 40 on (found by following the next-page links), as a
caseworker paging on asks for pages not seen before. Memory: PSS
(/proc/<pid>/smaps_rollup) of each portal worker after the run, against a gunicorn
serving bench/bare.py (no apps, no middleware). This section is rewritten by
`.venv/bin/python bench/run.py --write docs/performance.md`; the sections before it
are kept.
"""


def print_profile(call: Callable[[], object], count: int) -> None:
    """cProfile of `count` calls after 20 unprofiled ones, for the in-process
    scripts' --profile: by cumulative and by own time."""
    for _ in range(20):
        call()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        call()
    profile.disable()
    stats = pstats.Stats(profile).sort_stats("cumulative")
    stats.print_stats(60)
    stats.sort_stats("tottime").print_stats(40)


def print_query_times(call: Callable[[], object], count: int) -> None:
    """The median wall time of each query of `call` (by its place in the
    request) over `count` calls, with the start of its SQL, for the in-process
    scripts' --queries: Django's own query log keeps times in whole milliseconds.
    Timed around the cursor's execute by an execute_wrapper, so it includes the
    client's share and the round trip."""
    from django.db import connection

    for _ in range(20):
        call()
    times: list[list[float]] = []
    sql: list[str] = []
    current: list[float] = []

    def timed(execute, statement, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            current.append((time.perf_counter() - started) * 1000)
            if len(current) > len(sql):
                sql.append(" ".join(str(statement).split())[:110])

    with connection.execute_wrapper(timed):
        for _ in range(count):
            current.clear()
            call()
            for index, spent in enumerate(current):
                if index == len(times):
                    times.append([])
                times[index].append(spent)
    for index, spent in enumerate(times):
        print(f"{index:3d} {statistics.median(spent):7.3f} ms  {sql[index]}")
    print(f"    {sum(statistics.median(s) for s in times):7.3f} ms in all")


# --- main ----------------------------------------------------------------------------


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Smoke run: small data, one short round."
    )
    parser.add_argument("--rounds", type=int, help="Default 15 (quick: 1).")
    parser.add_argument(
        "--seconds", type=float, help="Per page per round; default 1 (quick: 1)."
    )
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, help="In-process dashboard repetitions.")
    parser.add_argument(
        "--write", type=Path, help="Write the results section into this file."
    )
    args = parser.parse_args()
    # Many short slots rather than a few long ones: this machine's speed drifts
    # within a run, and the drift must fall on all pages alike. With the same code
    # on two servers in turn, 4 rounds of 5 s gave 11 % between them for the same
    # view, 20 rounds of 1 s 0-3 % (docs/performance.md, 2026-12-07 morning).
    rounds = args.rounds or (1 if args.quick else 15)
    seconds = args.seconds or 1.0
    runs = args.runs or (4 if args.quick else 20)
    scale = QUICK if args.quick else FULL
    command = "make bench" + (
        f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else ""
    )

    url = database_url(args.quick)
    folder = Path(tempfile.mkdtemp(prefix="bench-run-"))
    os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))
    try:
        base = {
            **server_environment(folder / "static"),
            "DATABASE_URL": url,
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        }
        load_facts = ensure_data(url, scale, base)
        env = {**base, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        prepare(env)
        from django.db import connection

        from bench.reference import create_insert_table

        create_insert_table()
        facts = {**machine_facts(), **load_facts}
        from accounts.models import User
        from citizens.models import HelpRequest

        caseworker = User.objects.get(email=CASEWORKER_EMAIL)
        facts["help requests in the database"] = f"{HelpRequest.objects.count():,}"
        facts[f"visible to {CASEWORKER_EMAIL}"] = (
            f"{HelpRequest.objects.visible_to(caseworker).count():,}"
        )
        sessions = {
            "caseworker": session_for(CASEWORKER_EMAIL),
            "alderman": session_for(ALDERMAN_EMAIL),
            "resident": session_for(RESIDENT_EMAIL),
        }
        case = pick_case(CASEWORKER_EMAIL)
        # Earlier runs' submissions are new requests: bring the summaries up to date
        # as the periodic refresh job would, before comparing them with live figures.
        from dashboards.refresh import refresh

        refreshed = refresh()
        facts["incremental dashboard refresh before comparing"] = (
            f"{refreshed.seconds * 1000:.0f} ms ({refreshed.cells} cells)"
        )
        say("in-process: dashboard figures from summaries vs computed live")
        from dashboard_bench import summary_vs_live

        live_lines, live = summary_vs_live(User.objects.get(email=ALDERMAN_EMAIL), runs)
        # Enough drafts for every submission the clients could make.
        drafts = make_drafts(
            RESIDENT_EMAIL,
            int((rounds * seconds + 1) * args.clients * DRAFTS_PER_SECOND) + 1,
        )
        connection.close()

        with gunicorn(env, workers=args.workers, folder=folder) as (port, pid):
            say(
                f"gunicorn bench.settings, {args.workers} sync workers, 127.0.0.1:{port}"
            )
            resident = sessions["resident"]
            review = f"/help/{drafts[-1]}/review/"
            csrf_cookie, csrf_token = csrf_pair(port, review, resident)
            from django.conf import settings

            csrf = {settings.CSRF_COOKIE_NAME: csrf_cookie}
            # Pages 21 to 40 on, a different one for each request (as a caseworker
            # paging on asks for a page it has not seen).
            queue_pages = follow_pages(
                port, sessions["caseworker"], "/casework/queue/", 40
            )
            deep, *other_deep = queue_pages[-20:]
            first_deep, followed = len(queue_pages) - 20, len(queue_pages) - 1
            pages = {
                "hello": Page("Bare hello page (reference)", "/bench-reference/hello/"),
                "one_query": Page(
                    "One-query view (reference)", "/bench-reference/one-query/"
                ),
                "one_insert": Page(
                    "One-insert view (reference, POST + CSRF)",
                    "/bench-reference/one-insert/",
                    cookies=csrf,
                    method="POST",
                    form={"csrfmiddlewaretoken": csrf_token, "note": "bench"},
                ),
                "layout": Page(
                    "Floor: the layout, logged in (caseworker, empty page)",
                    "/bench-reference/layout/",
                    sessions["caseworker"],
                ),
                "post_floor": Page(
                    "Floor: a logged-in POST + CSRF that only redirects (resident)",
                    "/bench-reference/logged-in-post/",
                    {**resident, **csrf},
                    method="POST",
                    form={"csrfmiddlewaretoken": csrf_token},
                    expect=302,
                ),
                "queue": Page(
                    "Caseworker queue, first page",
                    "/casework/queue/",
                    sessions["caseworker"],
                ),
                "deep": Page(
                    f"Caseworker queue, deep pages ({first_deep} to {followed} "
                    "pages on, one per request)",
                    deep,
                    sessions["caseworker"],
                    more_paths=tuple(other_deep),
                ),
                "case": Page(
                    "Case page", f"/casework/requests/{case}/", sessions["caseworker"]
                ),
                "submit": Page(
                    "Help-request submission (POST + CSRF, new draft each)",
                    "/help/{draft}/send/",
                    {**resident, **csrf},
                    method="POST",
                    form={"csrfmiddlewaretoken": csrf_token},
                    expect=302,
                    drafts=True,
                ),
                "dashboard": Page(
                    "Dashboard (alderman, 12 months)",
                    "/dashboard/",
                    sessions["alderman"],
                ),
                "map": Page(
                    "Social map search (anonymous, q=schulden)",
                    "/networks/social-map/den-helder/?q=schulden",
                ),
            }
            ordered = list(pages.values())
            pages["submit"].pool = drafts[:-1]
            facts["load before measuring (uptime)"] = uptime()
            with multiprocessing.get_context("fork").Pool(
                args.clients, initializer=_client_init
            ) as pool:
                say("warm-up: 1 s per page")
                # Fresh figures, the same drafts (the warm-up uses some of them).
                warm = [replace(p, latencies=[], pool=p.pool) for p in ordered]
                measure(pool, port, warm, 1, 1.0, args.clients, "warm-up")
                started = time.monotonic()
                measure(
                    pool,
                    port,
                    ordered,
                    rounds,
                    seconds,
                    args.clients,
                    server=workers_of(pid),
                )
                facts["measuring took"] = f"{time.monotonic() - started:.0f} s"
            facts["load after measuring (uptime)"] = uptime()
            worker_mb = [pss_mb(worker) for worker in workers_of(pid)]
        bare_mb = bare_worker_memory(env, folder, 200)

        say("in-process: SQL queries per page")
        pages["submit"].spare_drafts = make_drafts(RESIDENT_EMAIL, 2)
        count_queries(ordered, sessions)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    facts = {
        "date": date,
        **facts,
        "server": f"gunicorn bench.settings:wsgi, {args.workers} sync workers, DEBUG off, "
        "CONN_MAX_AGE 600 (settings default), access log on",
        "load generator": f"Python, {args.clients} client processes on the same machine, "
        f"a new connection per request; {rounds} round(s), {seconds:g} s per page per "
        "round, pages in turn (round robin), after a 1 s warm-up per page",
        "exact command": f"`{command}`",
    }
    body = "\n".join(
        [
            *(f"- {key}: {value}" for key, value in facts.items()),
            "",
            results_table(ordered),
            "",
            "req/s: good answers (200; 302 for the submission) divided by the wall time "
            "of that page's slots. SQL queries: counted in-process with the Django test "
            "client and CaptureQueriesContext, the second of two requests. CPU ms/req: "
            "CPU time (user + system, /proc) of the gunicorn workers and of all "
            "PostgreSQL processes on the machine during that page's slots, per request; "
            "the load generator's clients run on the same cores.",
            "",
            "Targets (ratios within this run):",
            "",
            targets_table(pages, live, worker_mb, bare_mb),
            "",
            "Dashboard figures in-process (bench/dashboard_bench.py `summary_vs_live`):",
            "",
            *live_lines,
        ]
    )
    print(body)
    if args.write:
        section = f"## make bench\n\n{ABOUT}\n\n### Run of {date}{' (quick smoke run)' if args.quick else ''}\n\n{body}\n"
        write_section(args.write, section)
        say(f"wrote the section into {args.write}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the casework pages under gunicorn, as in production.

Starts gunicorn (2 sync workers, DEBUG off) on a free loopback port against the
database in DATABASE_URL, logs in as a demo caseworker and measures, per page, the
latency with one client (p50/p95/p99) and the throughput with a few concurrent
clients. The number of SQL queries per page is counted in-process with Django's test
client. Prints a Markdown table; `--append docs/performance.md` adds it there.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bk_bench \\
        .venv/bin/python bench/casework_bench.py

Load the data first: `manage.py migrate`, `manage.py seed_demo` (with the real
settings, not settings_test, whose MD5 password hashes the server cannot check) and
`manage.py generate_cases --count 100000`.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_EMAIL = "consulent@den-helder.buurtkracht.test"
DEMO_PASSWORD = "Buurtkracht-demo-2026"
QUEUE = "/casework/queue/"
DEEP = "Queue, deep page"
NEXT_LINK = re.compile(r'href="([^"]*cursor=[^"]*)"')


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the server --------------------------------------------------------------------


def server_environment(static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY")
        or secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        # Only Celery uses Redis; the measured pages enqueue nothing.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "LOG_LEVEL": "WARNING",
        # One session for the whole measurement: the CSV downloads must not ask to
        # re-authenticate after five minutes.
        "REAUTHENTICATION_MINUTES": "600",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int,
    folder: Path,
    app: str = "socialdomain.wsgi:application",
    ready_path: str = "/accounts/login/",
    root: Path = ROOT,
) -> Iterator[tuple[int, int]]:
    """(port, pid) of a running gunicorn serving the code in `root`; stopped when
    the block ends."""
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            # Production logs every request (to stdout); keep that cost in.
            "--access-logfile",
            str(folder / "access.log"),
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(f"gunicorn stopped:\n{(folder / 'gunicorn.log').read_text()}")
            try:
                if get(port, ready_path).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not answer within 60 seconds")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


# --- HTTP --------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    cookies: dict[str, str]
    location: str
    seconds: float


def get(port: int, path: str, cookies: dict[str, str] | None = None) -> Response:
    return request(port, "GET", path, cookies=cookies)


def request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    headers = {"Host": f"127.0.0.1:{port}", "Accept-Language": "nl"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    set_cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        set_cookies[name.strip()] = rest.split(";", 1)[0]
    return Response(
        status=response.status,
        body=content.decode("utf-8", "replace"),
        cookies=set_cookies,
        location=response.headers.get("Location", ""),
        seconds=seconds,
    )


def log_in(port: int, email: str, password: str) -> dict[str, str]:
    page = get(port, "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if not token or "csrftoken" not in page.cookies:
        sys.exit("The login page has no CSRF token.")
    cookies = {"csrftoken": page.cookies["csrftoken"]}
    answer = request(
        port,
        "POST",
        "/accounts/login/",
        cookies=cookies,
        form={
            "csrfmiddlewaretoken": token.group(1),
            "username": email,
            "password": password,
        },
    )
    if answer.status != 302 or "sessionid" not in answer.cookies:
        sys.exit(
            f"Logging in as {email} failed (HTTP {answer.status}). Was seed_demo run "
            "with socialdomain.settings_test? Its MD5 password hashes are unknown to "
            "the real settings: run seed_demo with the real settings on a fresh "
            "database, or reset the password with `manage.py changepassword`. After "
            "repeated failures django-axes locks the account for a while."
        )
    cookies.update(answer.cookies)
    if answer.location.startswith("/accounts/two-factor/"):
        cookies = _second_factor(port, email, answer.location, cookies)
    return cookies


def _second_factor(
    port: int, email: str, location: str, cookies: dict[str, str]
) -> dict[str, str]:
    """The code step of a staff login, with the code of the account's authenticator
    app (the demo key of seed_demo), computed in this process (Django is set up)."""
    from accounts.models import User
    from accounts.two_factor import confirmed_totp_device, fresh_code

    page = get(port, location, cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    device = confirmed_totp_device(User.objects.get(email=email))
    if page.status != 200 or not token or device is None:
        sys.exit(
            f"{email}: the code step did not open (HTTP {page.status}) or the account "
            "has no authenticator app (run seed_demo)."
        )
    cookies = {**cookies, **page.cookies}
    answer = request(
        port,
        "POST",
        location,
        cookies=cookies,
        form={"csrfmiddlewaretoken": token.group(1), "code": fresh_code(device)},
    )
    if answer.status != 302 or answer.location.startswith("/accounts/two-factor/"):
        sys.exit(f"{email}: the code was refused (HTTP {answer.status}).")
    cookies.update(answer.cookies)
    return cookies


def verified_test_client(user: object) -> object:
    """A Django test client logged in as `user` with the second factor passed, as
    after a whole login (the in-process query counts)."""
    from django.test import Client

    from accounts.two_factor import mark_verified

    client = Client()
    client.force_login(user)
    session = client.session
    request = type("Login", (), {"session": session})()
    mark_verified(request, "bench")
    session.save()
    return client


# --- what to measure ---------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    anonymous: bool = False
    note: str = ""
    queries: int | None = None
    sql_seconds: float | None = None
    parallel: bool = False
    sequential: list[float] = field(default_factory=list)
    concurrent: list[float] = field(default_factory=list)
    concurrent_seconds: float = 0.0
    errors: int = 0


def our_processes(gunicorn_pid: int) -> list[int]:
    """This script, gunicorn and its workers, and the PostgreSQL backends of the
    benchmark database (the workers' persistent connections among them)."""
    from django.db import connection

    children = Path(f"/proc/{gunicorn_pid}/task/{gunicorn_pid}/children")
    pids = [os.getpid(), gunicorn_pid, *map(int, children.read_text().split())]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
        pids += [row[0] for row in cursor.fetchall()]
    return pids


def discover_deep_page(
    port: int, cookies: dict[str, str], first: str, depth: int
) -> tuple[str, int]:
    """Follow the queue's next-page links; (URL, pages followed)."""
    paths = follow_pages(port, cookies, first, depth)
    return paths[-1], len(paths) - 1


def follow_pages(
    port: int, cookies: dict[str, str], first: str, depth: int
) -> list[str]:
    """The URLs of the first page and of up to `depth` pages after it, each
    found by following the previous page's next-page link."""
    paths = [first]
    while len(paths) <= depth:
        answer = get(port, paths[-1], cookies)
        found = NEXT_LINK.findall(answer.body) if answer.status == 200 else []
        if not found:
            break
        paths.append(urllib.parse.urljoin(paths[-1], html.unescape(found[-1])))
    return paths


def django_facts(pages: list[Page], email: str) -> dict[str, str]:
    """In-process: SQL queries per page (test client, second request of two) and a
    few numbers about the data. Uses the same settings as the server."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from citizens.models import HelpRequest

    user = User.objects.get(email=email)
    client = verified_test_client(user)
    anonymous = Client()
    for page in pages:
        browser = anonymous if page.anonymous else client
        browser.raise_request_exception = False
        browser.get(page.path)
        sent: list[tuple[str, Any]] = []
        with (
            CaptureQueriesContext(connection) as captured,
            connection.execute_wrapper(_recording(sent)),
        ):
            response = browser.get(page.path)
        if response.status_code == 200:
            page.queries = len(captured.captured_queries)
            page.sql_seconds = sum(float(q["time"]) for q in captured.captured_queries)
            page.parallel = any(_is_parallel(sql, params) for sql, params in sent)
        else:
            say(f"{page.path} answered {response.status_code} in-process")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    facts = {
        "PostgreSQL": version,
        "help requests in the database": f"{HelpRequest.objects.count():,}",
        f"visible to {email}": f"{HelpRequest.objects.visible_to(user).count():,}",
        f"assigned to {email}": f"{HelpRequest.objects.filter(contact_person=user).count():,}",
    }
    connection.close()
    return facts


def _recording(sent: list[tuple[str, Any]]) -> Callable[..., Any]:
    """Execute wrapper that keeps each query as sent, with its values: the logged
    SQL of a server-side bound query shows only its $1, $2 placeholders."""

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    return record


def _is_parallel(sql: str, params: Any) -> bool:
    """Whether PostgreSQL plans this query with parallel workers (whose CPU time the
    interference figure cannot tell apart from other processes)."""
    from socialdomain.lib.compiled import preparing_cursor

    if not sql.startswith("SELECT"):
        return False
    # compiled.py's raw statements carry PostgreSQL's own $1, $2 placeholders.
    with preparing_cursor(raw="$1" in sql) as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return any("Gather" in row[0] for row in cursor.fetchall())


def pick_case(email: str) -> str:
    """An open request of the caseworker's own caseload with the longest history
    (outside one's caseload the page first asks for a reason)."""
    from django.db.models import Count

    from accounts.models import User
    from citizens.models import OPEN_STATUSES, HelpRequest

    user = User.objects.get(email=email)
    chosen = (
        HelpRequest.objects.visible_to(user)
        .filter(contact_person=user, status__in=OPEN_STATUSES)
        .annotate(
            events=Count("status_changes", distinct=True)
            + Count("messages", distinct=True)
            + Count("deadlines", distinct=True)
        )
        .order_by("-events", "-submitted_at")
        .values_list("reference", flat=True)
        .first()
    )
    if chosen is None:
        sys.exit(f"{email} has no open requests: run generate_cases first.")
    return chosen


# --- load ----------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def measure_sequential(
    port: int, cookies: dict[str, str], pages: list[Page], n: int
) -> None:
    """One client, the pages interleaved (round robin), `n` requests each."""
    for _ in range(n):
        for page in pages:
            answer = get(port, page.path, None if page.anonymous else cookies)
            if answer.status != 200:
                page.errors += 1
            page.sequential.append(answer.seconds)


def measure_concurrent(
    port: int, cookies: dict[str, str], page: Page, n: int, clients: int
) -> None:
    """`clients` threads in a closed loop until `n` requests of one page are done."""
    remaining = [n]
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            answer = get(port, page.path, None if page.anonymous else cookies)
            with lock:
                if answer.status != 200:
                    page.errors += 1
                page.concurrent.append(answer.seconds)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page.concurrent_seconds = time.perf_counter() - started


# --- report ------------------------------------------------------------------------


def machine() -> dict[str, str]:
    memory = ""
    cpu = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"CPU": f"{os.cpu_count()} × {cpu}", "RAM": memory}


TICK = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    ticks = [
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    ]
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / TICK, sum(ticks) / TICK


def process_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


@contextmanager
def other_cpu(ours: list[int]) -> Iterator[list[float]]:
    """Yields a list that afterwards holds the share of the machine's CPU capacity
    that processes other than `ours` used during the block."""
    result: list[float] = []
    busy_before, total_before = machine_cpu()
    ours_before = process_cpu(ours)
    yield result
    busy_after, total_after = machine_cpu()
    other = (busy_after - busy_before) - (process_cpu(ours) - ours_before)
    result.append(max(other, 0.0) / max(total_after - total_before, 1e-9))


def wait_until_idle(seconds: int) -> float:
    """Other work on the machine skews every figure: wait (up to `seconds`) for a
    five-second window in which the CPUs are at least 90 % idle. Returns the busy
    share of the last window."""
    deadline = time.monotonic() + seconds
    while True:
        busy_before, total_before = machine_cpu()
        time.sleep(5)
        busy_after, total_after = machine_cpu()
        share = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
        if share < 0.1 or time.monotonic() >= deadline:
            return share
        say(f"CPUs {share:.0%} busy with other work; waiting for an idle machine")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(pages: list[Page], clients: int) -> str:
    lines = [
        "| Page | SQL queries | SQL ms | p50 ms | p95 ms | p99 ms | "
        f"req/s ({clients} clients) | p95 ms ({clients} clients) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page in pages:
        name = f"{page.name}{f' ({page.note})' if page.note else ''}"
        if not page.sequential:
            lines.append(f"| {name} | – | – | – | – | – | – | – | – |")
            continue
        seq = page.sequential
        rate = (
            f"{len(page.concurrent) / page.concurrent_seconds:.0f}"
            if page.concurrent_seconds
            else "–"
        )
        conc_p95 = ms(percentile(page.concurrent, 0.95)) if page.concurrent else "–"
        queries = "?" if page.queries is None else str(page.queries)
        sql = "?" if page.sql_seconds is None else ms(page.sql_seconds)
        if page.parallel:
            sql += " (parallel plan)"
        lines.append(
            f"| {name} | {queries} | {sql} | {ms(statistics.median(seq))} | "
            f"{ms(percentile(seq, 0.95))} | {ms(percentile(seq, 0.99))} | {rate} | "
            f"{conc_p95} | {page.errors} |"
        )
    return "\n".join(lines)


def measure(
    args: argparse.Namespace, env: dict[str, str], folder: Path, pages: list[Page]
) -> dict[str, str]:
    """Start the server, log in, find the deep page, and run both passes. Returns
    facts for the report."""
    with gunicorn(env, workers=args.workers, folder=folder) as (port, pid):
        say(f"gunicorn with {args.workers} sync workers on 127.0.0.1:{port}")
        cookies = log_in(port, args.email, args.password)
        if get(port, args.queue, cookies).status == 404:
            for page in pages:
                if page.path.startswith(args.queue):
                    page.note = "not yet available: 404"
        else:
            deep = next(page for page in pages if page.name == DEEP)
            deep.path, followed = discover_deep_page(
                port, cookies, args.queue, args.depth
            )
            deep.note = f"after {followed} next-page links"
        measured = [page for page in pages if not page.note.startswith("not yet")]
        facts = django_facts(measured, args.email)
        say(f"warming up ({args.warmup} requests per page)")
        for _ in range(args.warmup):
            for page in measured:
                get(port, page.path, None if page.anonymous else cookies)
        ours = our_processes(pid)
        busy_share = wait_until_idle(args.wait_idle)
        facts["CPU idle just before measuring"] = f"{1 - busy_share:.0%}"
        say(f"one client, {args.requests} requests per page, interleaved")
        with other_cpu(ours) as sequential:
            measure_sequential(port, cookies, measured, args.requests)
        with other_cpu(ours) as concurrent:
            for page in measured:
                say(f"{args.clients} clients: {page.name}")
                measure_concurrent(port, cookies, page, args.requests, args.clients)
    # PostgreSQL's parallel workers are not in `ours`: with parallel plans, part of
    # this figure is the benchmark's own queries.
    facts["CPU used outside the benchmark's processes while measuring"] = (
        f"{sequential[0]:.0%} of the machine in the one-client pass, "
        f"{concurrent[0]:.0%} in the {args.clients}-client pass (other work, and "
        "PostgreSQL parallel workers of pages marked 'parallel plan')"
    )
    return facts


def prepare(env: dict[str, str]) -> None:
    """Static files for the manifest storage, a migrated database, and Django set
    up in this process with the server's settings."""
    say("collecting static files (the manifest storage needs them)")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    unapplied = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    if unapplied.returncode:
        sys.exit("The database has unapplied migrations: run `manage.py migrate`.")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> int:
    # Stop gunicorn on SIGTERM and SIGHUP too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument(
        "--requests", type=int, default=200, help="Per page, in each of both passes."
    )
    parser.add_argument("--warmup", type=int, default=20, help="Per page.")
    parser.add_argument("--depth", type=int, default=40, help="Pages to follow.")
    parser.add_argument("--queue", default=QUEUE, help="Path of the queue page.")
    parser.add_argument("--search", default="schulden")
    parser.add_argument("--case", help="Reference of the case page to measure.")
    parser.add_argument("--append", type=Path, help="Append the report to this file.")
    parser.add_argument(
        "--wait-idle",
        type=int,
        default=300,
        help="Seconds to wait at most for the CPUs to be 90 %% idle before measuring.",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database with the generated cases.")
    folder = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    try:
        env = server_environment(folder / "static")
        prepare(env)
        case = args.case or pick_case(args.email)
        pages = [
            Page(
                "Login page, anonymous (reference)", "/accounts/login/", anonymous=True
            ),
            Page("Casework home (existing list of 50)", "/casework/"),
            Page("Queue, first page", args.queue),
            Page(DEEP, args.queue),
            Page(
                f"Queue, search q={args.search}",
                f"{args.queue}?{urllib.parse.urlencode({'q': args.search})}",
            ),
            Page(f"Case page {case}", f"/casework/requests/{case}/"),
        ]
        facts = measure(args, env, folder, pages)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    header = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        **machine(),
        **facts,
        "server": f"gunicorn, {args.workers} sync workers, DEBUG off; load generator "
        "on the same machine",
        "load": f"warm-up {args.warmup}/page; {args.requests} requests/page with one "
        f"client (interleaved), then {args.requests}/page with {args.clients} "
        "concurrent clients",
    }
    report = "\n".join(
        [
            *(f"- {key}: {value}" for key, value in header.items()),
            "",
            table(pages, args.clients),
            "",
            "SQL queries and SQL ms: one request in-process (Django test client, the "
            "second of two). Latencies and req/s: over HTTP through gunicorn.",
        ]
    )
    print(report)
    if args.append:
        with args.append.open("a") as out:
            out.write(f"\n### Run of {header['date']}\n\n{report}\n")
        say(f"appended to {args.append}")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())

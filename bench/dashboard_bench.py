"""Benchmark of the alderman's dashboard under gunicorn, against the same figures
computed live from the case tables.

Starts gunicorn (2 sync workers, DEBUG off) like bench/casework_bench.py (whose
helpers it uses), logs in as the demo alderman and measures the dashboard pages over
HTTP (one client: p50/p95/p99; two clients: req/s). In-process it times the figures
from the summary tables against `dashboards.live.figures` (the same figures from
help requests, triage, deadlines, contacts and plans), an incremental refresh, and
building a one-year report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bk_dash_bench \\
        .venv/bin/python bench/dashboard_bench.py

Load the data first: `manage.py migrate`, `manage.py seed_demo` (real settings) and
`manage.py generate_dashboard_data --count 1000000`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casework_bench import (  # noqa: E402
    Page,
    get,
    gunicorn,
    log_in,
    machine,
    measure_concurrent,
    measure_sequential,
    ms,
    other_cpu,
    our_processes,
    percentile,
    prepare,
    say,
    server_environment,
    table,
    verified_test_client,
    wait_until_idle,
)

DEMO_EMAIL = "wethouder@den-helder.buurtkracht.test"
DEMO_PASSWORD = "Buurtkracht-demo-2026"


def timed(function: Callable[[], Any], n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def summary_vs_live(
    user: Any, runs: int
) -> tuple[list[str], dict[str, tuple[float, float, bool]]]:
    """The dashboard's figures from the summary tables against the same figures
    computed live, per scope: Markdown rows and {scope: (summary p50 s, live p50 s,
    equal)}."""
    from django.utils import timezone

    from citizens.models import HelpRequest
    from dashboards import live
    from dashboards.figures import Scope, add_months, from_summaries

    today = timezone.localdate()
    end = today.replace(day=1)
    scopes = {
        "whole municipality, 12 months": Scope(
            (user.municipality_id,), add_months(end, -11), end
        ),
        "one neighbourhood, domain wmo": Scope(
            (user.municipality_id,),
            add_months(end, -11),
            end,
            neighbourhood_ids=(
                HelpRequest.objects.filter(municipality_id=user.municipality_id)
                .values_list("neighbourhood_id", flat=True)
                .first(),
            ),
            domain="wmo",
        ),
    }
    lines = [
        "| Figures | from summary tables p50 ms | p95 ms | computed live p50 ms | "
        "p95 ms | live / summary (p50) | equal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    results: dict[str, tuple[float, float, bool]] = {}
    for name, scope in scopes.items():
        say(f"in-process: {name}")
        summary = timed(lambda s=scope: from_summaries(s), runs)
        computed = timed(
            lambda s=scope: live.figures(s, today=today), max(3, runs // 4)
        )
        equal = from_summaries(scope) == live.figures(scope, today=today)
        results[name] = (
            statistics.median(summary),
            statistics.median(computed),
            equal,
        )
        lines.append(
            f"| {name} | {ms(statistics.median(summary))} | "
            f"{ms(percentile(summary, 0.95))} | {ms(statistics.median(computed))} | "
            f"{ms(percentile(computed, 0.95))} | "
            f"{statistics.median(computed) / statistics.median(summary):.0f}× | "
            f"{'yes' if equal else 'NO'} |"
        )
    return lines, results


def in_process(email: str, runs: int) -> tuple[dict[str, str], list[str]]:
    """Summary tables against live computation, refresh and report timings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from citizens.models import HelpRequest
    from dashboards.figures import add_months
    from dashboards.models import Report, Section
    from dashboards.refresh import refresh
    from dashboards.reports import build as build_report
    from dashboards.reports import report_path

    user = User.objects.get(email=email)
    today = timezone.localdate()
    end = today.replace(day=1)
    lines, _results = summary_vs_live(user, runs)

    client = verified_test_client(user)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/dashboard/")
    facts = {
        "help requests in the database": f"{HelpRequest.objects.count():,}",
        f"in the municipality of {email}": (
            f"{HelpRequest.objects.filter(municipality_id=user.municipality_id).count():,}"
        ),
        "SQL queries of the dashboard page": str(len(captured.captured_queries)),
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        facts["PostgreSQL"] = cursor.fetchone()[0]
        # An incremental refresh after 100 changed requests.
        cursor.execute(
            "UPDATE citizens_helprequest SET satisfaction_score = satisfaction_score "
            "WHERE id IN (SELECT id FROM citizens_helprequest ORDER BY id DESC LIMIT 100)"
        )
    result = refresh(today=today)
    facts["incremental refresh after 100 changed requests"] = (
        f"{result.seconds * 1000:.0f} ms ({result.cells} cells)"
    )
    report = Report.objects.create(
        owner=user,
        municipality_id=user.municipality_id,
        start=add_months(end, -11),
        end=end,
        sections=list(Section.values),
    )
    started = time.perf_counter()
    build_report(report.pk)
    report.refresh_from_db()
    facts["one-year report, all sections (PDF + XLSX), built in-process"] = (
        f"{(time.perf_counter() - started) * 1000:.0f} ms, status {report.status}"
    )
    for name in (report.pdf_name, report.xlsx_name):
        if name:
            report_path(name).unlink(missing_ok=True)
    report.delete()
    connection.close()
    return facts, lines


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20, help="In-process repetitions.")
    parser.add_argument("--append", type=Path)
    parser.add_argument("--wait-idle", type=int, default=120)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to the database with the generated requests.")

    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    try:
        env = server_environment(folder / "static")
        prepare(env)
        from accounts.models import User
        from municipalities.models import Neighbourhood

        user = User.objects.get(email=args.email)
        nbh = (
            Neighbourhood.objects.filter(district__municipality_id=user.municipality_id)
            .order_by("pk")
            .first()
        )
        pages = [
            Page(
                "Login page, anonymous (reference)", "/accounts/login/", anonymous=True
            ),
            Page("Dashboard, 12 months", "/dashboard/"),
            Page(
                "Dashboard filtered: neighbourhood + domain (htmx)",
                f"/dashboard/?neighbourhood={nbh.pk}&domain=wmo",
            ),
            Page(
                "Dashboard, 24 months",
                "/dashboard/?start="
                f"{datetime.now().year - 2}-{datetime.now().month:02d}",
            ),
            Page("CSV of a chart", "/dashboard/data/neighbourhoods.csv"),
        ]
        facts, figure_lines = in_process(args.email, args.runs)
        with gunicorn(env, workers=args.workers, folder=folder) as (port, pid):
            say(f"gunicorn with {args.workers} sync workers on 127.0.0.1:{port}")
            cookies = log_in(port, args.email, args.password)
            for _ in range(args.warmup):
                for page in pages:
                    get(port, page.path, None if page.anonymous else cookies)
            ours = our_processes(pid)
            busy = wait_until_idle(args.wait_idle)
            facts["CPU idle just before measuring"] = f"{1 - busy:.0%}"
            with other_cpu(ours) as sequential:
                measure_sequential(port, cookies, pages, args.requests)
            with other_cpu(ours) as concurrent:
                for page in pages:
                    measure_concurrent(port, cookies, page, args.requests, args.clients)
        facts["CPU used by other processes while measuring"] = (
            f"{sequential[0]:.0%} (one client), {concurrent[0]:.0%} ({args.clients} clients)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    header = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        **machine(),
        **facts,
        "server": f"gunicorn, {args.workers} sync workers, DEBUG off; load generator "
        "on the same machine",
    }
    report = "\n".join(
        [
            *(f"- {key}: {value}" for key, value in header.items()),
            "",
            table(pages, args.clients),
            "",
            "SQL queries / SQL ms columns are not measured here (see the facts above).",
            "",
            *figure_lines,
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

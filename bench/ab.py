"""A/B: the same pages served by two versions of the code, measured in turn.

Whole `make bench` runs differ from each other by more than most single changes
gain (docs/performance.md, 2026-12-07), so a change is judged here against the
code before it, on the same machine at the same time: two gunicorns (this tree and
`--old`, a git revision checked out into a worktree next to it, or a folder), each
page measured for one short slot on one, then on the other (which one goes first
alternates per round), many rounds. Both serve the loaded bench database
(`make bench` loads it; the old code must work with its schema).

    .venv/bin/python bench/ab.py --old HEAD~1
    .venv/bin/python bench/ab.py --old 1edf939 --pages queue,submit --rounds 30

Prints, per page, requests per second and CPU per request (gunicorn workers and
PostgreSQL) of each version, and the change.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casework_bench import (  # noqa: E402
    PYTHON,
    ROOT,
    discover_deep_page,
    gunicorn,
    pick_case,
    prepare,
    say,
    server_environment,
)
from run import (  # noqa: E402
    ALDERMAN_EMAIL,
    CASEWORKER_EMAIL,
    DRAFTS_PER_SECOND,
    FULL,
    RESIDENT_EMAIL,
    Page,
    _client_init,
    csrf_pair,
    database_url,
    loaded_count,
    make_drafts,
    measure,
    rate,
    session_for,
    workers_of,
)

PAGES = ("one_query", "queue", "deep", "case", "one_insert", "submit")
MORE_PAGES = ("dashboard", "map")


def checkout(old: str, folder: Path) -> tuple[Path, bool]:
    """The old code and whether it was checked out here: a folder as it is, or a
    git revision in a worktree of this repository under `folder`, using this
    .venv (removed again by `remove_checkout`)."""
    if Path(old).is_dir():
        return Path(old).resolve(), False
    tree = folder / "old"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "-q", str(tree), old],
        cwd=ROOT,
        check=True,
    )
    (tree / ".venv").symlink_to(ROOT / ".venv")
    return tree, True


def remove_checkout(tree: Path) -> None:
    subprocess.run(
        ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
    )


def pages_for(
    port: int, sessions: dict[str, dict[str, str]], case: str, draft: str
) -> dict[str, Page]:
    resident = sessions["resident"]
    cookie, token = csrf_pair(port, f"/help/{draft}/review/", resident)
    from django.conf import settings

    csrf = {settings.CSRF_COOKIE_NAME: cookie}
    deep, _followed = discover_deep_page(
        port, sessions["caseworker"], "/casework/queue/", 40
    )
    return {
        "one_query": Page("One-query view", "/bench-reference/one-query/"),
        "one_insert": Page(
            "One-insert view",
            "/bench-reference/one-insert/",
            cookies=csrf,
            method="POST",
            form={"csrfmiddlewaretoken": token, "note": "bench"},
        ),
        "queue": Page("Queue, first page", "/casework/queue/", sessions["caseworker"]),
        "deep": Page("Queue, deep page", deep, sessions["caseworker"]),
        "case": Page(
            "Case page", f"/casework/requests/{case}/", sessions["caseworker"]
        ),
        "dashboard": Page("Dashboard", "/dashboard/", sessions["alderman"]),
        "map": Page("Social map search", "/networks/social-map/den-helder/?q=schulden"),
        "submit": Page(
            "Submission",
            "/help/{draft}/send/",
            {**resident, **csrf},
            method="POST",
            form={"csrfmiddlewaretoken": token},
            expect=302,
            drafts=True,
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True, help="A git revision or a folder.")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=", ".join(PAGES + MORE_PAGES)
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    chosen = args.pages.split(",")
    if unknown := set(chosen) - set(PAGES + MORE_PAGES):
        sys.exit(f"unknown pages: {', '.join(sorted(unknown))}")

    url = database_url(False)
    if (loaded_count(url) or 0) < FULL.cases + FULL.dashboard:
        sys.exit("The bench database is not loaded: run `make bench` once first.")
    folder = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    old, checked_out = None, False
    try:
        old, checked_out = checkout(args.old, folder)
        base = {**server_environment(folder / "static-new"), "DATABASE_URL": url}
        env = {**base, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        old_env = {**env, "DJANGO_STATIC_ROOT": str(folder / "static-old")}
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=old,
            env=old_env,
            check=True,
        )
        prepare(env)
        from django.db import connection

        from bench.reference import create_insert_table

        create_insert_table()
        sessions = {
            "caseworker": session_for(CASEWORKER_EMAIL),
            "resident": session_for(RESIDENT_EMAIL),
            "alderman": session_for(ALDERMAN_EMAIL),
        }
        case = pick_case(CASEWORKER_EMAIL)
        per_slot = int(args.seconds * args.clients * DRAFTS_PER_SECOND) + 1
        drafts = make_drafts(RESIDENT_EMAIL, 2 * (args.rounds + 1) * per_slot + 1)
        connection.close()
        with ExitStack() as servers:
            served = {}
            for name, root, server_env in (("new", ROOT, env), ("old", old, old_env)):
                folder_for = folder / f"server-{name}"
                folder_for.mkdir()
                port, pid = servers.enter_context(
                    gunicorn(
                        server_env, workers=args.workers, folder=folder_for, root=root
                    )
                )
                pages = pages_for(port, sessions, case, drafts[-1])
                served[name] = (port, workers_of(pid), [pages[key] for key in chosen])
            half = len(drafts[:-1]) // 2
            for (_port, _workers, pages), pool in zip(
                served.values(), (drafts[:half], drafts[half:-1]), strict=True
            ):
                for page in pages:
                    if page.drafts:
                        page.pool = list(pool)
            say(f"old: {old}; {args.rounds} rounds × {args.seconds:g} s per page each")
            with multiprocessing.get_context("fork").Pool(
                args.clients, initializer=_client_init
            ) as pool:
                for name, (port, _workers, pages) in served.items():
                    warm = [
                        replace(page, latencies=[], pool=page.pool) for page in pages
                    ]
                    measure(pool, port, warm, 1, 1.0, args.clients, f"warm-up {name}")
                for number in range(args.rounds):
                    order = ("new", "old") if number % 2 == 0 else ("old", "new")
                    for index in range(len(chosen)):
                        for name in order:
                            port, workers, pages = served[name]
                            measure(
                                pool,
                                port,
                                [pages[index]],
                                1,
                                args.seconds,
                                args.clients,
                                f"round {number + 1}/{args.rounds} {name}",
                                server=workers,
                            )
        print(table(served["old"][2], served["new"][2]))
    finally:
        if checked_out and old is not None:
            remove_checkout(old)
        elif old is None and (folder / "old").exists():
            # The worktree was added but its .venv link failed.
            remove_checkout(folder / "old")
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def table(old: list[Page], new: list[Page]) -> str:
    lines = [
        "| Page | old req/s | new req/s | change | old CPU ms/req (gunicorn + PG) "
        "| new CPU ms/req | errors old/new |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for before, after in zip(old, new, strict=True):

        def cpu(page: Page) -> str:
            done = len(page.latencies)
            if not done:
                return "–"
            return (
                f"{page.server_cpu * 1000 / done:.2f} + "
                f"{page.database_cpu * 1000 / done:.2f}"
            )

        change = rate(after) / rate(before) - 1 if rate(before) else 0.0
        lines.append(
            f"| {after.name} | {rate(before):.1f} | {rate(after):.1f} "
            f"| {change:+.1%} | {cpu(before)} | {cpu(after)} "
            f"| {before.errors}/{after.errors} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""PostgreSQL restarted under load: the portal recovers by itself, with errors only
during the outage.

The portal (gunicorn with 2 sync workers, a Celery worker and beat) runs on a
PostgreSQL server of its own (pgserver, in a temporary folder), so stopping it
touches nobody else. Client threads keep a caseworker paging through the queue,
opening the health check and residents sending help requests, without pause, for
the whole run. PostgreSQL is stopped (pg_ctl -m fast: every connection is cut) and
started again after a few seconds; nothing else is restarted. The script then
counts, per phase, the answers; and checks that no request failed outside the
outage, that every accepted submission is stored exactly once, that every draft
refused during the outage is still there to be sent again, that the portal's
processes are the same ones as before, and that the Celery worker, reconnected by
itself, sent exactly one receipt e-mail for every stored request.

    python -m faults.postgres_restart [--quick] [--down SECONDS] [--mode fast|immediate]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from dataclasses import dataclass

from faults.harness import (
    Report,
    count_receipts,
    csrf_for,
    emails_per_object,
    histogram,
    parse_args,
    portal,
    sessions_for,
    wait_for,
)

RESIDENT = "inwoner@den-helder.buurtkracht.test"
CASEWORKER = "consulent@den-helder.buurtkracht.test"
RECEIPT = "citizens.help_request_received"
# A request that started this long after PostgreSQL answered again must succeed:
# the time a worker needs to notice its old connection is gone (CONN_HEALTH_CHECKS).
GRACE_SECONDS = 1.0


@dataclass
class Answer:
    client: str
    path: str
    started: float
    ended: float
    status: int | None
    location: str
    error: str
    draft: str = ""

    @property
    def ok(self) -> bool:
        if self.status is None:
            return False
        if self.draft:
            return self.status == 302 and "/help/sent/" in self.location
        return self.status == 200


def main() -> int:
    def options(parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--down", type=float, help="Seconds PostgreSQL stays down (default 10)."
        )
        parser.add_argument(
            "--mode",
            choices=["fast", "immediate"],
            default="fast",
            help="pg_ctl stop mode (immediate: no checkpoint, as a crash).",
        )

    args = parse_args(__doc__.split("\n\n")[0], options)
    down = args.down or (3.0 if args.quick else 10.0)
    before_seconds, after_seconds = (4.0, 6.0) if args.quick else (10.0, 20.0)
    interval = 3 if args.quick else 10
    report = Report("postgres_restart")
    with portal(
        "postgres_restart",
        own_postgres=True,
        settings={"REMINDER_SCAN_SECONDS": str(interval)},
        time_limit=240 if args.quick else 600,
        keep=args.keep,
    ) as p:
        from django.db import connections

        p.web()
        p.worker()
        p.beat()
        from bench.run import make_drafts
        from citizens.models import HelpRequest, HelpRequestDraft

        total = before_seconds + down + after_seconds
        # More than two clients can send (about 15 a second each here).
        drafts = make_drafts(RESIDENT, int(total * 60) + 1)
        sessions = sessions_for([RESIDENT, CASEWORKER])
        resident, caseworker = sessions[RESIDENT], sessions[CASEWORKER]
        csrf = csrf_for(p.port, f"/help/{drafts[-1]}/review/", resident)
        unused = iter(drafts[:-1])
        again: list[str] = []  # refused drafts, sent again as a resident would
        take = threading.Lock()
        before_requests = HelpRequest.objects.count()
        connections.close_all()
        pids = {name: process.pid for name, process in p.processes.items()}

        answers: list[Answer] = []
        ran_out: list[str] = []
        stop = threading.Event()

        def client(name: str, next_request) -> None:  # type: ignore[no-untyped-def]
            from bench.casework_bench import request

            while not stop.is_set():
                planned = next_request()
                if planned is None:  # no drafts left: this client is done
                    ran_out.append(name)
                    return
                method, path, cookies, form, draft = planned
                started = time.monotonic()
                try:
                    got = request(p.port, method, path, cookies=cookies, form=form)
                    status, location, error = got.status, got.location, ""
                except Exception as failure:  # noqa: BLE001 - every failure counts
                    status, location, error = None, "", type(failure).__name__
                answer = Answer(
                    name,
                    path.split("?")[0],
                    started,
                    time.monotonic(),
                    status,
                    location,
                    error,
                    draft,
                )
                answers.append(answer)
                if draft and not answer.ok:
                    with take:
                        again.append(draft)
                time.sleep(0.02)

        def queue_pages():  # type: ignore[no-untyped-def]
            pages = iter(range(10**9))
            return lambda: (
                "GET",
                f"/casework/queue/?page={next(pages) % 3 + 1}",
                caseworker,
                None,
                "",
            )

        def submission():  # type: ignore[no-untyped-def]
            with take:
                draft = again.pop() if again else next(unused, None)
            if draft is None:
                return None
            return (
                "POST",
                f"/help/{draft}/send/",
                {**resident, csrf["name"]: csrf["cookie"]},
                {"csrfmiddlewaretoken": csrf["token"]},
                draft,
            )

        def health():  # type: ignore[no-untyped-def]
            return ("GET", "/healthz", None, None, "")

        threads = [
            threading.Thread(target=client, args=(n, f), daemon=True)
            for n, f in [
                ("queue-1", queue_pages()),
                ("queue-2", queue_pages()),
                ("submit-1", submission),
                ("submit-2", submission),
                ("health", health),
            ]
        ]
        for thread in threads:
            thread.start()
        report.event(f"load started: {len(threads)} clients without pause")
        time.sleep(before_seconds)

        stopped_at = time.monotonic()
        p.database.stop(args.mode)
        report.event(f"PostgreSQL stopped (pg_ctl -m {args.mode})")
        time.sleep(down)
        p.database.start_again()
        wait_for(p.database.answers, 30, "PostgreSQL to answer again")
        back_at = time.monotonic()
        report.event(f"PostgreSQL answers again after {back_at - stopped_at:.1f} s")
        time.sleep(after_seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
        report.event(f"load stopped: {len(answers)} answers")

        connections.close_all()
        alive = {
            name: process.poll() is None and process.pid == pids[name]
            for name, process in p.processes.items()
        }

        def phase(answer: Answer) -> str:
            if answer.ended < stopped_at:
                return "before"
            if answer.started > back_at + GRACE_SECONDS:
                return "after"
            return "outage"

        by_phase: dict[str, list[Answer]] = {"before": [], "outage": [], "after": []}
        for answer in answers:
            by_phase[phase(answer)].append(answer)

        def summary(group: list[Answer]) -> str:
            return histogram(
                [
                    f"{a.path.split('/')[1] or 'root'} "
                    f"{a.status if a.status is not None else a.error}"
                    for a in group
                ]
            )

        failures_outside = [a for a in answers if not a.ok and phase(a) != "outage"]
        first_success = min(
            (a.ended for a in answers if a.ok and a.started > back_at), default=None
        )
        posted = [a for a in answers if a.draft]
        accepted = {a.draft for a in posted if a.ok}
        refused = {a.draft for a in posted if not a.ok} - accepted
        stored = {
            str(k): v
            for k, v in HelpRequestDraft.objects.filter(
                public_id__in=[a.draft for a in posted],
                submitted_request__isnull=False,
            ).values_list("public_id", "submitted_request_id")
        }
        new_requests = HelpRequest.objects.count() - before_requests
        accepted_lost = accepted - stored.keys()
        # A refused draft may have been stored all the same (the answer was lost
        # after the commit); if not, it must still be there, unsent, to try again.
        refused_gone = [
            d
            for d in refused - stored.keys()
            if not HelpRequestDraft.objects.filter(
                public_id=d, submitted_request__isnull=True
            ).exists()
        ]
        ids = [str(pk) for pk in stored.values()]
        try:
            waited = wait_for(
                lambda: min(emails_per_object(RECEIPT, ids).values(), default=1) >= 1,
                interval * 3 + 60,
                "a receipt e-mail for every stored request",
            )
            report.event(f"every stored request had its receipt {waited:.1f} s later")
        except TimeoutError as error:
            waited = None
            report.event(str(error))
        time.sleep(2)  # a late duplicate would show up now
        per_request = emails_per_object(RECEIPT, ids)
        outage_errors = [a for a in by_phase["outage"] if not a.ok]
        error_times = [a.ended - stopped_at for a in outage_errors]

        report.count("stop mode", args.mode)
        report.count("PostgreSQL down (s)", round(back_at - stopped_at, 1))
        for name, group in by_phase.items():
            report.count(f"answers {name} ({len(group)})", summary(group))
        report.count(
            "errors during the outage / of its answers",
            f"{len(outage_errors)} / {len(by_phase['outage'])}",
        )
        if error_times:
            report.count(
                "errors from / to (s after the stop)",
                f"{min(error_times):.1f} / {max(error_times):.1f}",
            )
        report.count("errors outside the outage", len(failures_outside))
        report.count(
            "first success after PostgreSQL was back (s)",
            round(first_success - back_at, 2) if first_success else "none",
        )
        report.count(
            "answer time after p50 (s)",
            round(statistics.median(a.ended - a.started for a in by_phase["after"]), 3)
            if by_phase["after"]
            else "none",
        )
        report.count("portal processes still the same", alive)
        report.count("submissions posted", len(posted))
        retried = {a.draft for a in posted if not a.ok} & accepted
        report.count("drafts accepted", len(accepted))
        report.count(
            "of which refused during the outage and accepted when sent again",
            len(retried),
        )
        report.count("drafts never accepted", len(refused))
        report.count("help requests stored", new_requests)
        report.count("accepted but not stored", len(accepted_lost))
        report.count("refused and gone (neither stored nor a draft)", len(refused_gone))
        count_receipts(report, per_request)
        missing = [i for i, n in per_request.items() if n == 0]
        if missing:
            from notifications.models import OutboxEmail

            report.count(
                "outbox state of the requests without a receipt",
                histogram(
                    list(
                        OutboxEmail.objects.filter(
                            delivery__kind=RECEIPT, delivery__object_id__in=missing
                        ).values_list("state", flat=True)
                    )
                ),
            )

        report.count("clients that ran out of drafts", len(ran_out))
        report.check(not ran_out, "the load lasted the whole run")
        report.check(
            all(a.ok for a in by_phase["before"]), "no errors before the outage"
        )
        report.check(not failures_outside, "errors only during the outage")
        report.check(
            len(by_phase["after"]) > 0 and all(a.ok for a in by_phase["after"]),
            "every request after the outage succeeded",
        )
        report.check(
            bool(outage_errors), "the outage was felt (the stop hit the portal)"
        )
        report.check(all(alive.values()), "no portal process restarted")
        report.check(not accepted_lost, "every accepted submission stored")
        report.check(new_requests == len(stored), "zero duplicated")
        report.check(not refused_gone, "every refused draft can be sent again")
        report.check(
            waited is not None and all(n == 1 for n in per_request.values()),
            "exactly one receipt e-mail per stored request",
        )
    return report.print()


if __name__ == "__main__":
    sys.exit(main())

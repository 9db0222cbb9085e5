"""500 concurrent help-request submissions over HTTP: zero lost, zero duplicated.

Every submission is a resident's complete draft, sent by its own thread at the same
moment (a barrier) to gunicorn (2 sync workers); one draft in ten is sent twice at
once, as a double click does. Then it counts: answers, help requests stored per
draft, and receipt e-mails per help request (sent by a real Celery worker through
the outbox into faults_sent_mail).

    python -m faults.submissions [--quick] [--count N]
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from faults.harness import (
    Report,
    count_receipts,
    csrf_for,
    emails_per_object,
    histogram,
    parse_args,
    portal,
    post_form,
    sessions_for,
    wait_for,
)

RESIDENT = "inwoner@den-helder.buurtkracht.test"
RECEIPT = "citizens.help_request_received"


def main() -> int:
    args = parse_args(
        __doc__.split("\n\n")[0],
        lambda p: p.add_argument("--count", type=int, help="Drafts (default 500)."),
    )
    count = args.count or (60 if args.quick else 500)
    report = Report("submissions")
    with portal(
        "submissions", time_limit=300 if args.quick else 900, keep=args.keep
    ) as p:
        p.web()
        p.worker()
        from bench.run import make_drafts
        from citizens.models import HelpRequest, HelpRequestDraft

        drafts = make_drafts(RESIDENT, count + 1)
        cookies = sessions_for([RESIDENT])[RESIDENT]
        csrf = csrf_for(p.port, f"/help/{drafts[-1]}/review/", cookies)
        drafts = drafts[:count]
        doubles = drafts[::10]
        posts = [*drafts, *doubles]
        before = HelpRequest.objects.count()

        barrier = threading.Barrier(len(posts))
        results: dict[int, tuple[str, int | None, str, str, float]] = {}

        def submit(index: int) -> None:
            draft = posts[index]
            barrier.wait(timeout=60)
            started = time.monotonic()
            status, location, error = post_form(
                p.port, f"/help/{draft}/send/", cookies, csrf
            )
            results[index] = (
                draft,
                status,
                location,
                error,
                time.monotonic() - started,
            )

        report.event(
            f"sending {len(posts)} POSTs at once ({len(doubles)} double clicks)"
        )
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(posts)) as pool:
            list(pool.map(submit, range(len(posts))))
        took = time.monotonic() - started
        report.event(f"all {len(results)} answers in {took:.1f} s")

        statuses = [
            str(status) if status is not None else error
            for _, status, _, error, _ in results.values()
        ]
        accepted = {
            draft
            for draft, status, location, _, _ in results.values()
            if status == 302 and "/help/sent/" in location
        }
        references_by_draft: dict[str, set[str]] = {}
        for draft, status, location, _, _ in results.values():
            if status == 302 and "/help/sent/" in location:
                reference = location.rstrip("/").rsplit("/", 1)[-1]
                references_by_draft.setdefault(draft, set()).add(reference)
        stored = dict(
            HelpRequestDraft.objects.filter(
                public_id__in=drafts, submitted_request__isnull=False
            ).values_list("public_id", "submitted_request__reference")
        )
        stored = {str(k): v for k, v in stored.items()}
        new_requests = HelpRequest.objects.count() - before
        lost = [d for d in drafts if d not in stored]
        accepted_but_lost = [d for d in accepted if d not in stored]
        answer_mismatch = [
            d for d, refs in references_by_draft.items() if refs != {stored.get(d)}
        ]
        duplicated = new_requests - len(stored)

        request_ids = [
            str(pk)
            for pk in HelpRequest.objects.filter(
                reference__in=list(stored.values())
            ).values_list("pk", flat=True)
        ]
        try:
            waited = wait_for(
                lambda: (
                    min(emails_per_object(RECEIPT, request_ids).values(), default=1)
                    >= 1
                ),
                60 if args.quick else 180,
                "a receipt e-mail for every stored request",
            )
            report.event(
                f"every stored request had its receipt e-mail {waited:.1f} s later"
            )
        except TimeoutError as error:
            report.event(str(error))
        time.sleep(2)  # a late duplicate would show up now
        per_request = emails_per_object(RECEIPT, request_ids)
        latencies = sorted(seconds for *_, seconds in results.values())

        report.count("drafts", len(drafts))
        report.count("POSTs sent (at once)", len(posts))
        report.count("of which double clicks", len(doubles))
        report.count("answers", histogram(statuses))
        report.count("drafts accepted (302 to the sent page)", len(accepted))
        report.count("help requests stored", new_requests)
        report.count("drafts with exactly one stored request", len(stored))
        report.count("lost (draft without a request)", len(lost))
        report.count("lost after a 302", len(accepted_but_lost))
        report.count("duplicated (requests beyond one per draft)", duplicated)
        report.count("answers naming another request than stored", len(answer_mismatch))
        count_receipts(report, per_request)
        report.count("wall time of the burst (s)", round(took, 2))
        report.count(
            "answer time p50 / max (s)",
            f"{latencies[len(latencies) // 2]:.2f} / {latencies[-1]:.2f}",
        )

        report.check(len(accepted) == len(drafts), "every draft accepted")
        report.check(not lost, "zero lost")
        report.check(duplicated == 0 and new_requests == len(drafts), "zero duplicated")
        report.check(not answer_mismatch, "every answer names the stored request")
        report.check(
            all(n == 1 for n in per_request.values())
            and len(per_request) == len(drafts),
            "exactly one receipt e-mail per request",
        )
    return report.print()


if __name__ == "__main__":
    sys.exit(main())

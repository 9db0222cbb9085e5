"""50 concurrent claims of one case: exactly one winner.

Fifty caseworkers of one team, each with their own session, press "claim" on the
same unassigned help request at the same moment (a barrier) over HTTP. The answer
of each says who won (its flash message: success or "someone else has taken it");
the database says whose it is and how many stage changes the claim made.

    python -m faults.claims [--quick] [--count N]
"""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from faults.harness import Report, csrf_for, histogram, parse_args, portal, sessions_for

CASEWORKER = "consulent@den-helder.buurtkracht.test"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def outcome(cookie: str) -> str:
    """'won', 'lost' or what else the flash message says."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    messages = CookieStorage(HttpRequest())._decode(cookie.strip('"')) or []
    levels = {message.level for message in messages}
    if levels == {constants.SUCCESS}:
        return "won"
    if levels == {constants.ERROR}:
        return "lost"
    return f"unclear ({sorted(levels)})"


def main() -> int:
    args = parse_args(
        __doc__.split("\n\n")[0],
        lambda p: p.add_argument("--count", type=int, help="Claimers (default 50)."),
    )
    count = args.count or (20 if args.quick else 50)
    report = Report("claims")
    with portal("claims", time_limit=240 if args.quick else 600, keep=args.keep) as p:
        p.web()
        from accounts.models import User
        from accounts.tests.factories import UserFactory
        from casework.models import StageChange
        from citizens.models import HelpRequest
        from citizens.tests.factories import HelpRequestFactory
        from municipalities.models import Neighbourhood

        team = User.objects.get(email=CASEWORKER).team
        from django.test import override_settings

        # Nobody logs in with a password here (sessions are made through the ORM):
        # a fast hasher in this process only keeps seeding short.
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
            caseworkers = [
                UserFactory(caseworker=True, team=team, email=f"claimer{n}@faults.test")
                for n in range(count)
            ]
        case = HelpRequestFactory(
            neighbourhood=Neighbourhood.objects.filter(district=team.district).first(),
            team=team,
            contact_person=None,
        )
        stage_changes_before = StageChange.objects.filter(help_request=case).count()
        sessions = sessions_for([user.email for user in caseworkers])
        # One page with the claim form gives the CSRF pair (not tied to a session).
        first = sessions[caseworkers[0].email]
        csrf = csrf_for(p.port, f"/casework/requests/{case.reference}/", first)

        from bench.casework_bench import request

        barrier = threading.Barrier(count)
        results: dict[str, tuple[int | None, str, float]] = {}

        def claim(user: User) -> None:
            barrier.wait(timeout=60)
            started = time.monotonic()
            try:
                answer = request(
                    p.port,
                    "POST",
                    f"/casework/requests/{case.reference}/claim/",
                    cookies={**sessions[user.email], csrf["name"]: csrf["cookie"]},
                    form={"csrfmiddlewaretoken": csrf["token"]},
                )
            except Exception as error:  # noqa: BLE001 - counted
                results[user.email] = (None, type(error).__name__, 0.0)
                return
            said = (
                outcome(answer.cookies["messages"])
                if "messages" in answer.cookies
                else "no message"
            )
            results[user.email] = (answer.status, said, time.monotonic() - started)

        report.event(f"{count} caseworkers claim request {case.reference} at once")
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(claim, caseworkers))
        report.event(f"all answers in {time.monotonic() - started:.2f} s")

        case = HelpRequest.objects.get(pk=case.pk)
        winners = [email for email, (_, said, _) in results.items() if said == "won"]
        losers = [email for email, (_, said, _) in results.items() if said == "lost"]
        owner = case.contact_person.email if case.contact_person else None
        stage_changes = (
            StageChange.objects.filter(help_request=case).count() - stage_changes_before
        )
        report.count("claimers (own sessions, at once)", count)
        report.count("answers", histogram([str(s) for s, _, _ in results.values()]))
        report.count("told they won", len(winners))
        report.count("told someone else was first", len(losers))
        report.count("other answers", count - len(winners) - len(losers))
        report.count("contact person in the database", owner)
        report.count("winner told = contact person", winners == [owner])
        report.count("stage changes made by the claims", stage_changes)

        report.check(len(winners) == 1, "exactly one winner")
        report.check(len(losers) == count - 1, "every other claimer told it was taken")
        report.check(winners == [owner], "the winner is the contact person")
        report.check(stage_changes <= 1, "at most one stage change")
    return report.print()


if __name__ == "__main__":
    sys.exit(main())

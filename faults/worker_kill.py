"""kill -9 of the Celery worker during a batch of 1,000 reminders: zero lost, zero
duplicated.

1,000 due reminders (100 passed statutory deadlines in a team with 10 team leads:
one escalation per lead per deadline). A real Celery worker (prefork, 2 children)
scans them as one batch (NOTIFICATIONS_BATCH_SIZE 1000); the script kills the whole
worker with SIGKILL while the batch is claimed but not committed. A second worker
and a beat take over once the claim's lease (NOTIFICATIONS_LEASE_SECONDS, shortened
here) has run out; the script kills that worker with SIGKILL too, in the middle of
sending the 1,000 e-mails. A third worker finishes. Then it counts reminders sent,
notifications, and e-mails per reminder (faults_sent_mail).

    python -m faults.worker_kill [--quick]
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta

from faults.harness import Report, parse_args, portal, wait_for

KIND = "casework.deadline_passed"
CASEWORKER = "consulent@den-helder.buurtkracht.test"
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
LEASE_SECONDS = 10


def seed(deadlines: int, leads: int) -> list[str]:
    """`deadlines` passed deadlines in a new team with `leads` team leads."""
    from django.test import override_settings
    from django.utils import timezone

    from accounts.models import User
    from accounts.tests.factories import UserFactory
    from casework.models import Deadline, DeadlineKind
    from citizens.tests.factories import HelpRequestFactory
    from municipalities.models import Neighbourhood, Team

    district = User.objects.get(email=CASEWORKER).team.district
    team = Team.objects.create(
        district=district, municipality=district.municipality, name="Wijkteam Storing"
    )
    with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        for n in range(leads):
            UserFactory(team_lead=True, team=team, email=f"lead{n}@faults.test")
    neighbourhood = Neighbourhood.objects.filter(district=district).first()
    due = timezone.localdate() - timedelta(days=21)
    created = []
    for _ in range(deadlines):
        request = HelpRequestFactory(
            in_progress=True,
            history=False,
            neighbourhood=neighbourhood,
            team=team,
            contact_person=None,
        )
        created.append(
            Deadline(
                help_request=request,
                kind=DeadlineKind.WMO_INVESTIGATION,
                start=due - timedelta(weeks=6),
                due=due,
            )
        )
    return [str(d.pk) for d in Deadline.objects.bulk_create(created)]


def main() -> int:
    args = parse_args(__doc__.split("\n\n")[0])
    deadlines, leads = (40, 5) if args.quick else (100, 10)
    expected = deadlines * leads
    report = Report("worker_kill")
    settings = {
        "NOTIFICATIONS_BATCH_SIZE": "1000",
        "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS),
        "REMINDER_SCAN_SECONDS": "2",
        # A mail server that takes 5 ms per message: the sending lasts seconds.
        "FAULTS_MAIL_DELAY": "0.005",
    }
    with portal(
        "worker_kill",
        settings=settings,
        time_limit=240 if args.quick else 600,
        keep=args.keep,
    ) as p:
        from django.db import connection

        from notifications import outbox, scanner
        from notifications.models import (
            Delivery,
            DeliveryState,
            EmailState,
            Notification,
            OutboxEmail,
        )
        from socialdomain.celery import app

        # The demo data's own reminders first, so the batch is ours alone.
        scanner.scan()
        outbox.send_outbox()
        ids = seed(deadlines, leads)
        ours = Delivery.objects.filter(kind=KIND, object_id__in=ids)

        def states() -> dict[str, int]:
            counts = {state: 0 for state in DeliveryState.values}
            for state in ours.values_list("state", flat=True):
                counts[state] += 1
            return counts

        def mails() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM faults_sent_mail m "
                    "JOIN notifications_outboxemail o ON m.message_id = "
                    "'<' || o.public_id::text || '@buurtkracht.reminder>' "
                    "JOIN notifications_delivery d ON d.id = o.delivery_id "
                    "WHERE d.kind = %s AND d.object_id = ANY(%s)",
                    [KIND, ids],
                )
                return cursor.fetchone()[0]

        p.worker("worker-1")
        app.send_task("notifications.tasks.scan_reminders", queue="reminders")
        report.event(f"scan sent to worker-1 ({expected} reminders due)")
        # The claimed batch is committed as sent a fraction of a second later: poll
        # often, and say so at once if the batch went by unseen (CI missed it once
        # at every 50 ms with the quick batch of 100).
        wait_for(
            lambda: (
                ours.filter(state=DeliveryState.CLAIMED).exists()
                or ours.filter(state=DeliveryState.SENT).exists()
            ),
            60,
            "worker-1 to claim the batch",
            every=0.005,
        )
        if not ours.filter(state=DeliveryState.CLAIMED).exists():
            report.check(False, "the first kill hit the batch while it was claimed")
            return report.print()
        p.kill("worker-1")
        at_kill = states()
        report.event(f"kill -9 worker-1 while the batch was claimed: {at_kill}")
        time.sleep(0.5)
        after_kill = states()
        report.count("first kill: deliveries by state at the kill", at_kill)
        report.count("first kill: deliveries by state after it", after_kill)
        report.check(
            at_kill[DeliveryState.SENT] == 0 and after_kill[DeliveryState.SENT] == 0,
            "the first kill hit the batch before its commit",
        )

        p.worker("worker-2")
        p.beat()
        wait_for(
            lambda: mails() >= expected * 0.3,
            LEASE_SECONDS + 90,
            "worker-2 to send a third of the e-mails",
        )
        p.kill("worker-2")
        sent_at_kill = mails()
        report.event(
            f"kill -9 worker-2 while sending: {sent_at_kill} of {expected} e-mails sent"
        )
        report.count("second kill: e-mails sent at the kill", sent_at_kill)
        report.check(
            0 < sent_at_kill < expected, "the second kill hit the sending midway"
        )

        p.worker("worker-3")

        def done() -> bool:
            return (
                states()[DeliveryState.SENT] == expected
                and not OutboxEmail.objects.filter(delivery__in=ours)
                .exclude(state=EmailState.SENT)
                .exists()
                and mails() >= expected
            )

        try:
            waited = wait_for(done, LEASE_SECONDS + 120, "every reminder to be sent")
            report.event(
                f"all {expected} reminders sent, {waited:.1f} s after worker-3"
            )
        except TimeoutError as error:
            report.event(str(error))
        time.sleep(LEASE_SECONDS / 2)  # a late duplicate would show up now
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, count(m.id) FROM notifications_delivery d "
                "LEFT JOIN notifications_outboxemail o ON o.delivery_id = d.id "
                "LEFT JOIN faults_sent_mail m ON m.message_id = "
                "'<' || o.public_id::text || '@buurtkracht.reminder>' "
                "WHERE d.kind = %s AND d.object_id = ANY(%s) GROUP BY d.id",
                [KIND, ids],
            )
            per_delivery = dict(cursor.fetchall())
        final = states()
        notifications = Notification.objects.filter(delivery__in=ours).count()
        emails = OutboxEmail.objects.filter(delivery__in=ours)
        report.count("reminders due", expected)
        report.count("deliveries planned", len(per_delivery))
        report.count("deliveries by state at the end", final)
        report.count("in-app notifications", notifications)
        report.count("outbox e-mails", emails.count())
        report.count("e-mails sent (recorded by the mail backend)", mails())
        report.count(
            "lost (reminders without an e-mail)",
            sum(1 for n in per_delivery.values() if n == 0),
        )
        report.count(
            "duplicated (reminders with more than one e-mail)",
            sum(1 for n in per_delivery.values() if n > 1),
        )
        report.count("lease (s)", LEASE_SECONDS)
        report.check(len(per_delivery) == expected, "every reminder planned once")
        report.check(final[DeliveryState.SENT] == expected, "every reminder sent")
        report.check(notifications == expected, "one notification per reminder")
        report.check(
            all(n == 1 for n in per_delivery.values()),
            "exactly one e-mail per reminder",
        )
    return report.print()


if __name__ == "__main__":
    sys.exit(main())

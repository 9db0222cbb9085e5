"""Which reminders exist, when they are due and who gets them (frozen time)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from freezegun import freeze_time

from accounts.models import User
from accounts.tests.factories import UserFactory
from casework.models import ReferralStatus
from citizens.models import HelpRequestDraft, Status
from citizens.tests.factories import HelpRequestFactory
from notifications.models import Delivery, DeliveryState, Notification, OutboxEmail
from notifications.outbox import send_outbox
from notifications.scanner import CLAIM_SQL, scan
from tests.fixtures.personas import Place

from .helpers import deadline_for, referral_for

AMS = ZoneInfo("Europe/Amsterdam")


def when(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=AMS)


def sent(kind: str) -> set[tuple[int | None, str]]:
    return {
        (d.recipient_id, d.due_at.astimezone(AMS).date().isoformat())
        for d in Delivery.objects.filter(kind=kind, state=DeliveryState.SENT)
    }


def test_deadline_reminders_three_working_days_before_on_the_day_and_escalation(
    den_helder: Place, caseworker: User, team_lead: User, mailbox: list
) -> None:
    # Thursday 26 November 2026; three working days before is Monday the 23rd.
    deadline_for(den_helder, caseworker, date(2026, 11, 26))

    with freeze_time(when("2026-11-20")):
        assert scan().sent == 0
    with freeze_time(when("2026-11-23")):
        assert scan().sent == 2
        assert scan().sent == 0
    assert sent("casework.deadline_soon") == {
        (caseworker.pk, "2026-11-23"),
        (team_lead.pk, "2026-11-23"),
    }
    with freeze_time(when("2026-11-26", 8)):
        assert scan().sent == 2
    assert sent("casework.deadline_today") == {
        (caseworker.pk, "2026-11-26"),
        (team_lead.pk, "2026-11-26"),
    }
    with freeze_time(when("2026-11-27")):
        assert scan().sent == 1
        assert scan().sent == 0
    assert sent("casework.deadline_passed") == {(team_lead.pk, "2026-11-27")}
    assert Notification.objects.filter(recipient=caseworker).count() == 2
    assert Notification.objects.filter(recipient=team_lead).count() == 3
    assert OutboxEmail.objects.count() == 5


def test_three_working_days_before_skips_christmas(
    den_helder: Place, caseworker: User, team_lead: User
) -> None:
    # Monday 28 December 2026: the 25th, 26th and the weekend do not count.
    deadline_for(den_helder, caseworker, date(2026, 12, 28))
    with freeze_time(when("2026-12-21")):
        scan()
    soon = Delivery.objects.get(kind="casework.deadline_soon", recipient=caseworker)
    assert soon.due_at == when("2026-12-22", 7)
    assert soon.state == DeliveryState.PENDING


@pytest.mark.parametrize("change", ["suspend", "meet", "close"])
def test_a_suspended_met_or_closed_deadline_is_not_reminded(
    den_helder: Place, caseworker: User, team_lead: User, change: str
) -> None:
    deadline = deadline_for(den_helder, caseworker, date(2026, 11, 26))
    with freeze_time(when("2026-11-20")):
        scan()
    assert Delivery.objects.filter(state=DeliveryState.PENDING).count() == 5
    if change == "suspend":
        deadline.suspend(date(2026, 11, 20))
    elif change == "meet":
        deadline.met_at = when("2026-11-20", 10)
        deadline.save()
    else:
        deadline.help_request.transition(Status.CLOSED, by=caseworker)

    for day in ("2026-11-23", "2026-11-26", "2026-11-27", "2026-12-10"):
        with freeze_time(when(day)):
            assert scan().sent == 0
    assert Notification.objects.count() == 0
    assert not Delivery.objects.filter(state=DeliveryState.PENDING).exists()


def test_a_moved_due_date_gets_a_new_record_and_the_stale_one_is_cancelled(
    den_helder: Place, caseworker: User, team_lead: User
) -> None:
    deadline = deadline_for(den_helder, caseworker, date(2026, 11, 26))
    with freeze_time(when("2026-11-20")):
        scan()
        deadline.suspend(date(2026, 11, 20))
    with freeze_time(when("2026-11-27")):
        # Resumed a week later: the five working days left now end on 4 December.
        deadline.resume(date(2026, 11, 27))
        assert deadline.due == date(2026, 12, 3)
        scan()
    old = Delivery.objects.filter(
        kind="casework.deadline_soon", due_at=when("2026-11-23", 7)
    )
    new = Delivery.objects.filter(
        kind="casework.deadline_soon", due_at=when("2026-11-30", 7)
    )
    assert {d.state for d in old} == {DeliveryState.CANCELLED}
    assert old.count() == 2
    assert new.count() == 2
    assert {d.state for d in new} == {DeliveryState.PENDING}
    with freeze_time(when("2026-11-30")):
        assert scan().sent == 2


def test_the_unique_record_refuses_the_same_reminder_twice(
    den_helder: Place, caseworker: User, team_lead: User
) -> None:
    deadline_for(den_helder, caseworker, date(2026, 11, 26))
    with freeze_time(when("2026-11-20")):
        scan()
        scan()
    row = Delivery.objects.filter(kind="casework.deadline_soon").first()
    assert Delivery.objects.filter(kind="casework.deadline_soon").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind=row.kind,
            object_id=row.object_id,
            due_at=row.due_at,
            recipient=row.recipient,
            recipient_key=row.recipient_key,
        )


def test_referral_reminds_the_partner_after_5_and_the_caseworker_after_10_working_days(
    den_helder: Place, caseworker: User, partner: User, mailbox: list
) -> None:
    colleague = UserFactory(partner=True, organisation=den_helder.organisation)
    UserFactory(partner=True)  # another organisation: never
    # Monday 2 November 2026.
    referral_for(den_helder, caseworker, when("2026-11-02", 10))

    with freeze_time(when("2026-11-06")):
        assert scan().sent == 0
    with freeze_time(when("2026-11-09")):
        assert scan().sent == 2
    assert sent("casework.referral_unanswered") == {
        (partner.pk, "2026-11-09"),
        (colleague.pk, "2026-11-09"),
    }
    with freeze_time(when("2026-11-16")):
        assert scan().sent == 1
    assert sent("casework.referral_unanswered_caseworker") == {
        (caseworker.pk, "2026-11-16")
    }


def test_an_answered_referral_is_not_reminded(
    den_helder: Place, caseworker: User, partner: User
) -> None:
    referral = referral_for(den_helder, caseworker, when("2026-11-02", 10))
    with freeze_time(when("2026-11-03")):
        scan()
    referral.status = ReferralStatus.ACCEPTED
    referral.answered_at = when("2026-11-04")
    referral.save()
    with freeze_time(when("2026-11-20")):
        assert scan().sent == 0
    assert Notification.objects.count() == 0


def test_the_follow_up_questionnaire_goes_to_the_resident_three_months_after_closing(
    den_helder: Place, caseworker: User, resident: User, mailbox: list
) -> None:
    request = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood, resident=resident, closed=True
    )
    request.closed_at = when("2026-08-20", 10)
    request.save()
    with freeze_time(when("2026-11-20", 9)):
        assert scan().sent == 0
    with freeze_time(when("2026-11-20", 11)):
        assert scan().sent == 1
        send_outbox()
    assert len(mailbox) == 1
    assert mailbox[0].to == [resident.email]
    assert "/follow-up/" in mailbox[0].body
    # Residents have no notification centre.
    assert Notification.objects.count() == 0


def test_the_draft_nudge_goes_only_to_those_who_asked_and_only_once(
    resident: User, other_resident: User, mailbox: list
) -> None:
    with freeze_time(when("2026-11-02")):
        asked = HelpRequestDraft.objects.create(owner=resident, remind_me=True)
        HelpRequestDraft.objects.create(owner=other_resident, remind_me=False)
        anonymous = HelpRequestDraft.objects.create(
            email="later@example.test", remind_me=True
        )
    with freeze_time(when("2026-11-05", 8)):
        assert scan().sent == 0
    with freeze_time(when("2026-11-05", 10)):
        assert scan().sent == 2
        send_outbox()
    assert sorted(m.to[0] for m in mailbox) == ["later@example.test", resident.email]
    with freeze_time(when("2026-11-06")):
        asked.save_answers("situation", {"story": "verder"})
        anonymous.save_answers("situation", {"story": "verder"})
    with freeze_time(when("2026-11-20")):
        assert scan().sent == 0


def test_the_scanners_due_query_can_use_its_partial_index(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + CLAIM_SQL,
            {
                "token": "00000000-0000-0000-0000-000000000000",
                "until": datetime(2026, 1, 1, tzinfo=AMS),
                "now": datetime(2026, 1, 1, tzinfo=AMS),
                "limit": 1000,
            },
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "delivery_pending_due" in plan, plan


def test_scanning_after_downtime_catches_up_without_doubles(
    den_helder: Place, caseworker: User, team_lead: User
) -> None:
    deadline_for(den_helder, caseworker, date(2026, 11, 26))
    # Nothing ran between Friday the 20th and Monday the 23rd at noon.
    with freeze_time(when("2026-11-23", 12)):
        assert scan().sent == 2
        assert scan().sent == 0
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 2
    assert (
        Delivery.objects.filter(due_at__gt=when("2026-11-24")).count() == 3
    )  # today x2 and the escalation, still ahead
    assert timedelta(0) < when("2026-11-24") - when("2026-11-23")

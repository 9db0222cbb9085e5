"""Statutory deadlines: the law's arithmetic, suspension, and triage creating them."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.models import User
from casework.models import Deadline, DeadlineKind, DeadlineState, compute_due
from casework.services import help_request_triage
from citizens.models import HelpRequest, Status
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("kind", "start", "due"),
    [
        # 6 weeks from Saturday 3 October 2026 is Saturday 14 November -> Monday 16th.
        (DeadlineKind.WMO_INVESTIGATION, date(2026, 10, 3), date(2026, 11, 16)),
        # 2 weeks from 11 December 2026 is Christmas Day -> Monday 28 December.
        (DeadlineKind.WMO_DECISION, date(2026, 12, 11), date(2026, 12, 28)),
        # 8 weeks from 19 March 2026 is Ascension Day (14 May) -> Friday 15 May.
        (DeadlineKind.PARTICIPATION_DECISION, date(2026, 3, 19), date(2026, 5, 15)),
        (DeadlineKind.YOUTH_DECISION, date(2026, 11, 2), date(2026, 12, 28)),
        # 4 weeks from 30 March 2026 is Monday 27 April, King's Day -> Tuesday.
        (DeadlineKind.DEBT_FIRST_CONVERSATION, date(2026, 3, 30), date(2026, 4, 28)),
    ],
)
def test_week_deadlines_move_off_weekends_and_holidays(
    kind: str, start: date, due: date
) -> None:
    assert compute_due(kind, start) == due


def test_debt_threat_gives_three_working_days_across_holidays() -> None:
    # Thursday 24 December 2026: Christmas and the weekend do not count.
    assert compute_due(
        DeadlineKind.DEBT_FIRST_CONVERSATION, date(2026, 12, 24), in_working_days=True
    ) == date(2026, 12, 30)


def _deadline(due: date, **fields: object) -> Deadline:
    return Deadline(
        kind=DeadlineKind.WMO_INVESTIGATION, start=date(2026, 1, 1), due=due, **fields
    )


def test_deadline_states() -> None:
    today = date(2026, 11, 23)  # Monday
    assert _deadline(date(2026, 12, 10)).state(today) == DeadlineState.ON_TRACK
    assert _deadline(date(2026, 11, 26)).state(today) == DeadlineState.DUE_SOON
    assert _deadline(date(2026, 11, 23)).state(today) == DeadlineState.DUE_SOON
    assert _deadline(date(2026, 11, 20)).state(today) == DeadlineState.OVERDUE
    assert (
        _deadline(date(2026, 11, 20), suspended_since=date(2026, 11, 1)).state(today)
        == DeadlineState.SUSPENDED
    )
    assert (
        _deadline(
            date(2026, 11, 20), met_at=datetime(2026, 11, 19, tzinfo=AMSTERDAM)
        ).state(today)
        == DeadlineState.MET
    )


@pytest.fixture
def request_in_den_helder(den_helder: Place, resident: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        submitted_at=datetime(2026, 10, 3, 10, 0, tzinfo=AMSTERDAM),
    )


def test_suspension_resumes_with_the_remaining_calendar_days(
    request_in_den_helder: HelpRequest,
) -> None:
    deadline = Deadline.objects.create(
        help_request=request_in_den_helder,
        kind=DeadlineKind.WMO_INVESTIGATION,
        start=date(2026, 10, 3),
        due=date(2026, 11, 16),
    )

    deadline.suspend(date(2026, 11, 2))  # 14 days left
    deadline.resume(date(2026, 11, 12))

    # 12 November + 14 days = Thursday 26 November.
    assert deadline.due == date(2026, 11, 26)
    assert deadline.suspended_since is None


def test_working_day_deadline_resumes_with_the_remaining_working_days(
    request_in_den_helder: HelpRequest,
) -> None:
    deadline = Deadline.objects.create(
        help_request=request_in_den_helder,
        kind=DeadlineKind.DEBT_FIRST_CONVERSATION,
        in_working_days=True,
        start=date(2026, 12, 21),
        due=date(2026, 12, 24),
    )

    deadline.suspend(date(2026, 12, 22))  # Wed 23 and Thu 24 left: 2 working days
    deadline.resume(date(2026, 12, 24))

    # From Thursday 24 December: Monday 28 and Tuesday 29 December.
    assert deadline.due == date(2026, 12, 29)


def test_resume_after_the_due_date_passed_during_suspension_gives_no_extra_days(
    request_in_den_helder: HelpRequest,
) -> None:
    deadline = Deadline.objects.create(
        help_request=request_in_den_helder,
        kind=DeadlineKind.WMO_DECISION,
        start=date(2026, 11, 2),
        due=date(2026, 11, 16),
    )
    deadline.suspend(date(2026, 11, 16))  # nothing left

    deadline.resume(date(2026, 11, 30))

    assert deadline.due == date(2026, 11, 30)


def test_triage_creates_the_deadlines_of_its_domains(
    request_in_den_helder: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    help_request_triage(
        help_request=request_in_den_helder,
        by=caseworker,
        domains=["wmo", "debt", "housing"],
        urgency="normal",
        team=den_helder.team,
        debt_threat=False,
    )

    deadlines = {d.kind: d.due for d in request_in_den_helder.deadlines.all()}
    assert deadlines == {
        DeadlineKind.WMO_INVESTIGATION: date(2026, 11, 16),
        DeadlineKind.DEBT_FIRST_CONVERSATION: date(2026, 11, 2),
    }
    request_in_den_helder.refresh_from_db()
    assert request_in_den_helder.status == Status.IN_REVIEW
    assert request_in_den_helder.team == den_helder.team


def test_retriage_recomputes_open_deadlines_and_drops_removed_domains(
    request_in_den_helder: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    arguments = {
        "help_request": request_in_den_helder,
        "by": caseworker,
        "urgency": "urgent",
        "team": den_helder.team,
    }
    help_request_triage(domains=["wmo", "debt"], debt_threat=False, **arguments)

    help_request_triage(domains=["debt"], debt_threat=True, **arguments)

    [deadline] = request_in_den_helder.deadlines.all()
    assert deadline.kind == DeadlineKind.DEBT_FIRST_CONVERSATION
    assert deadline.in_working_days
    # Saturday 3 October 2026 + 3 working days: Monday 5, Tuesday 6, Wednesday 7.
    assert deadline.due == date(2026, 10, 7)
    request_in_den_helder.refresh_from_db()
    assert request_in_den_helder.is_urgent


def test_caseworker_triages_through_the_page_and_sees_deadline_states(
    request_in_den_helder: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    client = Client()
    client.force_login(caseworker)
    url = f"/casework/requests/{request_in_den_helder.reference}/"

    with freeze_time("2026-11-12 09:00:00"):
        response = client.post(
            url + "triage/",
            {"domains": ["wmo"], "urgency": "normal", "team": den_helder.team.pk},
        )
        assert response.status_code == 302
        page = client.get(url)

    assert page.context["deadlines"][0][1] == DeadlineState.DUE_SOON
    assert 'data-state="due_soon"' in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"urgency": "normal"},
        {"domains": ["nonsense"], "urgency": "normal"},
        {"domains": ["wmo"], "urgency": "whenever"},
    ],
)
def test_triage_with_bad_input_is_refused_at_the_field(
    data: dict[str, object], request_in_den_helder: HelpRequest, caseworker: User
) -> None:
    client = Client()
    client.force_login(caseworker)

    response = client.post(
        f"/casework/requests/{request_in_den_helder.reference}/triage/", data
    )

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Deadline.objects.exists()


def test_triage_refuses_a_team_of_another_municipality(
    request_in_den_helder: HelpRequest, caseworker: User, lelystad: Place
) -> None:
    client = Client()
    client.force_login(caseworker)

    response = client.post(
        f"/casework/requests/{request_in_den_helder.reference}/triage/",
        {"domains": ["wmo"], "urgency": "normal", "team": lelystad.team.pk},
    )

    assert response.status_code == 400
    assert 'id="id_team_error"' in response.content.decode()


def test_suspend_and_resume_through_the_page(
    request_in_den_helder: HelpRequest, caseworker: User, den_helder: Place
) -> None:
    client = Client()
    client.force_login(caseworker)
    base = f"/casework/requests/{request_in_den_helder.reference}/"
    client.post(
        base + "triage/",
        {"domains": ["youth"], "urgency": "normal", "team": den_helder.team.pk},
    )
    deadline = Deadline.objects.get()

    with freeze_time("2026-10-19 09:00:00"):
        client.post(base + f"deadlines/{deadline.pk}/suspend/")
    deadline.refresh_from_db()
    assert deadline.suspended_since == date(2026, 10, 19)
    with freeze_time("2026-10-26 09:00:00"):
        client.post(base + f"deadlines/{deadline.pk}/resume/")

    deadline.refresh_from_db()
    assert deadline.suspended_since is None
    # 8 weeks from 3 October is Saturday 28 November -> Monday 30 November; the
    # week of suspension moves it to Monday 7 December.
    assert deadline.due == date(2026, 12, 7)
    assert client.post(base + f"deadlines/{deadline.pk}/explode/").status_code == 403


def test_the_running_state_follows_the_working_days_rule_everywhere() -> None:
    from datetime import timedelta

    from casework.models import DUE_SOON_WORKING_DAYS, running_state
    from socialdomain.lib.workdays import working_days_between

    # Two years of days, with weekends, Easter, King's Day and Christmas between
    # today and the due date.
    start = date(2026, 1, 1)
    for offset in range(0, 730, 3):
        today = start + timedelta(days=offset)
        for ahead in range(-2, 16):
            due = today + timedelta(days=ahead)
            if today > due:
                expected = DeadlineState.OVERDUE
            elif working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
                expected = DeadlineState.DUE_SOON
            else:
                expected = DeadlineState.ON_TRACK
            assert running_state(due, today) == expected, (today, due)

"""Budget lines, commitments and spending (spent versus planned, a warning when
spending runs ahead of time), goals with KPIs, activities and the learning journal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from pilots.models import Activity, BudgetEntry, BudgetLine, Goal, JournalEntry
from pilots.models.register import budget_overview
from pilots.tests.factories import PilotFactory
from pilots.tests.helpers import submit
from tests.fixtures.personas import client_for

pytestmark = pytest.mark.django_db


def _pilot(owner: User, **kwargs: object):  # type: ignore[no-untyped-def]
    return PilotFactory(
        municipality=owner.municipality, owner=owner, running=True, **kwargs
    )


def test_spent_versus_planned_per_line_and_in_total(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    client = client_for(pilot_owner)
    url = pilot.get_absolute_url()

    submit(
        client, url, match="/line/", **{"line-name": "Trainers", "line-planned": "1000"}
    )
    submit(
        client,
        url,
        match="/line/",
        **{"line-name": "Zaalhuur", "line-planned": "500,50"},
    )
    trainers = BudgetLine.objects.get(name="Trainers")
    for kind, amount in (
        ("commitment", "600"),
        ("spending", "250,25"),
        ("spending", "100"),
    ):
        response = submit(
            client,
            url,
            match="/entry/",
            **{
                "entry-line": str(trainers.pk),
                "entry-kind": kind,
                "entry-amount": amount,
                "entry-description": "Clinic",
            },
        )
        assert response.status_code == 302

    budget = budget_overview(pilot, timezone.localdate())
    html = client.get(url).content.decode()
    assert [(line.name, line.spent, line.committed) for line in budget["lines"]] == [
        ("Trainers", Decimal("350.25"), Decimal("600.00")),
        ("Zaalhuur", Decimal("0.00"), Decimal("0.00")),
    ]
    assert budget["planned"] == Decimal("1500.50")
    assert budget["spent"] == Decimal("350.25")
    assert "350,25" in html


def test_a_warning_when_spending_runs_ahead_of_time(pilot_owner: User) -> None:
    today = timezone.localdate()
    pilot = _pilot(
        pilot_owner,
        starts_on=today - dt.timedelta(days=9),
        ends_on=today + dt.timedelta(days=90),
    )
    line = BudgetLine.objects.create(pilot=pilot, name="Alles", planned=Decimal("1000"))
    client = client_for(pilot_owner)

    BudgetEntry.objects.create(
        line=line, kind="spending", amount=Decimal("150"), on=today, description="a"
    )
    calm = client.get(pilot.get_absolute_url()).content.decode()
    BudgetEntry.objects.create(
        line=line, kind="spending", amount=Decimal("400"), on=today, description="b"
    )
    ahead = client.get(pilot.get_absolute_url()).content.decode()

    assert 'data-testid="budget-warning"' not in calm
    assert 'data-testid="budget-warning"' in ahead
    assert budget_overview(pilot, today)["spent_percent"] == 55


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-5", "entry-amount"), ("0", "entry-amount"), ("veel", "entry-amount")],
)
def test_bad_amounts_are_refused_at_the_field(
    pilot_owner: User, amount: str, field: str
) -> None:
    pilot = _pilot(pilot_owner)
    line = BudgetLine.objects.create(pilot=pilot, name="Alles", planned=Decimal("10"))

    response = submit(
        client_for(pilot_owner),
        pilot.get_absolute_url(),
        match="/entry/",
        **{
            "entry-line": str(line.pk),
            "entry-amount": amount,
            "entry-description": "Iets",
        },
    )

    assert response.status_code == 400
    assert f"id_{field}_error" in response.content.decode()
    assert "Iets" in response.content.decode()
    assert not BudgetEntry.objects.exists()


def test_a_budget_line_name_is_unique_and_another_pilots_line_cannot_be_booked(
    pilot_owner: User,
) -> None:
    pilot = _pilot(pilot_owner)
    other = _pilot(pilot_owner)
    BudgetLine.objects.create(pilot=pilot, name="Trainers", planned=Decimal("10"))
    foreign = BudgetLine.objects.create(pilot=other, name="Zaal", planned=Decimal("10"))
    client = client_for(pilot_owner)

    duplicate = client.post(
        f"{pilot.get_absolute_url()}line/",
        {"line-name": "trainers", "line-planned": "5"},
    )
    cross = client.post(
        f"{pilot.get_absolute_url()}entry/",
        {
            "entry-line": str(foreign.pk),
            "entry-kind": "spending",
            "entry-amount": "5",
            "entry-on": "2026-01-01",
            "entry-description": "x",
        },
    )

    assert duplicate.status_code == 400
    assert "id_line-name_error" in duplicate.content.decode()
    assert cross.status_code == 400
    assert BudgetLine.objects.filter(pilot=pilot).count() == 1
    assert not BudgetEntry.objects.exists()


def test_goals_with_kpis_and_their_current_values(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    client = client_for(pilot_owner)
    url = pilot.get_absolute_url()

    added = submit(
        client,
        url,
        match="/goal/",
        **{
            "goal-description": "Jongeren voelen zich gelukkiger",
            "goal-indicator": "Gemiddelde levenstevredenheid",
            "goal-baseline": "5,5",
            "goal-target": "7",
            "goal-measured_with": "life_satisfaction:score",
        },
    )
    updated = submit(client, url, match="/kpi/", **{"kpi-goal_0": "6,2"})

    goal = Goal.objects.get()
    assert added.status_code == 302
    assert updated.status_code == 302
    assert (goal.instrument, goal.domain, goal.target) == (
        "life_satisfaction",
        "score",
        Decimal("7"),
    )
    assert goal.current_value == Decimal("6.2")


def test_a_goal_without_indicator_is_refused(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)

    response = submit(
        client_for(pilot_owner),
        pilot.get_absolute_url(),
        match="/goal/",
        **{"goal-description": "Iets beters", "goal-baseline": "1", "goal-target": "x"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "id_goal-indicator_error" in html
    assert "id_goal-target_error" in html
    assert "Iets beters" in html
    assert not Goal.objects.exists()


def test_activities_with_date_place_and_attendance(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    client = client_for(pilot_owner)

    response = submit(
        client,
        pilot.get_absolute_url(),
        match="/activity/",
        **{
            "activity-title": "Basketbalclinic",
            "activity-on": "2026-02-14",
            "activity-place": "Sporthal De Brake",
            "activity-attendance": "23",
        },
    )
    refused = submit(
        client,
        pilot.get_absolute_url(),
        match="/activity/",
        **{"activity-title": "Clinic", "activity-attendance": "-1"},
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert (activity.place, activity.attendance) == ("Sporthal De Brake", 23)
    assert refused.status_code == 400
    assert "id_activity-attendance_error" in refused.content.decode()
    assert "id_activity-place_error" in refused.content.decode()


def test_journal_entries_with_a_decision(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)
    client = client_for(pilot_owner)

    response = submit(
        client,
        pilot.get_absolute_url(),
        match="/journal/",
        **{
            "journal-tried": "Clinics op woensdagmiddag",
            "journal-saw": "Meisjes kwamen nauwelijks",
            "journal-change": "Een aparte meidenclinic",
            "journal-decision": "Vanaf maart twee clinics per week",
        },
    )
    empty = submit(client, pilot.get_absolute_url(), match="/journal/")

    entry = JournalEntry.objects.get()
    html = client.get(pilot.get_absolute_url()).content.decode()
    assert response.status_code == 302
    assert entry.author == pilot_owner
    assert entry.written_on == timezone.localdate()
    assert "Een aparte meidenclinic" in html
    assert empty.status_code == 400
    assert "id_journal-tried_error" in empty.content.decode()


def test_another_municipality_cannot_book_on_a_pilot(
    pilot_owner: User, lelystad_admin: User
) -> None:
    pilot = _pilot(pilot_owner)
    line = BudgetLine.objects.create(pilot=pilot, name="Alles", planned=Decimal("10"))
    client = client_for(lelystad_admin)

    responses = [
        client.post(f"{pilot.get_absolute_url()}{action}/", data).status_code
        for action, data in [
            ("line", {"line-name": "X", "line-planned": "1"}),
            (
                "entry",
                {
                    "entry-line": str(line.pk),
                    "entry-kind": "spending",
                    "entry-amount": "1",
                    "entry-on": "2026-01-01",
                    "entry-description": "x",
                },
            ),
            (
                "journal",
                {
                    "journal-written_on": "2026-01-01",
                    "journal-tried": "x",
                    "journal-saw": "y",
                },
            ),
            (
                "activity",
                {
                    "activity-title": "x",
                    "activity-on": "2026-01-01",
                    "activity-place": "y",
                    "activity-attendance": "1",
                },
            ),
            (
                "goal",
                {
                    "goal-description": "x",
                    "goal-indicator": "y",
                    "goal-baseline": "1",
                    "goal-target": "2",
                },
            ),
        ]
    ]

    assert responses == [404] * 5
    assert BudgetLine.objects.count() == 1
    assert not BudgetEntry.objects.exists()
    assert not JournalEntry.objects.exists()
    assert not Activity.objects.exists()
    assert not Goal.objects.exists()


def test_an_unknown_action_is_404(pilot_owner: User) -> None:
    pilot = _pilot(pilot_owner)

    assert (
        client_for(pilot_owner).post(f"{pilot.get_absolute_url()}delete/").status_code
        == 404
    )

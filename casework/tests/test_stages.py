"""Case stages on the staff side: the stage table, the resident's status that follows,
history, waiting for the resident stopping the clock, the queue filter, and the stages
derived for existing requests."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from freezegun import freeze_time

from accounts.models import User
from casework.models import (
    CaseState,
    ContactMoment,
    Deadline,
    DeadlineKind,
    Household,
    HouseholdMembership,
    PlanGoal,
    StageChange,
    ZrmAssessment,
    ZrmMoment,
)
from casework.services import help_request_update_progress, stored_stage
from casework.stages import (
    OPEN_STAGES,
    STAGE_TRANSITIONS,
    Stage,
    allowed_stages,
    fits,
    resident_status_for,
)
from citizens.models import ALLOWED_TRANSITIONS, HelpRequest, Status
from citizens.services import help_request_withdraw
from citizens.tests.factories import HelpRequestFactory
from tests.fixtures.personas import Place, client_for

DERIVE_STAGES = importlib.import_module(
    "casework.migrations.0006_case_stage"
).DERIVE_STAGES


@pytest.fixture
def help_request(den_helder: Place, resident: User, caseworker: User) -> HelpRequest:
    return HelpRequestFactory(
        resident=resident,
        municipality=den_helder.municipality,
        neighbourhood=den_helder.neighbourhood,
        contact_person=caseworker,
        team=den_helder.team,
    )


def _progress(client: Client, help_request: HelpRequest, **data: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/casework/requests/{help_request.reference}/",
        {"save_progress": "1", "next_step": "", **data},
    )


def _move(help_request: HelpRequest, by: User, *stages: str) -> None:
    for stage in stages:
        help_request_update_progress(
            help_request=help_request,
            by=by,
            stage=stage,
            next_step="",
            next_step_date=None,
        )
    help_request.refresh_from_db()


def test_the_stage_table_never_asks_a_status_change_the_resident_table_refuses() -> (
    None
):
    for stage in Stage.values:
        statuses = [s for s in Status.values if fits(stage, s)]
        assert statuses, stage
        for status in statuses:
            for to in allowed_stages(stage, status):
                assert to in STAGE_TRANSITIONS[stage]
                after = resident_status_for(to, current=status)
                assert after == status or after in ALLOWED_TRANSITIONS[status]
    # Outside "waiting" every move in the stage table is possible as it stands.
    for stage in set(Stage.values) - {Stage.WAITING_FOR_RESIDENT}:
        status = resident_status_for(stage, current=Status.RECEIVED)
        assert set(allowed_stages(stage, status)) == STAGE_TRANSITIONS[stage], stage


def test_every_open_stage_can_wait_for_the_resident_and_come_back() -> None:
    for stage in set(OPEN_STAGES) - {Stage.NEW, Stage.WAITING_FOR_RESIDENT}:
        status = resident_status_for(stage, current=Status.RECEIVED)
        assert Stage.WAITING_FOR_RESIDENT in allowed_stages(stage, status)
        assert stage in allowed_stages(Stage.WAITING_FOR_RESIDENT, status), stage


def test_moving_a_stage_records_who_when_from_to_and_why_and_the_status_follows(
    help_request: HelpRequest, caseworker: User
) -> None:
    client = client_for(caseworker)
    _progress(client, help_request, stage="triage")
    _progress(client, help_request, stage="intake_done")
    response = _progress(
        client, help_request, stage="plan", reason="Samen doelen opstellen"
    )

    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == Status.IN_PROGRESS
    assert help_request.case_state.stage == Stage.PLAN
    changes = list(
        StageChange.objects.filter(help_request=help_request).values_list(
            "from_stage", "to_stage", "by", "reason"
        )
    )
    assert changes == [
        (Stage.NEW, Stage.TRIAGE, caseworker.pk, ""),
        (Stage.TRIAGE, Stage.INTAKE_DONE, caseworker.pk, ""),
        (Stage.INTAKE_DONE, Stage.PLAN, caseworker.pk, "Samen doelen opstellen"),
    ]
    # The resident's history has only their own statuses, without the staff reason.
    changes = help_request.status_changes.filter(by=caseworker)
    assert list(changes.values_list("to_status", "note")) == [
        (Status.IN_REVIEW, ""),
        (Status.IN_PROGRESS, ""),
    ]
    page = client.get(f"/casework/requests/{help_request.reference}/").content.decode()
    assert 'data-stage="plan"' in page
    assert "Samen doelen opstellen" in page


def test_the_resident_never_sees_the_stage(
    help_request: HelpRequest, caseworker: User, resident: User
) -> None:
    _move(help_request, caseworker, Stage.INTAKE_DONE, Stage.IN_PROGRESS)
    _move(help_request, caseworker, Stage.EVALUATION)

    page = client_for(resident).get(f"/my-requests/{help_request.reference}/")

    text = page.content.decode()
    assert page.status_code == 200
    with translation.override("nl"):
        assert str(Status.IN_PROGRESS.label) in text
    for label in ("Evaluatie", "evaluation", "Intake gedaan", "intake_done"):
        assert label not in text


def test_a_stage_the_table_does_not_allow_is_refused_at_the_field(
    help_request: HelpRequest, caseworker: User
) -> None:
    response = _progress(client_for(caseworker), help_request, stage="evaluation")

    assert response.status_code == 400
    assert 'id="id_stage_error"' in response.content.decode()
    help_request.refresh_from_db()
    assert help_request.status == Status.RECEIVED
    assert not StageChange.objects.exists()
    assert not CaseState.objects.exists()


def test_waiting_for_the_resident_suspends_the_deadlines_and_resumes_with_the_days_left(
    help_request: HelpRequest, caseworker: User
) -> None:
    # Monday 2 November 2026: due Monday 16 November, 14 days left.
    with freeze_time("2026-11-02 10:00:00"):
        deadline = Deadline.objects.create(
            help_request=help_request,
            kind=DeadlineKind.WMO_INVESTIGATION,
            start=date(2026, 10, 5),
            due=date(2026, 11, 16),
        )
        _move(help_request, caseworker, Stage.TRIAGE, Stage.WAITING_FOR_RESIDENT)
        deadline.refresh_from_db()
        assert deadline.suspended_since == date(2026, 11, 2)
        assert help_request.status == Status.IN_REVIEW  # the resident sees no change

    with freeze_time("2026-11-12 10:00:00"):
        _move(help_request, caseworker, Stage.INTAKE_PLANNED)

    deadline.refresh_from_db()
    assert deadline.suspended_since is None
    # 14 days after Thursday 12 November is Thursday 26 November.
    assert deadline.due == date(2026, 11, 26)
    assert help_request.status == Status.APPOINTMENT_PLANNED
    assert list(
        StageChange.objects.values_list("from_stage", "to_stage").order_by("pk")
    )[-2:] == [
        (Stage.TRIAGE, Stage.WAITING_FOR_RESIDENT),
        (Stage.WAITING_FOR_RESIDENT, Stage.INTAKE_PLANNED),
    ]


def test_a_status_changed_by_the_resident_decides_the_stage(
    help_request: HelpRequest, caseworker: User, resident: User
) -> None:
    _move(help_request, caseworker, Stage.INTAKE_DONE, Stage.PLAN)

    help_request_withdraw(help_request=help_request, by=resident)

    help_request.refresh_from_db()
    assert stored_stage(help_request) == Stage.WITHDRAWN


def test_closing_needs_an_outcome_and_withdrawing_records_one(
    help_request: HelpRequest, caseworker: User
) -> None:
    client = client_for(caseworker)
    assert _progress(client, help_request, stage="closed").status_code == 400

    assert _progress(client, help_request, stage="withdrawn").status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.outcome) == (
        Status.WITHDRAWN,
        "withdrawn",
    )


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("new", {"new"}),
        ("triage", {"triage", "reopened"}),
        ("intake_planned", {"appointment"}),
        ("plan", {"plan"}),
        ("in_progress", {"no_row_in_progress"}),
        ("waiting_for_resident", {"waiting"}),
        ("evaluation", set()),
    ],
)
def test_the_queue_filters_on_the_stage(
    stage: str,
    expected: set[str],
    den_helder: Place,
    caseworker: User,
) -> None:
    def make(name: str, status: str, stored: str | None = None) -> None:
        help_request = HelpRequestFactory(
            municipality=den_helder.municipality,
            neighbourhood=den_helder.neighbourhood,
            status=status,
            story=name,
        )
        if stored:
            CaseState.objects.create(help_request=help_request, stage=stored)
        made[help_request.reference] = name

    made: dict[str, str] = {}
    make("new", Status.RECEIVED)
    make("triage", Status.IN_REVIEW, Stage.TRIAGE)
    # Closed, then reopened by the resident: the stored "closed" no longer fits.
    make("reopened", Status.IN_REVIEW, Stage.CLOSED)
    make("appointment", Status.APPOINTMENT_PLANNED, Stage.INTAKE_PLANNED)
    make("plan", Status.IN_PROGRESS, Stage.PLAN)
    make("no_row_in_progress", Status.IN_PROGRESS)
    make("waiting", Status.IN_REVIEW, Stage.WAITING_FOR_RESIDENT)
    make("closed_waiting", Status.CLOSED, Stage.WAITING_FOR_RESIDENT)

    response = client_for(caseworker).get("/casework/queue/", {"stage": stage})

    assert response.status_code == 200
    shown = {made[row.reference] for row in response.context["page"].rows}
    assert shown == expected


def test_an_unknown_stage_in_the_queue_is_refused_at_the_field(
    caseworker: User,
) -> None:
    response = client_for(caseworker).get("/casework/queue/", {"stage": "closed"})

    assert response.status_code == 400
    assert 'id="id_stage_error"' in response.content.decode()


def test_existing_requests_get_a_stage_derived_from_status_and_records(
    den_helder: Place, caseworker: User
) -> None:
    def make(status: str) -> HelpRequest:
        return HelpRequestFactory(
            municipality=den_helder.municipality,
            neighbourhood=den_helder.neighbourhood,
            status=status,
        )

    received, in_review, closed = (
        make(Status.RECEIVED),
        make(Status.IN_REVIEW),
        make(Status.CLOSED),
    )
    intake, plan, evaluation, plain, waiting = (
        make(Status.IN_PROGRESS) for _ in range(5)
    )
    ContactMoment.objects.create(
        help_request=intake,
        kind="home_visit",
        happened_on=date(2026, 1, 5),
        summary="x",
        is_intake=True,
    )
    household = Household.objects.create(municipality=den_helder.municipality)
    HouseholdMembership.objects.create(household=household, help_request=plan)
    PlanGoal.objects.create(household=household, domain="finances", description="x")
    ZrmAssessment.objects.create(
        help_request=evaluation, moment=ZrmMoment.EVALUATION, scores={}
    )
    Deadline.objects.create(
        help_request=waiting,
        kind=DeadlineKind.WMO_INVESTIGATION,
        start=date(2026, 1, 1),
        due=date(2026, 2, 12),
        suspended_since=date(2026, 1, 20),
    )
    CaseState.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(DERIVE_STAGES)

    stages = dict(CaseState.objects.values_list("help_request_id", "stage"))
    assert {
        name: stages[request.pk]
        for name, request in {
            "received": received,
            "in_review": in_review,
            "closed": closed,
            "intake": intake,
            "plan": plan,
            "evaluation": evaluation,
            "plain": plain,
            "waiting": waiting,
        }.items()
    } == {
        "received": Stage.NEW,
        "in_review": Stage.TRIAGE,
        "closed": Stage.CLOSED,
        "intake": Stage.INTAKE_DONE,
        "plan": Stage.PLAN,
        "evaluation": Stage.EVALUATION,
        "plain": Stage.IN_PROGRESS,
        "waiting": Stage.WAITING_FOR_RESIDENT,
    }

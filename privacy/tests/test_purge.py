"""The daily purge at the retention boundary: a day before nothing goes; on and after
the moment every planted marker has left the database, the disk and Redis."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time
from pytest_django.fixtures import Settings

from accounts.models import User
from casework.models import PlanGoal
from citizens.models import Consent, FileAccess, HelpRequest, HelpRequestDraft, Status
from citizens.tests.factories import ConsentFactory, HelpRequestDraftFactory
from privacy import services
from privacy.models import Anonymisation, DeletionRecord, PurgeRun, RecordKind, Rule
from privacy.tests.helpers import (
    files_containing,
    plant,
    redis_keys_containing,
    tables_containing,
    write_document,
)
from tests.fixtures.personas import Place

CLOSED_AT = dt.datetime(2020, 3, 10, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def private_media(settings: Settings, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    return root


def _purge(capture, **kwargs) -> services.PurgeResult:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return services.purge_personal_data(**kwargs)


def _everywhere(marker: str) -> dict[str, object]:
    return {
        "tables": tables_containing(marker),
        "files": files_containing(marker),
        "redis": redis_keys_containing(marker),
    }


@pytest.mark.parametrize(
    ("domains", "rule"),
    [
        (["wmo"], Rule.WMO),
        (["youth"], Rule.YOUTH),
        (["participation"], Rule.PARTICIPATION),
        (None, Rule.OTHER),
    ],
)
@pytest.mark.parametrize("offset_days", [-1, 0, 1])
def test_closed_cases_vanish_on_and_after_their_retention_moment(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    domains: list[str] | None,
    rule: str,
    offset_days: int,
) -> None:
    marker = f"MARKER{rule.upper()}X"
    help_request = plant(den_helder, marker, closed_at=CLOSED_AT, domains=domains)
    moment = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS[rule])
    assert set(_everywhere(marker)["tables"]) >= {
        "citizens_helprequest",
        "citizens_message",
        "citizens_attachment",
        "citizens_helprequestdraft",
        "citizens_statuschange",
        "casework_contactmoment",
        "casework_referral",
        "citizens_followupanswer",
        "casework_plangoal",
        "casework_planaction",
    }
    assert files_containing(marker)

    with freeze_time(moment + dt.timedelta(days=offset_days)):
        _purge(django_capture_on_commit_callbacks)

    help_request.refresh_from_db()
    if offset_days < 0:
        assert len(_everywhere(marker)["tables"]) == 10
        assert files_containing(marker)
        assert help_request.story.startswith(marker)
        assert not Anonymisation.objects.exists()
        return
    assert _everywhere(marker) == {"tables": {}, "files": [], "redis": []}
    # What the figures need stays.
    assert help_request.status == Status.CLOSED
    assert help_request.neighbourhood_id == den_helder.neighbourhood.pk
    assert help_request.postcode == "1781"
    assert help_request.resident_id is None
    assert help_request.anonymisation.rule == rule


def test_a_case_under_two_laws_keeps_the_longer_period(den_helder: Place) -> None:
    help_request = plant(
        den_helder, "MARKERTWOX", closed_at=CLOSED_AT, domains=["wmo", "youth"]
    )
    assert services.rule_for(help_request) == Rule.YOUTH


def test_a_household_plan_stays_while_another_members_case_is_kept(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    gone = plant(den_helder, "MARKERHHGONEX", closed_at=CLOSED_AT, domains=None)
    kept = plant(
        den_helder,
        "MARKERHHKEPTX",
        closed_at=CLOSED_AT + dt.timedelta(days=30),
        domains=None,
    )
    household = gone.household_link.household
    own_household = kept.household_link.household
    kept.household_link.household = household
    kept.household_link.save()
    PlanGoal.objects.filter(household=own_household).update(household=household)
    moment = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS[Rule.OTHER])

    with freeze_time(moment):
        _purge(django_capture_on_commit_callbacks)
    assert "casework_plangoal" in tables_containing("MARKERHHGONEX")
    assert "citizens_helprequest" not in tables_containing("MARKERHHGONEX")

    with freeze_time(moment + dt.timedelta(days=30)):
        _purge(django_capture_on_commit_callbacks)
    for marker in ("MARKERHHGONEX", "MARKERHHKEPTX"):
        assert _everywhere(marker) == {"tables": {}, "files": [], "redis": []}


def test_dry_run_counts_and_changes_nothing(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    plant(den_helder, "MARKERDRYX", closed_at=CLOSED_AT, domains=None)
    before = _everywhere("MARKERDRYX")
    with freeze_time(CLOSED_AT + dt.timedelta(days=800)):
        result = _purge(django_capture_on_commit_callbacks, dry_run=True)
        call_command(
            "purge_personal_data",
            "--dry-run",
            stdout=io.StringIO(),
        )
    assert (
        result.counts[(den_helder.municipality.pk, Rule.OTHER, RecordKind.MESSAGE)] == 1
    )
    assert (
        result.counts[(den_helder.municipality.pk, Rule.OTHER, RecordKind.HELP_REQUEST)]
        == 1
    )
    assert _everywhere("MARKERDRYX") == before
    assert not PurgeRun.objects.exists()
    assert not DeletionRecord.objects.exists()
    assert not Anonymisation.objects.exists()


def test_a_legal_hold_stops_the_purge_until_it_is_lifted_or_ends(
    den_helder: Place,
    functional_admin: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    help_request = plant(den_helder, "MARKERHOLDX", closed_at=CLOSED_AT, domains=None)
    FileAccess.record(
        help_request=help_request, user=functional_admin, purpose="handle"
    )
    due = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS["other"] + 1)
    hold = services.legal_hold_set(
        help_request=help_request,
        by=functional_admin,
        reason="Bezwaarprocedure loopt",
        until=due.date() + dt.timedelta(days=30),
    )
    with freeze_time(due):
        _purge(django_capture_on_commit_callbacks)
    assert len(tables_containing("MARKERHOLDX")) == 10
    assert files_containing("MARKERHOLDX")

    # The hold ends on its date; the day after, the purge takes the case.
    with freeze_time(due + dt.timedelta(days=30)):
        _purge(django_capture_on_commit_callbacks)
    assert len(tables_containing("MARKERHOLDX")) == 10
    with freeze_time(due + dt.timedelta(days=31)):
        _purge(django_capture_on_commit_callbacks)
    assert tables_containing("MARKERHOLDX") == {}
    assert files_containing("MARKERHOLDX") == []
    hold.refresh_from_db()
    assert hold.lifted_at is None


def test_lifting_a_hold_lets_the_next_run_purge(
    den_helder: Place,
    functional_admin: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    help_request = plant(den_helder, "MARKERLIFTX", closed_at=CLOSED_AT, domains=None)
    hold = services.legal_hold_set(
        help_request=help_request,
        by=functional_admin,
        reason="Klacht bij de ombudsman",
        until=dt.date(2030, 1, 1),
    )
    with freeze_time(CLOSED_AT + dt.timedelta(days=800)):
        _purge(django_capture_on_commit_callbacks)
        assert tables_containing("MARKERLIFTX")
        services.legal_hold_lift(
            hold=hold, by=functional_admin, reason="Klacht is afgerond"
        )
        _purge(django_capture_on_commit_callbacks)
    assert tables_containing("MARKERLIFTX") == {}


@pytest.mark.parametrize("offset_days", [-1, 0, 1])
def test_unsent_drafts_and_their_documents_go_after_30_days(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    db: None,
    offset_days: int,
) -> None:
    draft = HelpRequestDraftFactory(
        answers={"situation": {"story": "MARKERDRAFTX"}}, email="draft@example.test"
    )
    write_document(None, "MARKERDRAFTX", draft=draft)
    HelpRequestDraft.objects.filter(pk=draft.pk).update(updated_at=CLOSED_AT)
    with freeze_time(CLOSED_AT + dt.timedelta(days=30 + offset_days)):
        _purge(django_capture_on_commit_callbacks)
    if offset_days < 0:
        assert HelpRequestDraft.objects.filter(pk=draft.pk).exists()
        assert files_containing("MARKERDRAFTX")
    else:
        assert _everywhere("MARKERDRAFTX") == {"tables": {}, "files": [], "redis": []}


def test_the_register_counts_per_rule_and_holds_no_personal_data(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    plant(den_helder, "MARKERREGX", closed_at=CLOSED_AT, domains=["wmo"])
    with freeze_time(CLOSED_AT + dt.timedelta(days=8 * 365)):
        _purge(django_capture_on_commit_callbacks)
        # A second run finds nothing new.
        second = _purge(django_capture_on_commit_callbacks)
    assert second.total() == 0
    records = {
        (r.rule, r.kind): r.count
        for r in DeletionRecord.objects.filter(municipality=den_helder.municipality)
    }
    assert records == {
        (Rule.WMO, RecordKind.HELP_REQUEST): 1,
        (Rule.WMO, RecordKind.MESSAGE): 1,
        (Rule.WMO, RecordKind.ATTACHMENT): 1,
        (Rule.WMO, RecordKind.DRAFT): 1,
        # status change, contact moment, referral, follow-up answer, triage
        (Rule.WMO, RecordKind.CASE_TEXT): records[(Rule.WMO, RecordKind.CASE_TEXT)],
    }
    assert records[(Rule.WMO, RecordKind.CASE_TEXT)] >= 4
    # Only codes, counts, dates and keys: no column that could hold text about a person.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'privacy_deletionrecord'"
        )
        columns = dict(cursor.fetchall())
    assert set(columns) == {
        "id",
        "run_id",
        "municipality_id",
        "kind",
        "rule",
        "count",
        "at",
    }
    assert set(DeletionRecord.objects.values_list("rule", flat=True)) <= set(
        Rule.values
    )
    assert set(DeletionRecord.objects.values_list("kind", flat=True)) <= set(
        RecordKind.values
    )
    assert tables_containing("MARKERREGX") == {}


def test_the_command_runs_the_purge_and_records_the_job(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str],
) -> None:
    from notifications.models import JobRun

    help_request = plant(den_helder, "MARKERCMDX", closed_at=CLOSED_AT, domains=None)
    with freeze_time(CLOSED_AT + dt.timedelta(days=731)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("purge_personal_data")
    assert "other/help_request: 1" in capsys.readouterr().out
    assert HelpRequest.objects.get(pk=help_request.pk).story == ""
    assert JobRun.objects.get(name="privacy.tasks.purge_personal_data").succeeded


def test_the_purge_is_in_the_beat_schedule() -> None:
    from socialdomain.celery import app

    entry = app.conf.beat_schedule["purge-personal-data"]
    assert entry["task"] == "privacy.tasks.purge_personal_data"
    # Daily, outside the 02:00-03:00 daylight-saving gap.
    assert entry["schedule"].hour == {5}


def test_the_redis_check_finds_a_marker_when_one_is_there() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.set("privacy-test-probe", "xx MARKERPROBEX xx", ex=60)
    try:
        assert redis_keys_containing("MARKERPROBEX") == ["privacy-test-probe"]
    finally:
        client.delete("privacy-test-probe")


def test_anonymising_unlinks_who_gave_and_withdrew_consent(
    den_helder: Place,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    help_request = plant(
        den_helder, "MARKERCONSENTX", closed_at=CLOSED_AT, domains=None
    )
    consent = ConsentFactory(
        help_request=help_request,
        given_at=CLOSED_AT - dt.timedelta(days=30),
        expires_at=CLOSED_AT + dt.timedelta(days=300),
    )
    Consent.objects.filter(pk=consent.pk).update(withdrawn_by=help_request.resident)
    assert consent.recorded_by_id
    moment = CLOSED_AT + dt.timedelta(days=settings.PRIVACY_RETENTION_DAYS["other"])
    with freeze_time(moment):
        _purge(django_capture_on_commit_callbacks)
    consent.refresh_from_db()
    assert (consent.recorded_by_id, consent.withdrawn_by_id) == (None, None)
    # What the consent was for stays, for the record and the overview's counts.
    assert consent.recipient == "volunteers"


def test_more_expired_drafts_than_a_bound_statement_holds_values_are_purged(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    db: None,
) -> None:
    # The purge sends every expired draft's id in one `__in` list: beyond 65,535
    # values the statement is quoted instead of bound (socialdomain/lib/binding.py).
    from socialdomain.lib.binding import MAX_BOUND_VALUES

    HelpRequestDraft.objects.bulk_create(
        HelpRequestDraft() for _ in range(MAX_BOUND_VALUES + 5)
    )
    kept = HelpRequestDraftFactory()
    HelpRequestDraft.objects.exclude(pk=kept.pk).update(updated_at=CLOSED_AT)
    with freeze_time(CLOSED_AT + dt.timedelta(days=31)):
        result = _purge(django_capture_on_commit_callbacks)
    assert result.counts[(None, Rule.DRAFT, RecordKind.DRAFT)] == MAX_BOUND_VALUES + 5
    assert list(HelpRequestDraft.objects.values_list("pk", flat=True)) == [kept.pk]

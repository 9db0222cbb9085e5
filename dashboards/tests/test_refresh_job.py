"""The summaries follow new data within a minute: a beat job every minute, run by a
real worker, and the same as a management command."""

from __future__ import annotations

import time

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django.db.models import Sum

from citizens.tests.factories import HelpRequestFactory
from dashboards.models import DirtyRequest, MonthlySummary
from dashboards.refresh import refresh
from dashboards.tasks import refresh_summaries
from socialdomain.celery import app
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker


def _requests_counted(place: Place) -> int:
    total = MonthlySummary.objects.filter(
        municipality=place.municipality, domain="", pilot=0
    ).aggregate(n=Sum("requests"))["n"]
    return total or 0


def test_the_refresh_runs_every_minute() -> None:
    entry = app.conf.beat_schedule["refresh-dashboards"]

    assert entry["task"] == refresh_summaries.name
    assert entry["schedule"] == crontab()


@pytest.mark.worker
def test_a_new_request_reaches_the_summaries_through_the_worker(
    celery_worker: Worker, den_helder: Place
) -> None:
    refresh(full=True)
    HelpRequestFactory(neighbourhood=den_helder.neighbourhood, history=False)
    assert DirtyRequest.objects.count() == 1
    assert _requests_counted(den_helder) == 0

    refresh_summaries.delay_on_commit()

    deadline = time.monotonic() + 30
    while _requests_counted(den_helder) != 1:
        assert time.monotonic() < deadline, celery_worker.log.read_text()[-2000:]
        time.sleep(0.2)
    assert not DirtyRequest.objects.exists()


@pytest.mark.django_db
def test_the_command_refreshes_incrementally_and_fully(
    den_helder: Place, capsys
) -> None:  # type: ignore[no-untyped-def]
    call_command("refresh_dashboards", "--full")
    HelpRequestFactory(neighbourhood=den_helder.neighbourhood, history=False)

    call_command("refresh_dashboards")

    assert _requests_counted(den_helder) == 1
    output = capsys.readouterr().out
    assert "Full rebuild" in output and "Incremental refresh: 1 requests" in output

"""`make bench` adds up the CPU time of the gunicorn workers and of PostgreSQL per
page (bench/run.py): the readings come from /proc and count only what ran."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from run import (  # noqa: E402
    Page,
    cpu_per_request,
    cpu_seconds,
    cpu_spent,
    postgres_pids,
    results_table,
)


def _busy(seconds: float) -> None:
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass


def test_cpu_seconds_grow_with_the_work_done_and_leave_ended_processes_out() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    before = cpu_seconds([os.getpid(), ended.pid])
    _busy(0.3)
    after = cpu_seconds([os.getpid(), ended.pid])

    assert set(after) == {os.getpid()}
    assert 0.25 <= cpu_spent(before, after) <= 0.6


def test_a_process_started_between_the_readings_counts_from_zero() -> None:
    assert cpu_spent({}, {123: 0.5, 456: 0.25}) == 0.75
    assert cpu_spent({123: 0.5}, {123: 0.75}) == 0.25


@pytest.mark.django_db
def test_the_backend_serving_this_connection_is_a_postgresql_process() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    if not Path(f"/proc/{backend}").exists():
        pytest.skip("PostgreSQL runs on another machine or in another namespace")
    assert backend in postgres_pids()
    assert os.getpid() not in postgres_pids()


def test_the_results_table_shows_cpu_per_request() -> None:
    page = Page("Some page", "/x/", latencies=[0.001] * 90, errors=10, seconds=1.0)
    page.server_cpu, page.database_cpu = 0.25, 0.05

    row = results_table([page]).splitlines()[-1]

    assert cpu_per_request(page, page.server_cpu) == "2.50"
    assert row.endswith("| 90 | 10 | 2.50 | 0.50 |")
    assert cpu_per_request(Page("Idle", "/y/"), 0.0) == "–"

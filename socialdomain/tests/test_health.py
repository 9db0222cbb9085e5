import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests.fixtures.worker import Worker, database_url

ROOT = Path(__file__).resolve().parents[2]


def healthz_in_a_fresh_process(**environment: str) -> tuple[int, dict]:
    """GET /healthz in a new Python process whose services are set by `environment`.

    A separate process, because Celery and Django keep their connections per process.
    """
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json(),"
        " 'cache': r.get('Cache-Control', '')}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "socialdomain.settings_test",
        "DATABASE_URL": database_url(connection.settings_dict),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], answer["body"] | {"cache": answer["cache"]}


def redis_database_without_workers() -> str:
    # Redis is up there, but no worker listens on that database to answer a ping.
    return os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/13"


@pytest.mark.worker
def test_healthz_is_green_when_database_redis_and_a_worker_answer(
    celery_worker: Worker,
) -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"status": "ok"},
            "redis": {"status": "ok"},
            "celery": {"status": "ok"},
        },
    }


def test_healthz_is_503_when_no_worker_answers(db: None) -> None:
    status, body = healthz_in_a_fresh_process(
        REDIS_URL=redis_database_without_workers()
    )

    assert status == 503
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["redis"] == {"status": "ok"}
    assert body["checks"]["celery"]["status"] == "down"


def test_healthz_is_503_when_redis_is_down(db: None) -> None:
    status, body = healthz_in_a_fresh_process(REDIS_URL="redis://127.0.0.1:1/0")

    assert status == 503
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["celery"]["status"] == "down"


def test_healthz_is_503_when_the_database_is_down() -> None:
    status, body = healthz_in_a_fresh_process(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing"
    )

    assert status == 503
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["redis"] == {"status": "ok"}


def test_healthz_needs_no_login_and_is_never_cached(db: None) -> None:
    status, body = healthz_in_a_fresh_process(
        REDIS_URL=redis_database_without_workers()
    )

    assert status == 503  # answered, not redirected to the login page
    assert "no-cache" in body["cache"]

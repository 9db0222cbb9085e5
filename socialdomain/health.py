"""Health of the services the portal depends on: PostgreSQL, Redis and a Celery worker."""

from collections.abc import Callable

from django.conf import settings
from django.db import connection

Check = Callable[[], None]


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    # Imported here: redis-py (with its asyncio half) is ~6 MB per web worker, and
    # only this check and the Celery broker connection need it.
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()


def check_celery() -> None:
    # Imported here, like redis above: the Celery client is ~20 MB and only this
    # check and the code that queues a task need it in a web worker.
    from socialdomain.celery import app as celery_app

    # `limit=1` returns as soon as one worker answers instead of waiting the timeout.
    # Fail fast when the broker is unreachable instead of retrying for minutes.
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=1)
    replies = celery_app.control.ping(timeout=1.0, limit=1)
    if not replies:
        raise RuntimeError("no worker answered")


CHECKS: dict[str, Check] = {
    "database": check_database,
    "redis": check_redis,
    "celery": check_celery,
}


def run_checks() -> dict[str, dict[str, str]]:
    results: dict[str, dict[str, str]] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "down"; say which
            results[name] = {"status": "down", "error": type(exc).__name__}
        else:
            results[name] = {"status": "ok"}
    return results

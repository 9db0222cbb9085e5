from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from accounts.models import LoginSession
from accounts.tasks import clear_expired_sessions
from socialdomain.celery import app


def test_tasks_survive_a_worker_dying_mid_task() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_the_outbox_jobs_are_acknowledged_when_taken() -> None:
    """Their state is in the database; an unacknowledged message held when Redis
    went away stopped the worker (kombu 5.7, found by faults/redis_outage.py)."""
    from notifications.tasks import scan_reminders, send_outbox

    assert send_outbox.acks_late is False
    assert scan_reminders.acks_late is False


def test_reminders_and_reports_have_their_own_queues() -> None:
    routes = app.conf.task_routes
    assert routes["reminders.*"] == {"queue": "reminders"}
    assert routes["reports.*"] == {"queue": "reports"}
    assert app.conf.task_default_queue == "default"


def test_every_periodic_job_is_a_registered_task_and_daily_ones_avoid_the_dst_hour() -> (
    None
):
    app.loader.import_default_modules()
    # What beat runs: the settings' entries with Celery's crontab made of cron(...).
    assert app.conf.beat_schedule.keys() == settings.CELERY_BEAT_SCHEDULE.keys()
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name}: unknown task {entry['task']}"
        schedule = entry["schedule"]
        # Jobs that run every hour lose nothing by one skipped or repeated tick; a job
        # that runs once or a few times a day must not fall in 02:00-03:00.
        if isinstance(schedule, crontab) and len(schedule.hour) < 24:
            assert 2 not in schedule.hour, f"{name} runs in the daylight-saving hour"


def test_clear_expired_sessions_removes_only_expired_sessions(db: None) -> None:
    now = timezone.now()
    LoginSession.objects.create(
        session_key="old", session_data="x", expire_date=now - timedelta(minutes=1)
    )
    LoginSession.objects.create(
        session_key="new", session_data="x", expire_date=now + timedelta(hours=1)
    )

    clear_expired_sessions.apply().get()

    assert list(LoginSession.objects.values_list("session_key", flat=True)) == ["new"]

"""The settings fail closed and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3v-9x!q" * 8,
    "DJANGO_ALLOWED_HOSTS": "buurtkracht.example.nl",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(environment)
    env["DJANGO_SETTINGS_MODULE"] = "socialdomain.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_stops_start_up_with_a_clear_message() -> None:
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}

    result = manage("check", **environment)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up_outside_debug() -> None:
    environment = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}

    result = manage("check", **environment)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_debug_is_off_unless_switched_on() -> None:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **PRODUCTION,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_database_other_than_postgresql_is_refused() -> None:
    result = manage(
        "check", **{**PRODUCTION, "DATABASE_URL": "sqlite:///tmp/x.sqlite3"}
    )

    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_unreadable_boolean_is_refused_rather_than_guessed() -> None:
    result = manage("check", **{**PRODUCTION, "DJANGO_DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_dutch_is_the_default_language_and_amsterdam_the_time_zone() -> None:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        "print(s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ, [c for c, _ in s.LANGUAGES])",
        **PRODUCTION,
    )

    assert (
        result.stdout.strip().splitlines()[-1]
        == "nl Europe/Amsterdam True ['nl', 'en']"
    )


def test_code_only_commands_run_on_a_bare_checkout_and_find_no_missing_migration() -> (
    None
):
    result = manage("makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_serving_commands_still_refuse_a_bare_environment() -> None:
    result = manage("check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr

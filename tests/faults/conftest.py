"""A grading stack the fault tests may break: its own redis-server, Celery worker and beat.

Everything is real and separate from the session's shared services, because these
tests kill and restart them: a redis-server on a port of its own (restarted on the same
port, empty, as one without persistence comes back), a Celery worker (its own process
group, so the whole worker can be killed) and Celery beat sending the sweep.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import kombu.pools
import pytest
from processes import ROOT, database_url, free_port, wait_for

GRADED = re.compile(r"submission (\d+) graded(?: in \d+ ms)?: \w+ \(claim \d+, (stored|not stored)")


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed: run the README's test command"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=15, what="redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class CeleryProcess:
    """`celery worker` or `celery beat` in a process group of its own, logging to a file."""

    def __init__(self, kind: str, env: dict[str, str], log: Path, *extra: str) -> None:
        self.kind = kind
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coursesite", kind, "--loglevel", "info"]
            + list(extra),
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 90) -> None:
        marker = "ready." if self.kind == "worker" else "beat: Starting"
        wait_for(
            lambda: marker in self.log.read_text(errors="replace"),
            timeout=timeout,
            what=f"celery {self.kind}",
            log=self.log,
        )

    def pool_pids(self) -> list[int]:
        children = []
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                children += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return children

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process, its pool and sandboxes."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Stack:
    """The services under test, and what their logs say about gradings."""

    def __init__(self, directory: Path, database: str) -> None:
        self.directory = directory
        self.redis = Redis(directory)
        self.redis.start()
        self.env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": self.redis.url,
            "TRACELAB_DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            "TRACELAB_SWEEP_SECONDS": "2",
        }
        self.logs: list[Path] = []
        self.worker = self.start_worker()
        self.beat = CeleryProcess(
            "beat", self.env, directory / "beat.log", "--schedule", str(directory / "schedule")
        )
        self.beat.wait_ready()
        self.worker.wait_ready()

    def start_worker(self) -> CeleryProcess:
        log = self.directory / f"worker-{len(self.logs)}.log"
        self.logs.append(log)
        return CeleryProcess(
            "worker",
            self.env,
            log,
            "-Q",
            "cpu,gpu,housekeeping",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
        )

    def replace_worker(self) -> None:
        self.worker = self.start_worker()
        self.worker.wait_ready()

    def gradings(self) -> tuple[Counter, Counter]:
        """Per submission id: finished sandbox gradings, and those whose result was stored."""
        finished, stored = Counter(), Counter()
        for log in self.logs:
            for match in GRADED.finditer(log.read_text(errors="replace")):
                finished[int(match.group(1))] += 1
                stored[int(match.group(1))] += match.group(2) == "stored"
        return finished, stored

    def stop(self) -> None:
        self.beat.stop()
        self.worker.stop()
        self.redis.stop()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    from coursesite.celery import app

    services = Stack(tmp_path_factory.mktemp("faults"), database_url(settings.DATABASES["default"]))
    # The test process sends its tasks to this stack's Redis.
    saved = app.conf.broker_url
    use_broker(app, services.redis.url)
    yield services
    services.stop()
    use_broker(app, saved)


def use_broker(app, url: str) -> None:
    """Point the test process's Celery app at another broker, dropping pooled connections.

    Closing a pool is not enough: kombu keeps closed pools in its registry (keyed by
    broker) and hands them out again, so the registry is reset too, and the app forgets
    its pools the way Celery does after a fork.
    """
    kombu.pools.reset()
    app.conf.broker_url = url
    app._after_fork()

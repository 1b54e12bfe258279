"""A grading stack the fault tests may break: its own redis-server, Celery worker and beat.

Everything is real and separate from the session's shared services, because these
tests kill and restart them: a redis-server on a port of its own (restarted on the same
port, empty, as one without persistence comes back), and a Celery worker and Celery beat
(sending the sweep) under supervisord, as `./tracelab run` runs them, so a worker that
is killed or crashes is started again.
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


class Supervised:
    """Celery worker and beat under supervisord, as `./tracelab run` starts them.

    A worker that exits, killed or crashed, is started again by supervisord; its
    output and that of every later worker go to one log, which the tests read.
    """

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.conf = directory / "supervisord.conf"
        self.log = directory / "worker.log"
        self.log.touch()
        celery = f"{sys.executable} -m celery -A coursesite"
        common = (
            f"directory={ROOT}\nautorestart=true\nstartsecs=1\nstartretries=100\n"
            "stopasgroup=true\nkillasgroup=true\nstopwaitsecs=20\nredirect_stderr=true\n"
        )
        self.conf.write_text(
            "[supervisord]\nnodaemon=true\n"
            f"logfile={directory / 'supervisord.log'}\npidfile={directory / 'supervisord.pid'}\n"
            f"[unix_http_server]\nfile={directory / 'supervisor.sock'}\n"
            "[rpcinterface:supervisor]\n"
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
            f"[supervisorctl]\nserverurl=unix://{directory / 'supervisor.sock'}\n"
            f"[program:worker]\ncommand={celery} worker --loglevel info -Q cpu,gpu,housekeeping "
            "--concurrency 2 --without-gossip --without-mingle\n"
            f"stdout_logfile={self.log}\nstdout_logfile_maxbytes=0\n{common}"
            f"[program:beat]\ncommand={celery} beat --loglevel info "
            f"--schedule {directory / 'schedule'}\n"
            f"stdout_logfile={directory / 'beat.log'}\nstdout_logfile_maxbytes=0\n{common}"
        )
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "supervisord"), "-n", "-c", str(self.conf)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready(ready_lines=1)

    def worker_pid(self) -> int | None:
        answer = subprocess.run(
            [str(Path(sys.executable).parent / "supervisorctl"), "-c", str(self.conf)]
            + ["pid", "worker"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        return int(answer) if answer.isdigit() and answer != "0" else None

    def ready_lines(self) -> int:
        return self.log.read_text(errors="replace").count(" ready.")

    def wait_ready(self, *, ready_lines: int, timeout: float = 90) -> None:
        wait_for(
            lambda: self.ready_lines() >= ready_lines,
            timeout=timeout,
            what="celery worker",
            log=self.log,
        )

    def kill_worker(self) -> None:
        """SIGKILL the worker's whole process group: main process, pool and sandboxes."""
        pid = self.worker_pid()
        assert pid, "no worker is running"
        os.killpg(pid, signal.SIGKILL)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


class Stack:
    """The services under test, and what their logs say about gradings."""

    def __init__(self, directory: Path, database: str) -> None:
        self.redis = Redis(directory)
        self.redis.start()
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": self.redis.url,
            "TRACELAB_DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            "TRACELAB_SWEEP_SECONDS": "2",
        }
        self.celery = Supervised(directory, env)

    def gradings(self) -> tuple[Counter, Counter]:
        """Per submission id: finished sandbox gradings, and those whose result was stored."""
        finished, stored = Counter(), Counter()
        for match in GRADED.finditer(self.celery.log.read_text(errors="replace")):
            finished[int(match.group(1))] += 1
            stored[int(match.group(1))] += match.group(2) == "stored"
        return finished, stored

    def stop(self) -> None:
        self.celery.stop()
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

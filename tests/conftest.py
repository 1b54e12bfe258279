"""Real services for the integration and browser tests: redis-server, a Celery worker,
and Playwright driving Debian's Chromium (its own browser download cannot work here).

Nothing here is faked. Each fixture starts the real program, waits until it
answers, and stops it at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from processes import ROOT, database_url, free_port, wait_for


@pytest.fixture(scope="session")
def redis_url():
    """A private redis-server on a free loopback port."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed: run the README's test command"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    wait_for(answers, timeout=15, what="redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def _start(args: list[str], *, log, redis_url: str, **env: str) -> subprocess.Popen:
    """One of the site's programs on the test database and the private Redis, its output
    in `log`."""
    from django.conf import settings

    environment = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": redis_url,
        "TRACELAB_DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    proc.log = log
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, redis_url, tmp_path_factory):
    """A real `celery worker` process on the test database and the private Redis; its
    `log` holds its output (JSON log lines), for tests that follow a submission there."""
    from coursesite.celery import app

    app.conf.broker_url = redis_url
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    proc = _start(
        ["celery", "-A", "coursesite", "worker", "-Q", "cpu,gpu", "--concurrency", "2"]
        + ["--loglevel", "info", "--without-gossip", "--without-mingle"],
        log=log,
        redis_url=redis_url,
        TRACELAB_LOG_FORMAT="json",
    )
    wait_for(
        lambda: "ready." in log.read_text(errors="replace"),
        timeout=60,
        what="celery worker",
        log=log,
    )
    yield proc
    _stop(proc)
    app.pool.force_close_all()


@pytest.fixture(scope="session")
def asgi_web_server(django_db_setup, redis_url, tmp_path_factory):
    """The web server as `./tracelab run` starts it (gunicorn with uvicorn's ASGI worker,
    gunicorn.conf.py), on the test database and the private Redis. Its `url` is where it
    answers; its `log` what it wrote."""
    port = free_port()
    log = tmp_path_factory.mktemp("web") / "web.log"
    proc = _start(
        ["gunicorn", "coursesite.asgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--no-control-socket"],
        log=log,
        redis_url=redis_url,
        TRACELAB_LOG_FORMAT="text",
        TRACELAB_WEB_WORKERS="1",
    )

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    wait_for(answers, timeout=60, what="the ASGI web server", log=log)
    proc.url = f"http://127.0.0.1:{port}"
    yield proc
    _stop(proc)


# -- the browser -----------------------------------------------------------------------
CHROMIUM = os.environ.get("TRACELAB_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (Playwright's sync API allows one per thread); each
    test opens its own context."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from exercises.management.commands import bench_browser

    # The flags Debian's Chromium needs here, as the browser benchmark launches it.
    args = [*bench_browser.CHROMIUM_ARGS, "--disable-sync"]

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run the README's test command"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield browser
        browser.close()

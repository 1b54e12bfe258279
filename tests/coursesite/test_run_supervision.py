"""`./tracelab run` under supervisord: crashed programs come back, Ctrl-C leaves nothing.

The real command runs in a process group of its own, on a temporary TRACELAB_VAR_DIR
and free ports, so the developer's var/ and a running instance are left alone. Each of
Redis, the Celery worker and gunicorn's master is killed with SIGKILL in turn; the
supervisor's log must show the exit and a new spawn, and the site (and, after the
worker, a real grading) must work again. On the way, /healthz and /metrics must answer
and the programs' log lines must be JSON that follows the grading's submission from the
web server to the worker. Then SIGINT to the group, as Ctrl-C sends it, must stop
everything the run started.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from processes import ROOT, free_port

from coursesite.http_session import Session

pytestmark = pytest.mark.integration

ADAMW = ROOT / "exercises" / "bank" / "adamw" / "solution.py"
SPAWNED = re.compile(r"spawned: '(\w+)' with pid (\d+)")


def wait_until(predicate, *, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:]
    raise AssertionError(f"{what}: not within {timeout:g} s\n--- run log (tail) ---\n{tail}")


class Run:
    """One `./tracelab run` and what it printed."""

    def __init__(self, tmp: Path) -> None:
        self.var = tmp / "var"
        self.log = tmp / "run.log"
        self.port = free_port()
        self.redis_port = free_port()
        while self.redis_port == self.port:
            self.redis_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "TRACELAB_SECRET_KEY", "TRACELAB_CACHE"}
        }
        env.update(
            TRACELAB_VAR_DIR=str(self.var),
            PORT=str(self.port),
            TRACELAB_REDIS_PORT=str(self.redis_port),
            TRACELAB_DEBUG="1",
            TRACELAB_WORKERS="1",
            TRACELAB_WEB_WORKERS="2",
        )
        # Append mode: supervisord reopens /dev/stdout, and every writer must append.
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(ROOT / "tracelab"), "run"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, like a terminal job
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def pid(self, program: str) -> int | None:
        """The pid of the program's latest spawn, from supervisord's log."""
        pids = [int(pid) for name, pid in SPAWNED.findall(self.text()) if name == program]
        return pids[-1] if pids else None

    def get(self, path: str) -> tuple[int, str]:
        """The status and body of a GET (0 when nothing answers)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    def json_lines(self) -> list[dict]:
        """The programs' log lines (supervisord's own and Celery's banner are plain text)."""
        lines = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
        return lines

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + "/", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def wait(self, predicate, *, timeout: float, what: str) -> None:
        assert self.proc.poll() is None or predicate(), f"./tracelab run exited: {what}"
        wait_until(predicate, timeout=timeout, what=what, log=self.log)

    def kill_and_wait_respawn(self, program: str, *, timeout: float = 30) -> tuple[int, int]:
        old = self.pid(program)
        assert old, f"{program} was never spawned"
        os.kill(old, signal.SIGKILL)
        exited = f"exited: {program} (terminated by SIGKILL; not expected)"
        self.wait(lambda: exited in self.text(), timeout=timeout, what=exited)
        self.wait(
            lambda: self.pid(program) not in (None, old),
            timeout=timeout,
            what=f"a new spawn of {program}",
        )
        return old, self.pid(program)


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, start time) of a process, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> set[tuple[int, int]]:
    """(pid, start time) of every live process below `root`."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            children.setdefault(stat[0], []).append(int(entry.name))
            starts[int(entry.name)] = stat[2]
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add((child, starts[child]))
            todo.append(child)
    return found


def leftovers(run: Run, seen: set[tuple[int, int]]) -> list[str]:
    """Live processes of this run: seen below it earlier, or naming its var dir or ports."""
    # redis-server retitles itself "redis-server 127.0.0.1:N"; gunicorn has "--bind 127.0.0.1:N"
    markers = [str(run.var), f"127.0.0.1:{run.port}", f"127.0.0.1:{run.redis_port}"]
    markers.append(f"--port\0{run.redis_port}\0")
    environ_marker = f"TRACELAB_VAR_DIR={run.var}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        stat = _stat(pid)
        if stat is None or stat[1] == "Z":  # gone, or a zombie: nothing runs
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if (
            (pid, stat[2]) in seen
            or any(marker in cmdline for marker in markers)
            or environ_marker in environ
        ):
            found.append(f"{pid}: {cmdline.replace(chr(0), ' ')[:200]}")
    return found


def stop(run: Run, sig: int, timeout: float) -> bool:
    try:
        os.killpg(run.proc.pid, sig)
    except ProcessLookupError:
        return True
    try:
        run.proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


@pytest.fixture
def run(tmp_path_factory):
    run = Run(tmp_path_factory.mktemp("run"))
    yield run
    if run.proc.poll() is None and not stop(run, signal.SIGTERM, 45):
        stop(run, signal.SIGKILL, 10)
    # Whatever a failed test left behind (a SIGKILLed supervisord leaves its programs).
    for line in leftovers(run, set()):
        try:
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass


def submit_and_wait(session: Session, code: str, timeout: float = 90) -> dict:
    status, created = session.post_json(
        "/api/exercises/adamw/submissions", {"code": code, "mode": "submit"}
    )
    assert status == 202, created
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, detail = session.get_json(f"/api/submissions/{created['id']}")
        assert status == 200, detail
        if detail["status"] == "done":
            return detail
        time.sleep(0.25)
    raise AssertionError(f"submission {created['id']} not graded within {timeout} s")


def test_crashed_programs_are_restarted_and_ctrl_c_leaves_nothing(run):
    run.wait(run.answers, timeout=180, what="the site answering")
    for program in ("redis", "worker", "beat", "web", "seed"):
        assert run.pid(program), f"{program} was not spawned"
    # The seed program prints the demo logins (it runs once, beside the others).
    run.wait(
        lambda: "student:    student / student-pass-123" in run.text(),
        timeout=60,
        what="the demo logins printed",
    )
    assert "instructor: instructor / instructor-pass-123" in run.text()
    run.wait(lambda: " ready." in run.text(), timeout=90, what="the worker ready")

    # /healthz: the database, Redis and a worker on each of the run's queues.
    run.wait(lambda: run.get("/healthz")[0] == 200, timeout=30, what="/healthz answering 200")
    health = json.loads(run.get("/healthz")[1])
    assert health["status"] == "ok" and health["workers"]["cpu"] >= 1, health
    assert health["workers"]["housekeeping"] >= 1, health

    # Redis.
    run.kill_and_wait_respawn("redis")
    run.wait(run.answers, timeout=30, what="the site answering after Redis came back")

    # The worker's main process: its pool processes and sandboxes go with it, a new
    # worker starts, and a submission made now is graded by it.
    old_worker, _ = run.kill_and_wait_respawn("worker")

    def group_gone() -> bool:
        try:
            os.killpg(old_worker, 0)
        except ProcessLookupError:
            return True
        return False

    run.wait(group_gone, timeout=20, what="the killed worker's pool processes gone")
    session = Session(run.base)
    session.login("student", "student-pass-123")
    session.request("GET", "/exercises/adamw/")  # the CSRF cookie, as the page gets it
    detail = submit_and_wait(session, ADAMW.read_text())
    assert detail["verdict"] == "passed", detail.get("result")

    # /metrics on the web server: its own requests, the broker's queues, and the
    # worker's gradings (its metrics directory is on the same machine).
    status, metrics = run.get("/metrics")
    assert status == 200, metrics
    for expected in (
        'tracelab_verdicts_total{exercise="adamw",verdict="passed"}',
        'tracelab_submission_verdict_seconds_count{queue="cpu"}',
        'tracelab_grading_duration_seconds_count{queue="cpu"}',
        'tracelab_queue_depth{queue="cpu"}',
        'tracelab_queue_unacked{queue="cpu"}',
        "tracelab_broker_up 1.0",
        'method="POST",route="api_submission_create",status="202"',
    ):
        assert expected in metrics, expected

    # JSON log lines: the request that created the submission and the worker's grading
    # name it, and the grading names the request.
    def about_submission() -> list[dict]:
        return [line for line in run.json_lines() if line.get("submission_id") == detail["id"]]

    run.wait(
        lambda: any(line["logger"] == "celery.app.trace" for line in about_submission()),
        timeout=10,
        what="the worker's task line for the submission",
    )
    lines = about_submission()
    (created,) = [line for line in lines if line.get("route") == "api_submission_create"]
    (graded,) = [line for line in lines if line["logger"] == "exercises.services.submissions"]
    assert created["status"] == 202 and created["user_id"]
    assert graded["request_id"] == created["request_id"]
    assert graded["task"] == "exercises.tasks.grade_submission"

    # gunicorn's master. Its orphaned workers hold the port until they notice (up to
    # half gunicorn's timeout), so the new master may need a few tries to bind.
    run.kill_and_wait_respawn("web")
    listening = re.compile(rf"Listening at: http://127\.0\.0\.1:{run.port} \((\d+)\)")

    def new_master_listening() -> bool:
        masters = [int(pid) for pid in listening.findall(run.text())]
        return len(masters) > 1 and masters[-1] == run.pid("web")

    run.wait(new_master_listening, timeout=60, what="a new gunicorn master listening")
    run.wait(run.answers, timeout=30, what="the site answering after gunicorn came back")
    assert "supervisord started" in run.text()
    assert "exited: worker (terminated by SIGKILL; not expected)" in run.text()

    # Ctrl-C: SIGINT to the whole foreground group, as a terminal sends it.
    seen = descendants(run.proc.pid)
    assert any(
        b"bwrap" in Path(f"/proc/{pid}/cmdline").read_bytes()
        for pid, _ in seen
        if Path(f"/proc/{pid}").exists()
    ), "no sandbox ran under the worker: the leftover check would prove little"
    started = time.monotonic()
    assert stop(run, signal.SIGINT, 30), "./tracelab run still running 30 s after SIGINT"
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 5
    while leftovers(run, seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not leftovers(run, seen), "left behind after SIGINT:\n" + "\n".join(leftovers(run, seen))
    assert "received SIGINT indicating exit request" in run.text()
    assert elapsed < 30

"""The container stack for real: images built offline, docker-compose.yml under podman-compose.

Nothing is faked. The images are built as README "Deploy" builds them
(tools/containers.sh: a debootstrapped base, stand-ins for postgres:15 and redis:7,
the project image from the Dockerfile; cached, so a rerun takes seconds); the
unchanged docker-compose.yml runs under a project name of its own on a free loopback
port; a student logs in over HTTP and every verdict is graded by the sandbox inside a
worker container. The whole stack (containers, network, volumes) is removed at the end,
also on failure; the containers' logs are kept in test-artifacts/containers/.

The tests run in order on one stack: grading, scaling out, losing a worker, the
monitoring endpoints, then each container against the hardening the compose file
declares. How long each phase took is printed at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from processes import ROOT, free_port

from coursesite.http_session import Session

pytestmark = [pytest.mark.containers]

BANK = ROOT / "exercises" / "bank" / "adamw"
RIGHT = (BANK / "solution.py").read_text()
WRONG = (BANK / "mistakes" / "decay-after-update.py").read_text()
CONTAINERS_SH = ROOT / "tools" / "containers.sh"
COMPOSE_FILE = ROOT / "docker-compose.yml"
CONTAINERS_CONF = ROOT / "deploy" / "podman" / "containers.conf"
ARTIFACTS = ROOT / "test-artifacts" / "containers"
# Named, so podman-compose 1.0.3 (which ignores profiles) leaves the GPU worker out.
# podman-compose 1.0.3 does not wait for `condition: service_healthy` either: the
# fixture waits for PostgreSQL itself.
SERVICES = ["postgres", "redis", "web", "worker-cpu", "beat"]
PROJECT_PREFIX = "tracelab-test-"
# Phase -> seconds, in the order they ran; kept in test-artifacts/containers/timings.json,
# which conftest.py prints at the end of the run.
TIMINGS: dict[str, float] = {}


class Phase:
    """`with Phase("name"):` records how long the block took."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> Phase:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        TIMINGS[self.name] = time.monotonic() - self.started


def why_podman_cannot_run(env: dict) -> str | None:
    """Why containers cannot run here at all, or None when they can."""
    for tool in ("podman", "podman-compose"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (the README's test command installs it)"
    # Each sandbox in a worker container is built in a user namespace of its own.
    try:
        namespaces = int(Path("/proc/sys/user/max_user_namespaces").read_text())
    except (OSError, ValueError):
        namespaces = 0
    if namespaces == 0:
        return "this kernel offers no user namespaces (user.max_user_namespaces is 0)"
    switch = Path("/proc/sys/kernel/unprivileged_userns_clone")
    if switch.exists() and switch.read_text().strip() == "0":
        return "unprivileged user namespaces are off (kernel.unprivileged_userns_clone=0)"
    probe = subprocess.run(
        ["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"],
        env=env,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"podman cannot run here: {probe.stderr.strip()[-400:]}"
    return None


@dataclass
class Stack:
    project: str
    env: dict
    url: str
    log: Path
    students: dict[str, Session] = field(default_factory=dict)

    def container(self, service: str, number: int = 1) -> str:
        return f"{self.project}_{service}_{number}"

    def run(self, *command: str, check: bool = True, timeout: float = 600) -> str:
        """A command with the stack's environment; its output goes to the compose log."""
        with self.log.open("a") as out:
            out.write(f"$ {' '.join(command)}\n")
            out.flush()
            started = time.monotonic()
            done = subprocess.run(
                command,
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
            )
            took = time.monotonic() - started
            out.write(f"{done.stdout}[exit {done.returncode}, {took:.1f} s]\n")
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}"
            )
        return done.stdout

    def compose(self, *args: str) -> str:
        return self.run("podman-compose", "-p", self.project, "-f", str(COMPOSE_FILE), *args)

    def exec(self, service: str, *command: str, check: bool = True) -> str:
        return self.run("podman", "exec", self.container(service), *command, check=check)

    def manage(self, *args: str) -> str:
        return self.exec("web", "python", "manage.py", *args)


def wait_until(predicate, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:g} s")


def project_containers(env: dict, project: str) -> list[str]:
    out = subprocess.run(
        ["podman", "ps", "-a", "--format", "{{.Names}}", "--filter",
         f"label=io.podman.compose.project={project}"],
        env=env, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return out.split()


def remove_stack(env: dict, project: str) -> None:
    """Containers, volumes and network of one project, whatever state they are in."""

    def podman(*args: str) -> str:
        return subprocess.run(["podman", *args], env=env, capture_output=True, text=True).stdout

    names = project_containers(env, project)
    if names:
        podman("rm", "--force", "--time", "0", "--volumes", *names)
    label = f"label=io.podman.compose.project={project}"
    volumes = podman("volume", "ls", "--quiet", "--filter", label).split()
    if volumes:
        podman("volume", "rm", "--force", *volumes)
    podman("network", "rm", "--force", f"{project}_default")


def remove_stale_stacks(env: dict) -> None:
    """Stacks left by a test run that was killed before it could remove its own."""
    out = subprocess.run(
        ["podman", "ps", "-a", "--format", '{{index .Labels "io.podman.compose.project"}}'],
        env=env, capture_output=True, text=True,
    ).stdout  # fmt: skip
    for project in set(out.split()):
        match = re.fullmatch(re.escape(PROJECT_PREFIX) + r"(\d+)-[0-9a-f]+", project)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            remove_stack(env, project)


def save_logs(stack: Stack) -> None:
    for name in project_containers(stack.env, stack.project):
        logs = subprocess.run(
            ["podman", "logs", name], env=stack.env, capture_output=True, text=True
        )
        (ARTIFACTS / f"{name.removeprefix(stack.project + '_')}.log").write_text(
            logs.stdout + logs.stderr
        )


@pytest.fixture(scope="module")
def stack():
    env = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))}
    reason = why_podman_cannot_run(env)
    if reason:
        pytest.skip(reason)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.log"):
        old.unlink()
    remove_stale_stacks(env)
    TIMINGS.clear()
    started = time.monotonic()

    with Phase("build images (cached after the first run)"):
        build = subprocess.run(
            [str(CONTAINERS_SH), "build"], env=env, capture_output=True, text=True, timeout=1800
        )
        (ARTIFACTS / "build.log").write_text(build.stdout + build.stderr)
        assert build.returncode == 0, f"image build failed:\n{build.stderr[-3000:]}"

    port = free_port()
    project = f"{PROJECT_PREFIX}{os.getpid()}-{secrets.token_hex(3)}"
    env.update(
        TRACELAB_SECRET_KEY=secrets.token_urlsafe(40),
        POSTGRES_PASSWORD=secrets.token_urlsafe(16),
        # Published on loopback only, on a free port.
        TRACELAB_PORT=f"127.0.0.1:{port}",
        TRACELAB_CPU_WORKERS="1",
        # What the compose file would otherwise take from the caller's environment.
        TRACELAB_ALLOWED_HOSTS="localhost,127.0.0.1",
        TRACELAB_EXPECTED_QUEUES="cpu,housekeeping",
    )
    stack = Stack(
        project=project, env=env, url=f"http://127.0.0.1:{port}", log=ARTIFACTS / "compose.log"
    )
    try:
        # As README "Deploy" does it: the database, the broker and the web server; the
        # schema and the bank; then the workers and beat, which find both in place.
        with Phase("compose up postgres, redis, web"):
            stack.compose("up", "-d", "postgres", "redis", "web")
            wait_until(
                lambda: (
                    stack.exec("postgres", "pg_isready", "-U", "tracelab", check=False)
                    .strip()
                    .endswith("accepting connections")
                ),
                timeout=90,
                what="PostgreSQL accepting connections",
            )
        with Phase("migrate, sync_bank, students"):
            stack.manage("migrate", "--noinput", "-v", "0")
            stack.manage("sync_bank", "-v", "0")
            names = ["casey", "class-1", "class-2", "class-3", "class-4"]
            stack.manage(
                "shell",
                "-v",
                "0",
                "-c",
                "from django.contrib.auth import get_user_model\n"
                f"for name in {names!r}:\n"
                "    get_user_model().objects.create_user(name, password=name + '-pass-123')\n",
            )

            def login_page_answers() -> bool:
                try:
                    return Session(stack.url).request("GET", "/accounts/login/")[0] == 200
                except OSError:
                    return False

            wait_until(login_page_answers, timeout=60, what="the web container answering")
            for name in names:
                session = Session(stack.url)
                session.login(name, name + "-pass-123")
                session.request("GET", "/exercises/adamw/")  # sets the CSRF cookie
                stack.students[name] = session
        with Phase("compose up worker-cpu, beat"):
            stack.compose("up", "-d", *SERVICES)
        yield stack
    finally:
        save_logs(stack)
        with Phase("tear down"):
            remove_stack(env, project)
        assert not project_containers(env, project), "containers of the test stack are left"
        TIMINGS["total"] = time.monotonic() - started
        (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")


def submit(session: Session, code: str) -> int:
    status, created = session.post_json(
        "/api/exercises/adamw/submissions", {"code": code, "mode": "submit"}
    )
    assert status == 202, created
    return created["id"]


def verdicts(session: Session, ids: list[int], *, timeout: float) -> dict[int, dict]:
    """Polls until every submission is done; returns each one's detail."""
    done: dict[int, dict] = {}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for sid in ids:
            if sid not in done:
                status, detail = session.get_json(f"/api/submissions/{sid}")
                assert status == 200, detail
                if detail["status"] == "done":
                    done[sid] = detail
        if len(done) == len(ids):
            return done
        time.sleep(0.25)
    missing = sorted(set(ids) - set(done))
    raise AssertionError(f"no verdict within {timeout:g} s for submissions {missing}")


def assert_right(detail: dict) -> None:
    assert detail["verdict"] == "passed", detail["result"]
    assert detail["score"] == 1.0


def assert_wrong(detail: dict) -> None:
    assert detail["verdict"] == "failed", detail["result"]
    assert [d["mistake"] for d in detail["result"]["diagnoses"]] == ["decay-after-update"]


def graded_by(stack: Stack, container: str) -> int:
    """How many gradings a worker container's log shows finished."""
    out = stack.run("podman", "logs", container, check=False)
    return sum(
        1
        for line in out.splitlines()
        if "exercises.tasks.grade_submission" in line and "succeeded" in line
    )


def test_right_and_wrong_adamw_are_graded_by_the_worker_containers_sandbox(stack):
    casey = stack.students["casey"]
    with Phase("first two verdicts"):
        right, wrong = submit(casey, RIGHT), submit(casey, WRONG)
        got = verdicts(casey, [right, wrong], timeout=180)
    assert_right(got[right])
    assert_wrong(got[wrong])
    first = next(c for c in got[wrong]["result"]["cases"] if not c["passed"] and not c["hidden"])
    assert first["divergence"]["quantity"] == "w"


def test_a_second_cpu_worker_joins_and_grading_goes_on(stack):
    casey, other = stack.students["casey"], stack.students["class-1"]
    with Phase("scale worker-cpu to 2"):
        # Docker Compose: `up -d --scale worker-cpu=2`; podman-compose 1.0.3 takes the
        # count from the compose file's deploy.replicas.
        stack.env["TRACELAB_CPU_WORKERS"] = "2"
        stack.compose("up", "-d", "worker-cpu")
        second = stack.container("worker-cpu", 2)
        wait_until(
            lambda: " ready." in stack.run("podman", "logs", second, check=False),
            timeout=90,
            what="the second worker ready",
        )
    with Phase("verdicts with two workers"):
        ids = [submit(casey, RIGHT), submit(casey, WRONG)]
        ids += [submit(other, RIGHT if i % 2 == 0 else WRONG) for i in range(4)]
        got = {**verdicts(casey, ids[:2], timeout=120), **verdicts(other, ids[2:], timeout=120)}
    for index, sid in enumerate(ids):
        (assert_right if index % 2 == 0 else assert_wrong)(got[sid])
    print(
        "gradings finished per worker:",
        {n: graded_by(stack, stack.container("worker-cpu", n)) for n in (1, 2)},
    )


def test_every_verdict_arrives_when_a_worker_is_stopped_mid_burst(stack):
    students = [stack.students[f"class-{n}"] for n in range(1, 5)]
    burst: list[tuple[Session, int, bool]] = []
    with Phase("burst of 20, one worker stopped"):
        for index in range(20):
            session = students[index % 4]
            right = index % 3 != 2
            burst.append((session, submit(session, RIGHT if right else WRONG), right))
        # Mid-burst: once gradings are under way, the first worker is stopped at once
        # (SIGKILL, no warm shutdown): what it held and had fetched must be taken over.
        wait_until(
            lambda: any(
                s.get_json(f"/api/submissions/{sid}")[1]["status"] != "queued"
                for s, sid, _ in burst
            ),
            timeout=60,
            what="a burst submission being graded",
            every=0.1,
        )
        stack.run("podman", "stop", "--time", "0", stack.container("worker-cpu", 1))
        stopped = time.monotonic()
        got: dict[int, dict] = {}
        for session in students:
            ids = [sid for s, sid, _ in burst if s is session]
            got.update(verdicts(session, ids, timeout=max(5.0, 60 - (time.monotonic() - stopped))))
        TIMINGS["last verdict after the stop"] = time.monotonic() - stopped
    for _, sid, right in burst:
        (assert_right if right else assert_wrong)(got[sid])
    resent = stack.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from exercises.models import Submission\n"
        "print(Submission.objects.filter(attempts__gt=0).count())",
    ).strip()
    print(f"burst: 20 verdicts; {resent} submission(s) re-sent by the sweep after the stop")


def test_healthz_and_metrics_answer(stack):
    session = Session(stack.url)
    with Phase("healthz and metrics"):
        # /healthz wants a live worker on every queue: the worker left after the stop
        # must have announced itself.
        deadline = time.monotonic() + 30
        health = session.request("GET", "/healthz")
        while health[0] != 200 and time.monotonic() < deadline:
            time.sleep(1)
            health = session.request("GET", "/healthz")
        metrics = session.request("GET", "/metrics")
    assert health[0] == 200, health[1][:500]
    assert metrics[0] == 200, metrics[1][:500]


def compose_config() -> dict:
    """docker-compose.yml as podman-compose reads it: with the PyYAML of its own Python."""
    python = Path(shutil.which("podman-compose")).read_text().splitlines()[0][2:].split()
    load = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
    out = subprocess.run(
        [*python, "-c", load, str(COMPOSE_FILE)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def size_bytes(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = str(text).strip().lower()
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def cgroup_value(stack: Stack, container: str, *paths: str) -> int:
    """The first of a container's own cgroup files that exists (v1 or v2 layout)."""
    script = f"for f in {' '.join(paths)}; do [ -r $f ] && exec cat $f; done; exit 1"
    return int(stack.run("podman", "exec", container, "sh", "-c", script).strip())


def test_services_run_unprivileged_and_within_their_limits(stack):
    """Last, after the burst: every running container is checked as the compose file
    hardens it, and what it uses is measured against the limits it is given."""
    services = compose_config()["services"]
    running = stack.run(
        "podman", "ps", "--format", "{{.Names}}", "--filter",
        f"label=io.podman.compose.project={stack.project}",
    ).split()  # fmt: skip
    usage = {}
    for name in running:
        service = name.removeprefix(stack.project + "_").rsplit("_", 1)[0]
        declared = services[service]
        fields = dict(
            line.split(":", 1)
            for line in stack.run("podman", "exec", name, "cat", "/proc/1/status").splitlines()
            if ":" in line
        )
        uid = int(fields["Uid"].split()[0])
        assert uid != 0, f"{name} runs as root"
        assert int(fields["CapEff"], 16) == 0, f"{name} holds capabilities"
        assert fields["NoNewPrivs"].strip() == "1", name
        host = json.loads(stack.run("podman", "inspect", name))[0]["HostConfig"]
        assert host["Memory"] == size_bytes(declared["mem_limit"]), name
        if service in ("web", "beat", "worker-cpu"):
            assert uid == 10001, f"{name} runs as uid {uid}"
            assert int(fields["CapBnd"], 16) == 0, f"{name} could regain capabilities"
            assert host["ReadonlyRootfs"] is True, name
            touched = stack.run("podman", "exec", name, "touch", "/app/written", check=False)
            assert "Read-only file system" in touched, name
        # What it uses now, after the burst, leaves room under its limits (pids_limit is
        # enforced by Docker Compose; podman-compose 1.0.3 passes on memory only).
        pids = cgroup_value(
            stack, name, "/sys/fs/cgroup/pids/pids.current", "/sys/fs/cgroup/pids.current"
        )
        memory = cgroup_value(
            stack,
            name,
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
            "/sys/fs/cgroup/memory.current",
        )
        usage[name.removeprefix(stack.project + "_")] = f"{pids} tasks, {memory >> 20} MiB"
        assert pids <= declared["pids_limit"] // 2, (name, pids, declared["pids_limit"])
        assert memory <= size_bytes(declared["mem_limit"]) // 2, (name, memory)
    print("in use after the burst:", usage)
    # The secret key comes from the environment only; the image holds none.
    image = json.loads(stack.run("podman", "image", "inspect", "tracelab:latest"))[0]
    assert not any("SECRET_KEY" in item for item in image["Config"].get("Env") or [])

"""The sandbox's walls, probed from inside by real programs."""

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from grader import Limits, grade
from grader._sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
STUB = "\ndef adamw_step(w, grad, m, v, t, lr, *rest):\n    return w, m, v\n"


def probe(adamw, pool, body: str) -> str:
    """Run `body` at import time in the sandbox and return what it printed."""
    result = grade(adamw, body + STUB, pool=pool, visible_only=True)
    assert result.verdict == "failed", result.message
    return result.stdout


@pytest.fixture(scope="module")
def listeners():
    """Real services on loopback: a redis-server and a plain TCP listener (the web port)."""
    web = socket.socket()
    web.bind(("127.0.0.1", 0))
    web.listen()
    threading.Thread(target=lambda: [web.accept() for _ in range(100)], daemon=True).start()
    redis_sock = socket.socket()
    redis_sock.bind(("127.0.0.1", 0))
    redis_port = redis_sock.getsockname()[1]
    redis_sock.close()
    redis = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(redis_port),
            "--save",
            "",
            "--bind",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", redis_port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield {"redis": redis_port, "web": web.getsockname()[1], "postgres": 5432}
    redis.terminate()
    redis.wait()
    web.close()


def test_host_reaches_the_listeners(listeners):
    for port in (listeners["redis"], listeners["web"]):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_submission_cannot_reach_redis_postgres_or_the_web_port(adamw, pool, listeners):
    ports = sorted(set(listeners.values()) | {6379, 8000})
    out = probe(
        adamw,
        pool,
        f"""
import socket
for port in {ports}:
    for host in ("127.0.0.1", "localhost", "::1"):
        try:
            socket.create_connection((host, port), timeout=1).close()
            print("CONNECTED", host, port)
        except OSError as exc:
            print("blocked", host, port, type(exc).__name__)
""",
    )
    assert "CONNECTED" not in out
    assert out.count("blocked") == len(ports) * 3


def test_submission_cannot_send_udp_or_use_abstract_sockets(adamw, pool, listeners):
    out = probe(
        adamw,
        pool,
        f"""
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"PING", ("127.0.0.1", {listeners["redis"]}))
    s.settimeout(1)
    print("UDP-ANSWERED", s.recv(10))
except OSError as exc:
    print("udp blocked", type(exc).__name__)
try:
    u = socket.socket(socket.AF_UNIX)
    u.connect("\\0/tmp/.X11-unix/X0")
    print("ABSTRACT-CONNECTED")
except OSError as exc:
    print("abstract blocked")
import os
print("run visible:", os.path.exists("/run"), os.path.exists("/var/run/postgresql"))
""",
    )
    assert "UDP-ANSWERED" not in out and "ABSTRACT-CONNECTED" not in out
    assert "run visible: False False" in out


def test_submission_cannot_read_project_files_or_secrets(adamw, pool, tmp_path):
    canary = ROOT / "var" / "sandbox-canary.txt"
    canary.parent.mkdir(exist_ok=True)
    canary.write_text("CANARY-SECRET-7f3a")
    targets = [
        canary,
        ROOT / "var" / "db.sqlite3",
        ROOT / "coursesite" / "settings.py",
        ROOT / ".env",
        ROOT / "exercises" / "bank" / "adamw" / "solution.py",
        Path("/etc/shadow"),
        Path("/etc/passwd"),
        Path("/root"),
        ROOT / "exercises",
    ]
    try:
        out = probe(
            adamw,
            pool,
            f"""
import os
for path in {[str(t) for t in targets]}:
    try:
        if os.path.isdir(path):
            print("LISTED", path, os.listdir(path))
        else:
            print("READ", path, open(path).read()[:40])
    except OSError as exc:
        print("denied", path, type(exc).__name__)
print("root holds", sorted(os.listdir({str(ROOT)!r})) if os.path.isdir({str(ROOT)!r}) else [])
""",
        )
    finally:
        canary.unlink()
    assert "CANARY" not in out
    assert "READ" not in out and "LISTED" not in out
    assert out.count("denied") == len(targets)
    # Only the read-only Python runtime (a virtualenv inside the checkout) may appear there.
    assert "root holds ['.venv']" in out or "root holds []" in out


def test_submission_runs_unprivileged_with_empty_environment_and_readonly_root(adamw, pool):
    out = probe(
        adamw,
        pool,
        """
import os
print("uid", os.getuid(), os.geteuid())
print("env", sorted(os.environ))
for path in ("/usr/bin/evil", "/evil", "/tmp/ok"):
    try:
        open(path, "w").write("x")
        print("wrote", path)
    except OSError as exc:
        print("readonly", path)
print("caps", [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")])
print("nnp", [l.split()[1] for l in open("/proc/self/status") if l.startswith("NoNewPrivs")])
print("procs", sorted(p for p in os.listdir("/proc") if p.isdigit()))
""",
    )
    uid_line = next(line for line in out.splitlines() if line.startswith("uid"))
    assert " 0 " not in uid_line + " " and uid_line.split()[1] != "0"
    assert "'TRACELAB_SECRET_KEY'" not in out and "REDIS_URL" not in out
    assert "readonly /usr/bin/evil" in out and "readonly /evil" in out and "wrote /tmp/ok" in out
    assert "caps ['0000000000000000']" in out and "nnp ['1']" in out


def test_scratch_space_does_not_survive_into_the_next_job(adamw, pool):
    probe(adamw, pool, "open('/tmp/left-behind', 'w').write('from the last student')\n")
    out = probe(adamw, pool, "import os\nprint('seen', os.path.exists('/tmp/left-behind'))\n")
    assert "seen False" in out


def test_wall_time_is_enforced_from_outside_even_if_signals_are_ignored(adamw):
    with Sandbox("numpy").start() as sandbox:
        job = {
            "source": (
                "import signal, time\n"
                "for s in (signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):\n"
                "    signal.signal(s, signal.SIG_IGN)\n"
                "time.sleep(60)\n"
            ),
            "spec": adamw.grading,
            "cases": [],
        }
        started = time.monotonic()
        outcome = sandbox.run(job, Limits(wall_seconds=1.5))
        assert outcome.timed_out
        assert time.monotonic() - started < 5
        assert not sandbox.alive


def test_every_process_of_a_job_is_killed_when_it_ends(adamw):
    marker = f"tracelab-orphan-{os.getpid()}"
    program = f"""
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["{marker}", "300"])
    os._exit(0)
time.sleep(0.2)
"""
    with Sandbox("numpy").start() as sandbox:
        outcome = sandbox.run({"source": program, "spec": adamw.grading, "cases": []}, Limits())
        assert not outcome.timed_out
        time.sleep(0.2)
        left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
        assert left == ""

"""Hostile submissions against the real sandbox, and the canaries that catch a breach.

Every attack goes through `hostile(...)`, which grades it, then checks, on the
host side, that nothing was read, leaked, written or reached:

- canary files with random contents in the project's `var/` and the host's
  `/tmp` never show up in the result, and are still there, unchanged;
- the supervisor's environment holds a random `TRACELAB_SECRET_KEY` that never
  shows up in the result;
- listeners on loopback (TCP on a random port and on the Redis, PostgreSQL and
  web ports when free, UDP, path-based unix sockets in /tmp, /run and
  /var/run/postgresql, an abstract unix socket) record any contact;
- files named with the session's escape marker never appear on the host;
- the same pool then grades the reference solution as `passed`, so the worker
  side is alive.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader import Bundle, SandboxPool, grade, load_bundle

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises" / "bank"
ATTACKS = Path(__file__).resolve().parent / "attacks"
VENV = ROOT / ".venv"
HARNESS = ROOT / "grader" / "harness"
STUB = "\n\ndef adamw_step(w, grad, m, v, t, lr, *rest):\n    return w, m, v\n"

pytestmark = pytest.mark.security


def attack_source(name: str, **constants) -> str:
    """An attack program from attacks/, with `NAME = value` lines prepended."""
    header = "".join(f"{key} = {value!r}\n" for key, value in constants.items())
    return header + (ATTACKS / f"{name}.py").read_text()


def limited(bundle: Bundle, **limits) -> Bundle:
    """The same exercise with some `[limits]` replaced (small time limits keep the suite fast)."""
    toml = bundle.files["exercise.toml"]
    for key, value in limits.items():
        line = f"{key} = {value}"
        toml, found = re.subn(rf"^{key} = .*$", line, toml, flags=re.M)
        if not found:
            toml = toml.replace("[limits]\n", f"[limits]\n{line}\n", 1)
    return Bundle.from_files({**bundle.files, "exercise.toml": toml})


# -- canaries ------------------------------------------------------------------------
class Recorder:
    """Listening sockets that remember whether anything reached them."""

    def __init__(self) -> None:
        self.contacts: list[str] = []
        self.sockets: list[socket.socket] = []
        self.paths: list[Path] = []
        self.ports: dict[str, int] = {}
        self._stop = threading.Event()

    def tcp(self, name: str, port: int = 0) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            return  # a real service holds the port; the sandbox's own output is checked too
        sock.listen()
        self.ports[name] = sock.getsockname()[1]
        self._serve(sock, f"tcp {name}")

    def udp(self, name: str) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        self.ports[name] = sock.getsockname()[1]
        self._serve(sock, f"udp {name}", datagram=True)

    def unix(self, path: Path | str) -> bool:
        sock = socket.socket(socket.AF_UNIX)
        try:
            if isinstance(path, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
                if path.exists():
                    sock.close()
                    return False  # never take over a real socket
            sock.bind(str(path))
        except OSError:
            sock.close()
            return False
        if isinstance(path, Path):
            self.paths.append(path)
        sock.listen()
        self._serve(sock, f"unix {path!r}")
        return True

    def _serve(self, sock: socket.socket, label: str, *, datagram: bool = False) -> None:
        sock.settimeout(0.2)
        self.sockets.append(sock)

        def loop() -> None:
            while not self._stop.is_set():
                try:
                    if datagram:
                        data, _ = sock.recvfrom(4096)
                        self.contacts.append(f"{label}: {data[:40]!r}")
                    else:
                        conn, _ = sock.accept()
                        self.contacts.append(label)
                        conn.close()
                except TimeoutError:
                    continue
                except OSError:
                    return

        threading.Thread(target=loop, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        time.sleep(0.25)
        for sock in self.sockets:
            sock.close()
        for path in self.paths:
            path.unlink(missing_ok=True)


@dataclass
class Canaries:
    token: str
    secret: str
    marker: str
    files: dict[Path, str] = field(default_factory=dict)
    recorder: Recorder = field(default_factory=Recorder)
    made_dirs: list[Path] = field(default_factory=list)

    @property
    def escape_dirs(self) -> list[Path]:
        return [
            Path("/"),
            Path("/tmp"),
            Path("/usr"),
            Path("/opt"),
            ROOT,
            ROOT / "var",
            VENV,
            VENV / "bin",
            HARNESS,
            Path("/var/tmp"),
            Path("/dev/shm"),
        ]

    def escaped_files(self) -> list[str]:
        found = []
        for folder in self.escape_dirs:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            found += [str(folder / name) for name in names if self.marker in name]
        return found

    def check(self, result) -> None:
        """Nothing read, leaked, written or reached."""
        text = json.dumps(result.to_dict())
        assert self.token not in text, "a canary file's contents came back"
        assert self.secret not in text, "the supervisor's secret key came back"
        assert self.recorder.contacts == [], (
            f"the sandbox reached a host socket: {self.recorder.contacts}"
        )
        assert self.escaped_files() == [], "the sandbox wrote a file on the host"
        for path, content in self.files.items():
            assert path.read_text() == content, f"canary {path} was changed or removed"


@pytest.fixture(scope="session")
def canaries():
    token = f"CANARY-{secrets.token_hex(12)}"
    secret = f"secret-{secrets.token_hex(16)}"
    marker = f"tracelab-escape-{secrets.token_hex(6)}"
    found = Canaries(token=token, secret=secret, marker=marker)
    (ROOT / "var").mkdir(exist_ok=True)
    candidates = [
        ROOT / "var" / f"canary-{token[-8:]}.txt",
        Path(f"/tmp/tracelab-canary-{token[-8:]}"),
    ]
    for path in candidates:
        path.write_text(f"TRACELAB_SECRET_KEY={token}\n")
        found.files[path] = path.read_text()

    recorder = found.recorder
    recorder.tcp("random")
    for name, port in (("redis", 6379), ("postgres", 5432), ("web", 8000)):
        recorder.tcp(name, port)
    recorder.udp("udp")
    for folder in (Path("/var/run/postgresql"), Path("/run/postgresql")):
        if not folder.exists():
            folder.mkdir(parents=True)
            found.made_dirs.append(folder)
    for path in (
        Path("/tmp/.s.PGSQL.5432"),
        Path("/run/postgresql/.s.PGSQL.5432"),
        Path(f"/run/tracelab-canary-{token[-8:]}.sock"),
        Path("/run/redis/redis.sock"),
    ):
        if not path.parent.exists():
            path.parent.mkdir(parents=True)
            found.made_dirs.append(path.parent)
        recorder.unix(path)
    recorder.unix(f"\0tracelab-canary-{token[-8:]}")

    previous = os.environ.get("TRACELAB_SECRET_KEY")
    os.environ["TRACELAB_SECRET_KEY"] = secret
    yield found
    if previous is None:
        os.environ.pop("TRACELAB_SECRET_KEY", None)
    else:
        os.environ["TRACELAB_SECRET_KEY"] = previous
    recorder.close()
    for path in found.files:
        path.unlink(missing_ok=True)
    for folder in reversed(found.made_dirs):
        try:
            folder.rmdir()
        except OSError:
            pass


@pytest.fixture(scope="session")
def pool(canaries):
    """Started after the secret is in the supervisor's environment."""
    pool = SandboxPool()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def adamw():
    return load_bundle(BANK / "adamw")


@pytest.fixture(scope="session")
def fast(adamw):
    """adamw with one CPU second and two wall seconds."""
    return limited(adamw, cpu_seconds=1, wall_seconds=2)


class Hostile:
    def __init__(self, adamw: Bundle, pool: SandboxPool, canaries: Canaries) -> None:
        self.adamw = adamw
        self.pool = pool
        self.canaries = canaries

    def __call__(self, code: str | bytes, *, bundle: Bundle | None = None, stub: bool = True):
        """Grade an attack, then prove the host untouched and the worker side alive."""
        if stub and isinstance(code, str):
            code += STUB
        result = grade(bundle or self.adamw, code, pool=self.pool, visible_only=True)
        assert result.verdict != "passed", result.message
        assert result.message, "a verdict without a message"
        self.canaries.check(result)
        after = grade(self.adamw, self.adamw.solution, pool=self.pool, visible_only=True)
        assert after.verdict == "passed", f"the worker side is broken: {after.message}"
        return result


@pytest.fixture
def hostile(adamw, pool, canaries) -> Hostile:
    return Hostile(adamw, pool, canaries)


def processes_with(marker: str, *, settle: float = 3.0) -> str:
    """Host processes whose command line holds `marker`, after letting teardown finish."""
    deadline = time.monotonic() + settle
    while True:
        out = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True).stdout
        out = "\n".join(line for line in out.splitlines() if "pgrep" not in line)
        if not out or time.monotonic() > deadline:
            return out
        time.sleep(0.05)

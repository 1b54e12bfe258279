"""One sandbox: a bubblewrap jail around a warm zygote, and the supervisor that talks to it.

What the jail gives the code inside (the trust boundary of DESIGN.md):
- new network, pid, ipc, uts and cgroup namespaces: no TCP/UDP/abstract-socket
  route to Redis, PostgreSQL or the web server, and no view of host processes;
- a read-only root holding only /usr, the Python runtime and the harness;
  nothing of the project (database, settings, .env, bank, submissions) and
  nothing from /run or /var/run, so no path-based unix socket is reachable;
- a private, size-capped tmpfs for /tmp and /dev/shm, a minimal /dev, its own /proc;
- an empty environment, stdin from /dev/null, a new session (no TIOCSTI);
- a seccomp filter (grader/_seccomp.py) and, per job, rlimits on CPU, memory,
  processes, open files and file size;
- where the host lets us, a cgroup of its own (grader/_cgroups.py) capping the
  memory and tasks of the whole sandbox, which per-process rlimits cannot:
  a job that forks gets one RLIMIT_AS per child, and tmpfs pages count
  against no process; where it does not, rlimits alone (Outcome.cgroup is None);
- an unprivileged host uid: when the supervisor runs as root, bubblewrap sets
  up the mounts and `setpriv` drops to a dedicated uid with no capabilities
  before Python starts, because code left as host uid 0 could read root-only
  files and ignore RLIMIT_NPROC.

The supervisor never opens a path the sandbox could have written. It reads
three pipes per job (result frames, stdout, stderr), each size-capped, and the
zygote's status reports on a socket. Wall time is enforced from outside: on
expiry the whole sandbox is killed with SIGKILL, taking every process in its
pid namespace with it.
"""

from __future__ import annotations

import itertools
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import _cgroups, _seccomp
from .harness import protocol

HARNESS_DIR = Path(__file__).resolve().parent / "harness"
HARNESS_MOUNT = "/opt/tracelab/harness"
BOOT = "import sys; sys.path.insert(0, '/opt/tracelab'); from harness.zygote import main; main()"
SCRATCH_MOUNTS = ("/tmp", "/dev", "/dev/shm")
# torch._dynamo too: torch.optim imports it on an optimizer's first use, which
# would otherwise cost every torch job about 1.4 s of CPU inside its child.
PRELOAD = {"numpy": ("numpy",), "torch": ("numpy", "torch", "torch._dynamo")}
SETPRIV = os.environ.get("TRACELAB_SETPRIV") or shutil.which("setpriv") or "/usr/bin/setpriv"
UID_BASE = int(os.environ.get("TRACELAB_SANDBOX_UID_BASE", "200000"))
_uid_counter = itertools.count()


class SandboxError(RuntimeError):
    """The sandbox itself could not be started or broke: an infrastructure fault."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one job. Sizes in bytes unless the name says otherwise."""

    cpu_seconds: float = 5.0
    wall_seconds: float = 10.0
    memory_mb: int = 512
    processes: int = 16
    open_files: int = 64
    file_bytes: int = 8 << 20
    tmp_bytes: int = 32 << 20
    output_bytes: int = 16 << 10
    output_kill_bytes: int = 1 << 20
    result_bytes: int = 4 << 20

    def for_job(self) -> dict:
        return {
            "cpu_seconds": max(1, int(round(self.cpu_seconds))),
            "memory_bytes": self.memory_mb << 20,
            "processes": self.processes,
            "open_files": self.open_files,
            "file_bytes": self.file_bytes,
        }


@dataclass
class Outcome:
    """What one job did, as seen from outside. Frames are parsed JSON, not yet validated."""

    frames: list = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    stdout_trimmed: bool = False
    stderr_trimmed: bool = False
    exit_code: int | None = None
    signal: int | None = None
    cpu_ms: float = 0.0
    max_rss_kb: int = 0
    wall_ms: float = 0.0
    timed_out: bool = False
    flooded: bool = False
    result_overflow: bool = False
    malformed: str | None = None
    sandbox_lost: bool = False
    oom_killed: bool = False
    cgroup: str | None = None  # "v1"/"v2": the sandbox's own cgroup capped it; None: rlimits only
    tampered: str | None = None  # what the job changed in its zygote (see harness/zygote.py)

    @property
    def sandbox_reusable(self) -> bool:
        return not (
            self.timed_out
            or self.flooded
            or self.result_overflow
            or self.sandbox_lost
            or self.oom_killed
            or self.tampered
        )


def _runtime_roots() -> list[str]:
    """Directories the interpreter needs, outside /usr (a virtualenv, a pyenv build...)."""
    candidates = {
        sys.prefix,
        sys.base_prefix,
        str(Path(os.path.realpath(sys.executable)).parent.parent),
    }
    roots = sorted(p for p in candidates if not (p == "/usr" or p.startswith("/usr/")))
    kept: list[str] = []
    for path in roots:
        if not any(path.startswith(parent.rstrip("/") + "/") for parent in kept):
            kept.append(path)
    return kept


def _root_links() -> list[str]:
    args: list[str] = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = f"/{name}"
        if os.path.islink(host):
            args += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            args += ["--ro-bind", host, host]
    return args


def _mount_point_parents(paths: list[str]) -> list[str]:
    """Create the parents of each mount point traversable (bubblewrap makes them 0700)."""
    args: list[str] = []
    seen: set[str] = set()
    for path in paths:
        parents = list(Path(path).parents)[::-1][1:]
        for parent in parents:
            if str(parent) in SCRATCH_MOUNTS or str(parent).startswith("/usr"):
                continue
            if str(parent) not in seen:
                seen.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _seccomp_fd() -> int:
    program = _seccomp.build_filter()
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, program)
    finally:
        os.close(write_end)
    return read_end


def _gpu_device_args() -> list[str]:
    args: list[str] = []
    for path in sorted(Path("/dev").glob("nvidia*")):
        if path.is_char_device():
            args += ["--dev-bind", str(path), str(path)]
    return args


def bwrap_command(
    *,
    control_fd: int,
    seccomp_fd: int,
    preload: tuple[str, ...],
    tmp_bytes: int,
    uid: int | None,
    gpu: bool = False,
) -> list[str]:
    """The full command line that starts one sandboxed zygote."""
    bwrap = os.environ.get("TRACELAB_BWRAP") or shutil.which("bwrap")
    if bwrap is None:
        raise SandboxError("bubblewrap (bwrap) is not installed; the README's setup installs it")
    args = [
        bwrap,
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
        *_root_links(),
    ]
    # Scratch mounts first: a checkout that lives under /tmp (a CI clone) must be
    # bound on top of the private /tmp, not hidden beneath it.
    args += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(tmp_bytes),
        "--tmpfs",
        "/tmp",
        "--perms",
        "1777",
        "--size",
        str(tmp_bytes),
        "--tmpfs",
        "/dev/shm",
    ]
    roots = _runtime_roots()
    args += _mount_point_parents([*roots, HARNESS_MOUNT, "/etc/ld.so.cache"])
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for root in roots:
        args += ["--ro-bind", root, root]
    args += [
        "--ro-bind",
        str(HARNESS_DIR),
        HARNESS_MOUNT,
    ]
    if gpu:
        args += _gpu_device_args()
    if uid is not None and not SETPRIV.startswith("/usr/"):
        args += _mount_point_parents([SETPRIV]) + ["--ro-bind", SETPRIV, SETPRIV]
    args += [
        "--remount-ro",
        "/",
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "HOME",
        "/tmp",
        # No passwd entry exists for the sandbox uid; libraries that ask who
        # the user is (torch's cache directories) read these instead.
        "--setenv",
        "USER",
        "sandbox",
        "--setenv",
        "LOGNAME",
        "sandbox",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--setenv",
        "OMP_NUM_THREADS",
        "1",
        "--setenv",
        "OPENBLAS_NUM_THREADS",
        "1",
        "--setenv",
        "MKL_NUM_THREADS",
        "1",
        "--chdir",
        "/tmp",
        "--seccomp",
        str(seccomp_fd),
    ]
    if gpu:
        args += ["--setenv", "CUDA_CACHE_DISABLE", "1"]
    if gpu and os.environ.get("LD_LIBRARY_PATH"):
        # Where the host finds the CUDA driver libraries; /usr (bound) on most hosts.
        args += ["--setenv", "LD_LIBRARY_PATH", os.environ["LD_LIBRARY_PATH"]]
    python = [sys.executable, "-I", "-B", "-c", BOOT, str(control_fd), ",".join(preload)]
    if gpu:
        python.append("gpu")
    if uid is None:
        return args + ["--unshare-user", "--", *python]
    # Root: bubblewrap builds the mounts, setpriv drops to an unprivileged uid
    # with an empty capability set before any Python runs.
    for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"):
        args += ["--cap-add", cap]
    setpriv = [
        SETPRIV,
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]
    return args + ["--", *setpriv, *python]


def _id_map(kind: str) -> str | None:
    """This process's /proc/self/uid_map or gid_map, None where there is none."""
    try:
        return Path(f"/proc/self/{kind}_map").read_text()
    except OSError:
        return None


def _id_mapped(id_map: str, value: int) -> bool:
    """Whether `value` lies in one of the ranges of a uid_map or gid_map."""
    for line in id_map.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0].isdigit() and fields[2].isdigit():
            first, count = int(fields[0]), int(fields[2])
            if first <= value < first + count:
                return True
    return False


def _sandbox_uid() -> int | None:
    """A uid of its own per sandbox when we are root, so RLIMIT_NPROC is per sandbox.

    Root in a container with a user namespace of its own (rootless podman, Docker's
    userns-remap) may have only a few thousand ids mapped, and setpriv would stop at a
    bare "setresuid failed: Invalid argument". That case is refused here with the way
    out: a worker run as an unprivileged user gets a user namespace from bubblewrap for
    each sandbox instead (docker-compose.yml runs its workers so).
    """
    if os.geteuid() != 0:
        return None
    uid = UID_BASE + (os.getpid() % 40000) * 16 + next(_uid_counter) % 16
    for kind in ("uid", "gid"):
        id_map = _id_map(kind)
        if id_map is not None and not _id_mapped(id_map, uid):
            raise SandboxError(
                f"the sandbox {kind} {uid} is not mapped in this user namespace "
                f"({' '.join(id_map.split())}): run the worker as an unprivileged user, "
                "or map ids from TRACELAB_SANDBOX_UID_BASE on (640016 of them)"
            )
    return uid


class Sandbox:
    """A started sandbox whose zygote runs jobs one at a time."""

    def __init__(
        self,
        runtime: str = "numpy",
        *,
        warm: bool = True,
        gpu: bool = False,
        tmp_bytes: int = Limits.tmp_bytes,
        start_timeout: float = 60.0,
    ) -> None:
        self.runtime = runtime
        self.preload = PRELOAD[runtime] if warm else ()
        self.gpu = gpu
        self.jobs_run = 0
        self.alive = False
        self._tmp_bytes = tmp_bytes
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._control = bytearray()
        self._log = None
        self.cgroup: _cgroups.SandboxCgroup | None = None

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> Sandbox:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        seccomp_fd = _seccomp_fd()
        self._log = tempfile.TemporaryFile()
        try:
            command = self.command(control_fd=child.fileno(), seccomp_fd=seccomp_fd)
            # The group exists, with limits, before the first process of the sandbox;
            # the command joins it before bubblewrap forks (see _cgroups).
            self.cgroup = _cgroups.create()
            if self.cgroup is not None and not self._apply_cgroup_limits(Limits()):
                self.cgroup.remove()
                self.cgroup = None
            if self.cgroup is not None:
                command = self.cgroup.wrap(command)
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                pass_fds=(child.fileno(), seccomp_fd),
                start_new_session=True,
                env={},
            )
        except BaseException:
            if self.cgroup is not None:
                self.cgroup.remove()
                self.cgroup = None
            raise
        finally:
            child.close()
            os.close(seccomp_fd)
        self._sock = parent
        ready = self._read_report(time.monotonic() + self._start_timeout)
        if not ready or not ready.get("ready"):
            detail = self._log_tail()
            self.close()
            raise SandboxError(f"sandbox did not start: {detail or 'no output'}")
        self.alive = True
        return self

    def command(self, *, control_fd: int, seccomp_fd: int) -> list[str]:
        """The command that starts the zygote; the benchmark overrides it to measure overhead."""
        return bwrap_command(
            control_fd=control_fd,
            seccomp_fd=seccomp_fd,
            preload=self.preload,
            tmp_bytes=self._tmp_bytes,
            uid=_sandbox_uid(),
            gpu=self.gpu,
        )

    def close(self) -> None:
        self.alive = False
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait()
        if self.cgroup is not None:
            self.cgroup.remove()  # kills whatever the pid namespace's teardown has not yet
            self.cgroup = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _apply_cgroup_limits(self, limits: Limits) -> bool:
        """Size the group for this job: its memory_mb on top of the zygote's baseline."""
        assert self.cgroup is not None
        try:
            self.cgroup.set_limits(
                memory_bytes=_cgroups.memory_limit(self.runtime, limits.memory_mb, self._tmp_bytes),
                pids=_cgroups.pids_limit(limits.processes),
            )
        except OSError as exc:
            # A limit below what the sandbox already holds is refused (EBUSY); the
            # previous limit and the job's rlimits still apply.
            _cgroups.log.warning("cgroup %s: limits not set: %s", self.cgroup.name, exc)
            return False
        return True

    def __enter__(self) -> Sandbox:
        return self.start() if not self.alive else self

    def __exit__(self, *exc) -> None:
        self.close()

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0, os.SEEK_END)
        size = self._log.tell()
        self._log.seek(max(0, size - 2000))
        return self._log.read().decode("utf-8", "replace").strip()

    # -- control channel ---------------------------------------------------------
    def _read_report(self, deadline: float) -> dict | None:
        """Read one status frame from the zygote, or None on EOF/deadline."""
        assert self._sock is not None
        while True:
            if len(self._control) >= protocol.HEADER.size:
                (size,) = protocol.HEADER.unpack_from(self._control)
                if size > 1 << 16:
                    return None
                if len(self._control) >= protocol.HEADER.size + size:
                    try:
                        frames = protocol.decode_stream(
                            bytes(self._control[: protocol.HEADER.size + size]), max_frame=1 << 16
                        )
                    except protocol.FrameError:
                        return None  # a zygote that garbles its report is treated as lost
                    del self._control[: protocol.HEADER.size + size]
                    report = frames[0]
                    return report if isinstance(report, dict) else None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(4096)
            except (TimeoutError, OSError):
                return None
            if not chunk:
                return None
            self._control += chunk

    # -- one job -----------------------------------------------------------------
    def run(self, job: dict, limits: Limits) -> Outcome:
        """Run one job; the sandbox is unusable afterwards unless outcome.sandbox_reusable."""
        if not self.alive or self._sock is None:
            raise SandboxError("sandbox is not running")
        self.jobs_run += 1
        job = {**job, "limits": limits.for_job()}
        if self.gpu:
            # RLIMIT_AS breaks CUDA's initialisation (it reserves huge virtual
            # ranges); on a GPU sandbox memory is bounded by its cgroup instead.
            job["limits"]["memory_bytes"] = 0
        oom_before = 0
        if self.cgroup is not None:
            self._apply_cgroup_limits(limits)
            oom_before = self.cgroup.oom_kills()
        result_r, result_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        started = time.monotonic()
        outcome = Outcome()
        try:
            frame = protocol.encode(job)
            socket.send_fds(self._sock, [frame[: protocol.HEADER.size]], [result_w, out_w, err_w])
            self._sock.sendall(frame[protocol.HEADER.size :])
        except OSError:
            outcome.sandbox_lost = True
        finally:
            for fd in (result_w, out_w, err_w):
                os.close(fd)
        try:
            if not outcome.sandbox_lost:
                self._collect(outcome, limits, started, result_r, out_r, err_r)
        finally:
            for fd in (result_r, out_r, err_r):
                os.close(fd)
        outcome.wall_ms = round((time.monotonic() - started) * 1000, 1)
        if self.cgroup is not None:
            outcome.cgroup = self.cgroup.version
            outcome.oom_killed = self.cgroup.oom_kills() > oom_before
        if not outcome.sandbox_reusable:
            self.close()
        return outcome

    def _collect(
        self,
        outcome: Outcome,
        limits: Limits,
        started: float,
        result_r: int,
        out_r: int,
        err_r: int,
    ) -> None:
        deadline = started + limits.wall_seconds
        buffers = {result_r: bytearray(), out_r: bytearray(), err_r: bytearray()}
        totals = dict.fromkeys(buffers, 0)
        caps = {
            result_r: limits.result_bytes,
            out_r: limits.output_bytes,
            err_r: limits.output_bytes,
        }
        selector = selectors.DefaultSelector()
        for fd in buffers:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        assert self._sock is not None
        selector.register(self._sock, selectors.EVENT_READ)
        report = None
        open_pipes = set(buffers)
        try:
            while open_pipes or report is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    outcome.timed_out = True
                    return
                for key, _ in selector.select(timeout=min(remaining, 0.5)):
                    if key.fileobj is self._sock:
                        report = self._read_report(time.monotonic() + 1.0)
                        if report is None:
                            outcome.sandbox_lost = True
                            return
                        selector.unregister(self._sock)
                        continue
                    fd = key.fd
                    try:
                        chunk = os.read(fd, 65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        selector.unregister(fd)
                        open_pipes.discard(fd)
                        continue
                    totals[fd] += len(chunk)
                    room = caps[fd] - len(buffers[fd])
                    if room > 0:
                        buffers[fd] += chunk[:room]
                    if fd == result_r and totals[fd] > caps[fd]:
                        outcome.result_overflow = True
                        return
                    if fd != result_r and totals[out_r] + totals[err_r] > limits.output_kill_bytes:
                        outcome.flooded = True
                        return
        finally:
            selector.close()
            outcome.stdout = buffers[out_r].decode("utf-8", "replace")
            outcome.stderr = buffers[err_r].decode("utf-8", "replace")
            outcome.stdout_trimmed = totals[out_r] > len(buffers[out_r])
            outcome.stderr_trimmed = totals[err_r] > len(buffers[err_r])
            if report is not None:
                outcome.exit_code = report.get("exit")
                outcome.signal = report.get("signal")
                outcome.cpu_ms = float(report.get("cpu_ms") or 0.0)
                outcome.max_rss_kb = int(report.get("max_rss_kb") or 0)
                if report.get("tampered"):
                    outcome.tampered = str(report["tampered"])[:500]
            if not outcome.result_overflow:
                try:
                    outcome.frames = protocol.decode_stream(
                        bytes(buffers[result_r]), max_frame=limits.result_bytes
                    )
                except protocol.FrameError as exc:
                    outcome.malformed = str(exc)

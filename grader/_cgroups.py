"""Per-sandbox memory and process limits through cgroups, when the host lets us.

rlimits are per process: RLIMIT_AS bounds one address space, so a job that
forks children gets one allowance per child, and tmpfs pages in the jail's
/tmp and /dev/shm are in no process's address space at all. A cgroup counts
everything the sandbox holds: every process, every page, every task.

One group per sandbox, made before the sandbox starts. The sandbox command
is started through `/bin/sh`, which writes its own pid into the group and
then execs bubblewrap: the group is joined before bubblewrap forks anything,
so every process of the sandbox is born inside it. (Moving bubblewrap's pid
afterwards would leave the children it already forked outside; a Python
`preexec_fn` would do the same as the shell, but is not safe in a process
that starts sandboxes from several threads.)

Both hierarchies are supported:
- cgroup v2 (a delegated, writable unified hierarchy): memory.max,
  memory.swap.max = 0, pids.max; `cgroup.kill` on teardown;
- cgroup v1 (memory and pids controllers mounted writable):
  memory.limit_in_bytes, memory.memsw.limit_in_bytes where swap accounting
  exists, pids.max; on teardown every pid listed in the group's own
  cgroup.procs (a kernel file, never a path the sandbox could write) is
  killed through a pidfd that is checked to still be in the group.

Groups are made below the supervisor's own cgroup (or below
TRACELAB_CGROUP_ROOT), so whatever limits the host put on the worker still
apply. Where neither hierarchy is writable, `create()` returns None and the
sandbox relies on its rlimits alone; TRACELAB_CGROUPS=off forces that.
"""

from __future__ import annotations

import atexit
import errno
import itertools
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("grader.sandbox")

# What a warm zygote holds before any job: numpy alone, or torch on top of it.
BASELINE_BYTES = {"numpy": 256 << 20, "torch": 1 << 30}
# bubblewrap's two processes, the zygote and its threads, on top of the job's own.
PIDS_MARGIN = 16
GROUP_DIR = "tracelab"
# Starts the sandbox command inside the group: `sh -c JOIN sh PROCS... -- COMMAND...`.
JOIN = (
    'for f in "$@"; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; shift; done; '
    'shift; exec "$@"'
)
_counter = itertools.count()
_live: set[SandboxCgroup] = set()
_live_lock = threading.Lock()


def memory_limit(runtime: str, memory_mb: int, tmp_bytes: int) -> int:
    """A sandbox's memory: the job's allowance, the zygote's baseline, and its two tmpfs."""
    return (memory_mb << 20) + BASELINE_BYTES.get(runtime, BASELINE_BYTES["torch"]) + 2 * tmp_bytes


def pids_limit(processes: int) -> int:
    return processes + PIDS_MARGIN


@dataclass(frozen=True)
class Hierarchy:
    """Where sandbox groups are made: one directory (v2) or one per controller (v1)."""

    version: str
    bases: dict[str, Path]  # controller ("unified" for v2) -> directory holding the groups


def _read(path: Path) -> str:
    with open(path) as handle:
        return handle.read()


def _write(path: Path, value: str) -> None:
    with open(path, "w") as handle:
        handle.write(value)


def _mounts(text: str) -> tuple[list[Path], dict[str, Path]]:
    """cgroup2 mount points, and the mount point of each v1 controller."""
    unified: list[Path] = []
    v1: dict[str, Path] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        where, kind, options = fields[1], fields[2], fields[3].split(",")
        if kind == "cgroup2":
            unified.append(Path(where))
        elif kind == "cgroup":
            for controller in ("memory", "pids"):
                if controller in options:
                    v1.setdefault(controller, Path(where))
    return unified, v1


def _own_paths(text: str) -> tuple[str | None, dict[str, str]]:
    """This process's cgroup: its v2 path, and its path per v1 controller."""
    unified = None
    v1: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            unified = path
        for controller in controllers.split(","):
            v1[controller] = path
    return unified, v1


def _inside(mount: Path, path: str) -> Path:
    """The directory of cgroup `path` under `mount`.

    A container without a cgroup namespace sees its own group mounted as the
    root while /proc/self/cgroup still names the host's path: then the mount
    itself is the group.
    """
    joined = mount / path.lstrip("/")
    return joined if joined.is_dir() else mount


def _try_v2(mounts: list[Path], own: str | None) -> tuple[Hierarchy | None, str]:
    root = os.environ.get("TRACELAB_CGROUP_ROOT")
    candidates = [Path(root)] if root else [_inside(m, own) for m in mounts if own is not None]
    reason = "no cgroup2 hierarchy"
    for parent in candidates:
        try:
            if not {"memory", "pids"} <= set(_read(parent / "cgroup.controllers").split()):
                reason = f"{parent}: the memory and pids controllers are not delegated"
                continue
            enabled = set(_read(parent / "cgroup.subtree_control").split())
            if not {"memory", "pids"} <= enabled:
                # Fails (EBUSY) when the parent holds processes and is not the root:
                # then the host must delegate a group (TRACELAB_CGROUP_ROOT).
                _write(parent / "cgroup.subtree_control", "+memory +pids")
            base = parent / GROUP_DIR
            base.mkdir(exist_ok=True)
            if not {"memory", "pids"} <= set(_read(base / "cgroup.subtree_control").split()):
                _write(base / "cgroup.subtree_control", "+memory +pids")
            return Hierarchy("v2", {"unified": base}), ""
        except OSError as exc:
            reason = f"{parent}: {exc.strerror or exc}"
    return None, reason


def _try_v1(mounts: dict[str, Path], own: dict[str, str]) -> tuple[Hierarchy | None, str]:
    if "memory" not in mounts or "pids" not in mounts:
        return None, "no cgroup v1 memory and pids controllers"
    bases = {}
    try:
        for controller in ("memory", "pids"):
            parent = _inside(mounts[controller], own.get(controller, "/"))
            base = parent / GROUP_DIR
            base.mkdir(exist_ok=True)
            bases[controller] = base
    except OSError as exc:
        return None, f"cgroup v1 is not writable: {exc.strerror or exc}"
    return Hierarchy("v1", bases), ""


def find(mounts_text: str, cgroup_text: str) -> tuple[Hierarchy | None, str]:
    """The writable hierarchy described by a mount table and a /proc/<pid>/cgroup."""
    unified_mounts, v1_mounts = _mounts(mounts_text)
    own_unified, own_v1 = _own_paths(cgroup_text)
    hierarchy, why_not_v2 = _try_v2(unified_mounts, own_unified)
    if hierarchy is not None:
        return hierarchy, ""
    hierarchy, why_not_v1 = _try_v1(v1_mounts, own_v1)
    if hierarchy is not None:
        return hierarchy, ""
    return None, f"{why_not_v2}; {why_not_v1}"


_detected: tuple[Hierarchy | None, str] | None = None
_detect_lock = threading.Lock()


def detect(*, refresh: bool = False) -> tuple[Hierarchy | None, str]:
    """This host's writable hierarchy (looked up once), or None and the reason there is none."""
    global _detected
    with _detect_lock:
        if _detected is not None and not refresh:
            return _detected
        if os.environ.get("TRACELAB_CGROUPS", "").strip().lower() in ("0", "off", "no", "false"):
            found: tuple[Hierarchy | None, str] = (None, "disabled by TRACELAB_CGROUPS")
        else:
            try:
                found = find(_read(Path("/proc/self/mounts")), _read(Path("/proc/self/cgroup")))
            except OSError as exc:
                found = (None, f"cannot read the cgroup tables: {exc}")
        if found[0] is not None:
            _remove_stale(found[0])
        else:
            log.warning("sandboxes get rlimits only, no cgroup limits: %s", found[1])
        _detected = found
        return found


def _remove_stale(hierarchy: Hierarchy) -> None:
    """Groups left by a supervisor that died: empty ones are removed, never entered."""
    for base in hierarchy.bases.values():
        try:
            names = os.listdir(base)
        except OSError:
            continue
        for name in names:
            parts = name.split("-")
            if len(parts) != 3 or parts[0] != "sandbox" or not parts[1].isdigit():
                continue
            try:
                os.kill(int(parts[1]), 0)
                continue  # its supervisor is alive
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            try:
                os.rmdir(base / name)
            except OSError:
                pass


class SandboxCgroup:
    """One sandbox's group, in one (v2) or two (v1) hierarchies."""

    def __init__(self, hierarchy: Hierarchy, name: str) -> None:
        self.version = hierarchy.version
        self.name = name
        self.paths = {controller: base / name for controller, base in hierarchy.bases.items()}
        self._limits: tuple[int, int] | None = None
        self._owner = os.getpid()

    @property
    def memory_dir(self) -> Path:
        return self.paths["unified" if self.version == "v2" else "memory"]

    @property
    def pids_dir(self) -> Path:
        return self.paths["unified" if self.version == "v2" else "pids"]

    def _make(self) -> None:
        for path in set(self.paths.values()):  # v1 may mount memory and pids together
            path.mkdir()

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, started inside this group."""
        procs = sorted({str(path / "cgroup.procs") for path in self.paths.values()})
        return ["/bin/sh", "-c", JOIN, "sh", *procs, "--", *command]

    def set_limits(self, *, memory_bytes: int, pids: int) -> None:
        if self._limits == (memory_bytes, pids):
            return
        if self.version == "v2":
            _write(self.memory_dir / "memory.max", str(memory_bytes))
            if (self.memory_dir / "memory.swap.max").exists():
                _write(self.memory_dir / "memory.swap.max", "0")
        else:
            self._set_v1_memory(memory_bytes)
        _write(self.pids_dir / "pids.max", str(pids))
        self._limits = (memory_bytes, pids)

    def _set_v1_memory(self, memory_bytes: int) -> None:
        memory = self.memory_dir / "memory.limit_in_bytes"
        memsw = self.memory_dir / "memory.memsw.limit_in_bytes"
        if not memsw.exists():
            _write(memory, str(memory_bytes))
            return
        # memory+swap may never be below memory alone: raise memsw first when
        # growing, lower memory first when shrinking. Equal values: no swap at all.
        try:
            _write(memory, str(memory_bytes))
            _write(memsw, str(memory_bytes))
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            _write(memsw, str(memory_bytes))
            _write(memory, str(memory_bytes))

    def limits(self) -> dict:
        """The limits as the kernel holds them (for tests and diagnostics)."""
        if self.version == "v2":
            memory = _read(self.memory_dir / "memory.max").strip()
        else:
            memory = _read(self.memory_dir / "memory.limit_in_bytes").strip()
        return {
            "memory_bytes": int(memory) if memory.isdigit() else memory,
            "pids": _read(self.pids_dir / "pids.max").strip(),
        }

    def oom_kills(self) -> int:
        """How many processes the kernel has killed in this group for going over memory."""
        name = "memory.events" if self.version == "v2" else "memory.oom_control"
        try:
            for line in _read(self.memory_dir / name).splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.paths.values():
            try:
                found.update(int(p) for p in _read(path / "cgroup.procs").split())
            except OSError:
                pass
        return found

    def kill(self) -> None:
        """SIGKILL every process in the group."""
        if self.version == "v2" and (self.pids_dir / "cgroup.kill").exists():
            try:
                _write(self.pids_dir / "cgroup.kill", "1")
                return
            except OSError:
                pass
        for pid in self.pids():
            self._kill_member(pid)

    def _kill_member(self, pid: int) -> None:
        # The pid was read from the group; it may have exited and been reused
        # since. A pidfd pins the process, and the group is read again after it
        # is opened, so only a process that is in the group now is signalled.
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            return
        try:
            if pid in self.pids():
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except OSError:
            pass
        finally:
            os.close(pidfd)

    def remove(self, timeout: float = 2.0) -> bool:
        """Kill what is left and remove the group; True when it is gone."""
        deadline = time.monotonic() + timeout
        while True:
            self.kill()
            left = []
            for path in self.paths.values():
                try:
                    path.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:
                    left.append(path)
            if not left:
                with _live_lock:
                    _live.discard(self)
                return True
            if time.monotonic() > deadline:
                log.warning("cgroup %s could not be removed: processes are still exiting", left)
                return False
            time.sleep(0.01)


def create() -> SandboxCgroup | None:
    """A new, empty group for one sandbox, or None where cgroups are not available."""
    hierarchy, _ = detect()
    if hierarchy is None:
        return None
    group = SandboxCgroup(hierarchy, f"sandbox-{os.getpid()}-{next(_counter)}")
    with _live_lock:
        _live.add(group)
    try:
        group._make()
    except OSError as exc:
        log.warning("cannot create cgroup %s: %s; this sandbox gets rlimits only", group.name, exc)
        group.remove(timeout=0)
        return None
    return group


@atexit.register
def _remove_live_groups() -> None:
    """A supervisor that exits with sandboxes still running (a pool never closed)
    kills them and removes their groups, instead of leaving both to the next start."""
    with _live_lock:
        groups = [g for g in _live if g._owner == os.getpid()]
    for group in groups:
        group.remove(timeout=1.0)


def unavailable_reason() -> str:
    """Why sandboxes get rlimits only ("" when cgroups are in use)."""
    return detect()[1]

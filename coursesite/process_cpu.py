"""CPU time spent by each part of a running TraceLab, read from /proc (Linux only).

Benchmarks take a snapshot before and after a load and print the difference per part,
which shows where the machine's cores went: web server, Celery workers (with the
sandboxes they start), Redis, the database, the load generator itself.

A process is put in the part of its nearest classified ancestor; a sandbox's
bubblewrap and Python processes are a part of their own ("sandboxes": the grading
itself, next to the worker's own share). Time of
processes that exited and were reaped counts for their parent (cutime/cstime).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# (part, test on the command line) in order of precedence.
PARTS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    # Sandboxes first: bubblewrap's processes are re-parented away from the worker
    # that started them, so their ancestry does not lead back to it.
    ("sandboxes", lambda cmd: "bwrap" in cmd or "harness.zygote" in cmd),
    ("web", lambda cmd: "gunicorn" in cmd or "uvicorn" in cmd or "runserver" in cmd),
    ("worker", lambda cmd: "celery" in cmd and " worker" in cmd),
    ("beat", lambda cmd: "celery" in cmd and " beat" in cmd),
    ("redis", lambda cmd: "redis-server" in cmd),
    ("database", lambda cmd: cmd.startswith("postgres") or "/postgres " in cmd),
    ("supervisor", lambda cmd: "supervisord" in cmd),
)


def _read_processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command line, CPU seconds of it and its reaped children)."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # exited while we looked
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        parent = int(fields[1])
        ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
        processes[int(entry.name)] = (parent, cmdline.strip(), ticks / _CLOCK_TICKS)
    return processes


def _part_of(pid: int, processes: dict[int, tuple[int, str, float]], own: int) -> str | None:
    seen = 0
    while pid in processes and seen < 64:
        if pid == own:
            return "load generator"
        parent, cmdline, _ = processes[pid]
        for part, matches in PARTS:
            if matches(cmdline):
                return part
        pid, seen = parent, seen + 1
    return None


def snapshot() -> dict[int, tuple[str, float]]:
    """pid -> (part, CPU seconds so far) for every process of a known part."""
    processes = _read_processes()
    own = os.getpid()
    result = {}
    for pid, (_, _, seconds) in processes.items():
        part = _part_of(pid, processes, own)
        if part is not None:
            result[pid] = (part, seconds)
    return result


def cpu_by_part(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds spent by each part between two snapshots.

    A process that exists only in `after` started during the interval and counts whole.
    """
    totals: dict[str, float] = {}
    for pid, (part, seconds) in after.items():
        start = before[pid][1] if pid in before and before[pid][0] == part else 0.0
        totals[part] = totals.get(part, 0.0) + max(0.0, seconds - start)
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (from /proc/stat)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _CLOCK_TICKS

"""Who holds a running submission, and whether that holder is still there.

A worker process that claims a submission writes its identity and a lease (a time a
little past the exercise's wall limit) on the row. Another delivery of the same task,
or the sweeper, may take the row over only when the holder is known to be gone or its
lease has run out without the holder being known alive, so a submission is graded
again only when its first grading cannot finish.

An identity is `host|node pid|pid|start time|task`: the host (a container's own host
name in a compose stack), the Celery worker's main process (the "node", which announces
itself in the worker registry), the grading process with its start time, so a recycled
pid is never mistaken for the original process, and the task delivery that claimed the
row. A retried task keeps its id, so it recognises a claim its earlier attempt made
before the database failed under it, even from another process.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

# Beyond the wall limit: reading the row, comparing traces, storing the result, and a
# cold reference preparation on a worker's first submission of a version.
LEASE_MARGIN_SECONDS = 10
# A lease this far past its end is abandoned whatever its holder's state: the sandbox
# kills student code at its wall limit, so a live holder this late is stuck.
ABANDONED_AFTER = timedelta(seconds=60)


class Holder(Enum):
    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Identity:
    host: str
    node_pid: int
    pid: int
    started: str
    task: str = ""

    @property
    def process(self) -> tuple[str, int, str]:
        """The grading process itself, whichever task it is running."""
        return (self.host, self.pid, self.started)

    @property
    def node(self) -> str:
        """The worker main process this grading process belongs to."""
        return f"{self.host}|{self.node_pid}"

    def __str__(self) -> str:
        return f"{self.host}|{self.node_pid}|{self.pid}|{self.started}|{self.task}"

    @classmethod
    def parse(cls, text: str) -> Identity | None:
        parts = text.split("|")
        if len(parts) not in (4, 5) or not parts[1].isdigit() or not parts[2].isdigit():
            return None
        return cls(parts[0], int(parts[1]), int(parts[2]), parts[3], *parts[4:])


def process_start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None if it does not exist."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    # Field 22; the command name (field 2) may hold spaces, so count after its ')'.
    return text[text.rfind(")") + 2 :].split()[19]


def current_identity(task: str = "") -> Identity:
    """This process, grading for the task delivery `task`, as the holder of a lease."""
    pid = os.getpid()
    started = process_start_time(pid) or "0"
    return Identity(socket.gethostname(), os.getppid(), pid, started, task.replace("|", ""))


def node_identity() -> str:
    """This process as a worker node (used by a Celery worker's main process)."""
    return f"{socket.gethostname()}|{os.getpid()}"


def child_processes(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of the direct children of `pid` (a worker's pool processes)."""
    children = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                pids = [int(p) for p in listing.read().split()]
        except (OSError, ValueError):
            continue
        for child in pids:
            started = process_start_time(child)
            if started is not None:
                children.append((child, started))
    return children


def lease_length(*, wall_seconds: float) -> timedelta:
    """How long a claim holds a row before others may presume its holder lost."""
    return timedelta(seconds=wall_seconds + LEASE_MARGIN_SECONDS)


NodesReader = Callable[[], "dict[str, dict] | None"]


def holder_state(owner: str, *, live_nodes: NodesReader) -> Holder:
    """Whether the process named by `owner` is still alive.

    On the same host the process table answers. For another host, the worker registry
    (`live_nodes()`: node -> {"pids": [[pid, start], ...], "at": unix time}, or None
    when the registry cannot be read; asked only here) answers: a node missing from it has stopped
    announcing itself; a node that lists its pool processes shows whether the holder
    is among them.
    """
    identity = Identity.parse(owner)
    if identity is None:
        return Holder.GONE  # a row claimed before leases existed, or garbage
    if identity.host == socket.gethostname():
        return Holder.ALIVE if process_start_time(identity.pid) == identity.started else Holder.GONE
    nodes = live_nodes()
    if nodes is None:
        return Holder.UNKNOWN
    node = nodes.get(identity.node)
    if node is None:
        return Holder.GONE
    listed = {(int(pid), str(started)) for pid, started in node.get("pids", [])}
    return Holder.ALIVE if (identity.pid, identity.started) in listed else Holder.UNKNOWN


def takeover_reason(
    *,
    owner: str,
    expires_at: datetime | None,
    now: datetime,
    live_nodes: NodesReader,
    me: Identity | None = None,
) -> str | None:
    """Why a running row may be taken from its holder, or None when it may not.

    It may when the holder is known to be gone, when the lease ran out and the holder
    is not known to be alive, when the lease was abandoned long ago, or when the
    holder is the asker itself: the same process (an earlier grading of its own that
    could not store its result) or an earlier attempt of the same task (the database
    failed under it after the claim was written).
    """
    held = Identity.parse(owner)
    if me is not None and held is not None:
        # A process grades one submission at a time: if it is asking, it is not grading
        # the row it holds.
        if held.process == me.process:
            return "an earlier grading of this process could not store its result"
        if me.task and held.task == me.task:
            return "an earlier attempt of this task was cut off"
    holder = holder_state(owner, live_nodes=live_nodes)
    if holder is Holder.GONE:
        return f"holder {owner or 'unknown'} is gone"
    if expires_at is None or expires_at < now - ABANDONED_AFTER:
        return f"lease of {owner or 'unknown'} abandoned"
    if expires_at < now and holder is not Holder.ALIVE:
        return f"lease of {owner} expired, holder {holder.value}"
    return None

"""A pool of pre-started sandboxes, so a student never waits for a sandbox to boot.

Each sandbox holds a zygote that has already imported numpy (and torch for
torch exercises). A job runs in a fresh child forked from it; the zygote
itself is retired after `max_jobs` jobs, or at once after any job that timed
out, flooded its output or broke the protocol. A background thread keeps
`size` ready sandboxes per runtime. Sandboxes are started only from the
pool's own long-lived threads: bubblewrap's --die-with-parent is tied to the
thread that spawned it, so a sandbox started from a short-lived thread would
be killed when that thread ends. The cold path (`warm=False`) starts a
fresh sandbox that imports everything itself for every job.

Listeners (`add_listener`) hear of every sandbox that fails and every warm sandbox
that is retired, with the runtime and a reason, so the host can count them (the site
turns them into metrics) without the engine knowing how.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ._sandbox import Limits, Outcome, Sandbox

DEFAULT_MAX_JOBS = int(os.environ.get("TRACELAB_SANDBOX_MAX_JOBS", "50"))
DEFAULT_SIZE = int(os.environ.get("TRACELAB_SANDBOX_POOL_SIZE", "1"))

log = logging.getLogger(__name__)

# listener(kind, runtime, reason): kind "failed" (a sandbox could not start, was lost
# during a job, or died while waiting) or "retired" (a warm sandbox was closed).
Listener = Callable[[str, str, str], None]


def retirement_reason(outcome: Outcome | None) -> str:
    """Why a sandbox cannot take another job after this outcome (None: no outcome)."""
    if outcome is None or outcome.sandbox_lost:
        return "lost"
    for flag, reason in (
        ("timed_out", "timeout"),
        ("flooded", "output_flood"),
        ("result_overflow", "result_overflow"),
        ("oom_killed", "oom"),
        ("tampered", "tampered"),
    ):
        if getattr(outcome, flag):
            return reason
    return "lost"


class SandboxPool:
    def __init__(
        self,
        *,
        warm: bool = True,
        size: int = DEFAULT_SIZE,
        max_jobs: int = DEFAULT_MAX_JOBS,
        gpu: bool = False,
    ) -> None:
        self.warm = warm
        self.size = size if warm else 0
        self.max_jobs = max_jobs if warm else 1
        self.gpu = gpu
        self._ready: dict[str, list[Sandbox]] = defaultdict(list)
        self._starting: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._closed = False
        self._spawner = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-spawner")
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(kind, runtime, reason)` on every failure and retirement."""
        if listener not in self._listeners:
            self._listeners.append(listener)

    def _notify(self, kind: str, runtime: str, reason: str) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, runtime, reason)
            except Exception:  # noqa: BLE001 - counting must never fail a grading
                log.exception("sandbox pool listener failed")

    def run(self, runtime: str, job: dict, limits: Limits) -> Outcome:
        """Run one job in a ready sandbox (starting one if none is ready)."""
        sandbox = self._take(runtime)
        outcome = None
        try:
            outcome = sandbox.run(job, limits)
            return outcome
        finally:
            self._give_back(sandbox, outcome)

    def warm_up(self, runtime: str) -> None:
        """Start filling the pool for `runtime` in the background."""
        self._refill_async(runtime)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            sandboxes = [sb for ready in self._ready.values() for sb in ready]
            self._ready.clear()
        for sandbox in sandboxes:
            sandbox.close()

    def _new(self, runtime: str) -> Sandbox:
        # Only torch can use a GPU: numpy sandboxes never see the device nodes.
        return Sandbox(runtime, warm=self.warm, gpu=self.gpu and runtime == "torch")

    def _take(self, runtime: str) -> Sandbox:
        with self._lock:
            ready = self._ready[runtime]
            dead = 0
            while ready:
                sandbox = ready.pop()
                if sandbox.alive:
                    break
                dead += 1
            else:
                sandbox = None
        for _ in range(dead):
            self._notify("failed", runtime, "died_idle")
        if sandbox is None:
            try:
                sandbox = self._spawner.submit(self._new(runtime).start).result()
            except Exception:
                self._notify("failed", runtime, "start")
                raise
        self._refill_async(runtime)
        return sandbox

    def _give_back(self, sandbox: Sandbox, outcome: Outcome | None = None) -> None:
        keep = sandbox.alive and sandbox.jobs_run < self.max_jobs
        with self._lock:
            if keep and not self._closed and len(self._ready[sandbox.runtime]) < max(self.size, 1):
                self._ready[sandbox.runtime].append(sandbox)
                return
        # A usable sandbox closed only because the pool is full again is not retired.
        if not self._closed and not keep:
            reason = "max_jobs" if sandbox.alive else retirement_reason(outcome)
            if reason == "lost":
                self._notify("failed", sandbox.runtime, "lost")
            self._notify("retired", sandbox.runtime, reason)
        sandbox.close()
        self._refill_async(sandbox.runtime)

    def _refill_async(self, runtime: str) -> None:
        with self._lock:
            missing = self.size - len(self._ready[runtime]) - self._starting[runtime]
            if self._closed or missing <= 0:
                return
            self._starting[runtime] += missing
        for _ in range(missing):
            self._spawner.submit(self._start_one, runtime)

    def _start_one(self, runtime: str) -> None:
        try:
            sandbox = self._new(runtime).start()
        except Exception:  # noqa: BLE001 - the next job starts one itself and reports the fault
            sandbox = None
            self._notify("failed", runtime, "start")
        with self._lock:
            self._starting[runtime] -= 1
            if sandbox is not None and not self._closed:
                self._ready[runtime].append(sandbox)
                return
        if sandbox is not None:
            sandbox.close()

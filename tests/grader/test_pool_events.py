"""The pool tells its listeners of every failed and every retired sandbox, with a reason.

Sandboxes are stand-ins here (the real ones are in test_sandbox.py): what is under test
is the pool's bookkeeping, not bubblewrap.
"""

from __future__ import annotations

import pytest

from grader import Limits, SandboxError, SandboxPool
from grader._sandbox import Outcome


class FakeSandbox:
    def __init__(self, runtime: str, script: list[Outcome | Exception]) -> None:
        self.runtime = runtime
        self.alive = False
        self.jobs_run = 0
        self.script = script

    def start(self) -> FakeSandbox:
        self.alive = True
        return self

    def run(self, job: dict, limits: Limits) -> Outcome:
        self.jobs_run += 1
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            self.alive = False
            raise outcome
        if not outcome.sandbox_reusable:
            self.alive = False
        return outcome

    def close(self) -> None:
        self.alive = False


class ScriptedPool(SandboxPool):
    """A pool whose sandboxes play the given outcomes, one per job, in order."""

    def __init__(self, outcomes: list[Outcome | Exception], **kwargs) -> None:
        super().__init__(size=0, **kwargs)
        self.outcomes = outcomes
        self.fail_start = False
        self.events: list[tuple[str, str, str]] = []
        self.add_listener(lambda *event: self.events.append(event))

    def _new(self, runtime: str) -> FakeSandbox:
        if self.fail_start:
            raise SandboxError("bwrap: cannot create namespace")
        return FakeSandbox(runtime, self.outcomes)


def run_jobs(pool: ScriptedPool, count: int) -> None:
    for _ in range(count):
        pool.run("numpy", {}, Limits())


def test_a_sandbox_is_retired_after_its_last_allowed_job():
    pool = ScriptedPool([Outcome(), Outcome()], max_jobs=2)
    run_jobs(pool, 2)
    assert pool.events == [("retired", "numpy", "max_jobs")]


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("timed_out", "timeout"),
        ("flooded", "output_flood"),
        ("result_overflow", "result_overflow"),
        ("oom_killed", "oom"),
    ],
)
def test_a_sandbox_spoilt_by_a_job_is_retired_with_the_reason(flag, reason):
    pool = ScriptedPool([Outcome(**{flag: True})])
    run_jobs(pool, 1)
    assert pool.events == [("retired", "numpy", reason)]


def test_a_lost_sandbox_is_a_failure_and_a_retirement():
    pool = ScriptedPool([Outcome(sandbox_lost=True)])
    run_jobs(pool, 1)
    assert pool.events == [("failed", "numpy", "lost"), ("retired", "numpy", "lost")]


def test_a_sandbox_that_breaks_during_a_job_is_lost():
    pool = ScriptedPool([SandboxError("sandbox is not running")])
    with pytest.raises(SandboxError):
        run_jobs(pool, 1)
    assert pool.events == [("failed", "numpy", "lost"), ("retired", "numpy", "lost")]


def test_a_sandbox_that_cannot_start_is_a_failure():
    pool = ScriptedPool([])
    pool.fail_start = True
    with pytest.raises(SandboxError):
        run_jobs(pool, 1)
    assert pool.events == [("failed", "numpy", "start")]


def test_a_listener_that_fails_never_fails_the_job():
    pool = ScriptedPool([Outcome(timed_out=True)])

    def broken(*event):
        raise RuntimeError("metrics backend away")

    pool.add_listener(broken)
    run_jobs(pool, 1)
    assert pool.events == [("retired", "numpy", "timeout")]


def test_a_usable_sandbox_closed_because_the_pool_is_full_is_not_retired():
    pool = ScriptedPool([Outcome()])
    run_jobs(pool, 1)  # its sandbox goes back to the pool, which is now full
    spare = FakeSandbox("numpy", []).start()

    pool._give_back(spare, Outcome())

    assert pool.events == [] and not spare.alive

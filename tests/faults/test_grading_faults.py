"""Faults during a burst, with real processes: every submission ends with exactly one
verdict, none is lost, none is graded twice, and the last verdict arrives within 30 s of
the fault's end.

Each test sends a burst of AdamW submissions (right and wrong) through the same service
the web view uses, breaks something while the worker is busy with them, repairs it, and
then checks the rows and the worker logs (every finished sandbox grading writes a line,
with whether its result was stored). The measured recovery (fault end -> last verdict)
is printed: `./tracelab test tests/faults -s` shows it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from database_control import Unsupported, database_control
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.services.submissions import submission_create

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank" / "adamw"
RECOVERY_LIMIT_SECONDS = 30
# A right program that keeps its grading busy long enough to be killed in the middle.
SLOW_TO_LOAD = "\nimport time\n_until = time.time() + 1.5\nwhile time.time() < _until:\n    pass\n"


@pytest.fixture
def burst(stack, settings):
    """Send `count` submissions from as many students, at once, as the deadline does."""
    settings.TRACELAB_SUBMISSIONS_PER_MINUTE = 1000
    call_command("sync_bank", verbosity=0)
    exercise = Exercise.objects.get(slug="adamw")
    programs = [(BANK / "solution.py").read_text()] + [
        path.read_text() for path in sorted((BANK / "mistakes").glob("*.py"))
    ]
    users = get_user_model()

    def send(count: int, *, slow: int = 0) -> list[int]:
        """The first `slow` programs are right but take a second and a half to load."""
        ids = []
        for i in range(count):
            user = users.objects.create_user(f"fault-{time.monotonic_ns()}-{i}")
            code = programs[0] if i % 2 == 0 else programs[1 + (i // 2) % (len(programs) - 1)]
            if i < slow:
                code = programs[0] + SLOW_TO_LOAD
            ids.append(submission_create(user=user, exercise=exercise, code=code).pk)
        return ids

    return send


def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} within {timeout} s")


def wait_for_burst(ids: list[int]) -> None:
    """Until the worker is busy with the burst: the first verdicts are in."""
    wait_until(
        lambda: Submission.objects.filter(pk__in=ids, status="done").count() >= 10,
        timeout=60,
        what="the burst under way",
    )


def running(submission_id: int) -> Submission | None:
    return Submission.objects.filter(pk=submission_id, status="running").first()


def all_done(ids: list[int], *, timeout: float = 120) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            rows = list(
                Submission.objects.filter(pk__in=ids).values(
                    "id", "status", "verdict", "finished_at", "claims", "attempts"
                )
            )
        except Exception:  # noqa: BLE001 - the database may still be coming back
            connection.close()
            time.sleep(0.2)
            continue
        if len(rows) == len(ids) and all(r["status"] == "done" for r in rows):
            return rows
        time.sleep(0.2)
    left = (
        Submission.objects.filter(pk__in=ids)
        .exclude(status="done")
        .values_list("id", "status", "lease_owner", "attempts")
    )
    raise AssertionError(f"not every submission was graded in {timeout} s: {list(left)[:5]}")


def check_outcome(stack, ids: list[int], *, fault_end: float, killed: int, name: str) -> None:
    """One stored verdict each, none lost, none graded twice but for killed gradings."""
    rows = all_done(ids)
    assert {r["id"] for r in rows} == set(ids), "submissions were lost"
    verdicts = {r["verdict"] for r in rows}
    assert verdicts <= {"passed", "failed"}, f"an infrastructure fault leaked: {verdicts}"
    finished, stored = stack.gradings()
    assert all(stored[i] <= 1 for i in ids), {i: stored[i] for i in ids if stored[i] > 1}
    # A process killed between storing its result and logging it leaves no line.
    unlogged = [i for i in ids if stored[i] == 0]
    assert len(unlogged) <= killed, unlogged
    graded_again = sum(finished[i] - 1 for i in ids if finished[i] > 1)
    # A grading cut off by a killed process may be graded again; nothing else may.
    assert graded_again <= killed, {i: finished[i] for i in ids if finished[i] > 1}
    last = max(r["finished_at"] for r in rows).timestamp()
    recovery = last - fault_end
    print(
        f"\n[{name}] {len(ids)} submissions, {connection.vendor}: last verdict "
        f"{recovery:.1f} s after the fault ended; re-sent {sum(r['attempts'] for r in rows)}, "
        f"taken over {sum(r['claims'] - 1 for r in rows)}, graded again {graded_again}"
    )
    assert recovery <= RECOVERY_LIMIT_SECONDS


def test_a_pool_process_killed_mid_grading_loses_nothing(stack, burst):
    ids = burst(60, slow=1)
    wait_until(lambda: running(ids[0]) is not None, timeout=30, what="the slow grading started")
    holder = int(running(ids[0]).lease_owner.split("|")[2])
    os.kill(holder, signal.SIGKILL)
    fault_end = time.time()

    check_outcome(stack, ids, fault_end=fault_end, killed=1, name="pool process killed")
    row = Submission.objects.get(pk=ids[0])
    assert (row.claims, row.verdict) == (2, "passed"), "the killed grading was not taken over"


def test_a_killed_worker_replaced_by_a_new_one_loses_nothing(stack, burst):
    ids = burst(80)
    wait_for_burst(ids)
    started = stack.celery.ready_lines()
    stack.celery.kill_worker()
    # supervisord starts a new worker; the fault ends when it is ready.
    stack.celery.wait_ready(ready_lines=started + 1)
    fault_end = time.time()

    check_outcome(stack, ids, fault_end=fault_end, killed=2, name="worker killed")


def test_redis_restarted_during_a_burst_loses_nothing(stack, burst):
    ids = burst(80)
    wait_for_burst(ids)
    stack.redis.stop()
    time.sleep(2)
    stack.redis.start()  # empty: no persistence, as in production without AOF
    fault_end = time.time()

    check_outcome(stack, ids, fault_end=fault_end, killed=0, name="redis restarted")


def test_the_database_restarted_during_a_burst_loses_nothing(stack, burst):
    try:
        control = database_control()
        if not control.can_restart:
            pytest.skip(f"{connection.vendor} has no server to restart")
    except Unsupported as exc:
        pytest.skip(str(exc))
    ids = burst(80)
    wait_for_burst(ids)
    control.restart()
    fault_end = time.time()

    check_outcome(stack, ids, fault_end=fault_end, killed=0, name="database restarted")


def test_a_database_refusing_connections_for_seconds_loses_nothing(stack, burst):
    try:
        control = database_control()
    except Unsupported as exc:
        pytest.skip(str(exc))
    ids = burst(80)
    wait_for_burst(ids)
    with control.refuse_connections(4):
        pass
    fault_end = time.time()

    check_outcome(stack, ids, fault_end=fault_end, killed=0, name="database refused")
    assert timezone.now().timestamp() - fault_end < 60

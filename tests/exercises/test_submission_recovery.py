"""Leases, take-overs, retries and the sweep: every submission ends with one verdict.

The outside world is patched at its seams: the grader (`fake_grader`), the Celery send
(`sent_tasks`) and the worker registry (a small in-memory stand-in; the real one is
tested against a real redis-server in test_worker_registry.py).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from exercises.models import Submission
from exercises.services import leases, recovery
from exercises.services import submissions as service
from exercises.services.submissions import (
    GRADING_FAILED_MESSAGE,
    GRADING_FAILED_REPEATEDLY_MESSAGE,
    MAX_CLAIMS,
    submission_claim,
    submission_create,
    submission_grade,
    submission_record_result,
)

pytestmark = pytest.mark.django_db

CODE = "def step(params, grads, state, lr):\n    return params\n"
LEASE = timedelta(seconds=20)
HOST = socket.gethostname()


def live_process_owner() -> str:
    """A holder that is certainly alive on this host: the init process."""
    return f"{HOST}|0|1|{leases.process_start_time(1)}"


def dead_process_owner() -> str:
    """A holder that is certainly gone: a real pid with another start time."""
    return f"{HOST}|0|{os.getpid()}|not-this-start"


def other_host_owner(pid: int = 4242, started: str = "99") -> str:
    return f"elsewhere|17|{pid}|{started}"


def hold(submission: Submission, owner: str, *, expires_in: float, claims: int = 1) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        status="running",
        lease_owner=owner,
        lease_expires_at=timezone.now() + timedelta(seconds=expires_in),
        started_at=timezone.now(),
        claims=claims,
    )


def no_registry():
    return None


@pytest.fixture
def queued(alice, exercise):
    return submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")


# -- claims and take-overs -------------------------------------------------------------


def test_a_row_held_by_a_live_process_is_not_taken(queued):
    hold(queued, live_process_owner(), expires_in=15)
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry) is None


def test_a_slow_live_holder_keeps_its_row_after_its_lease_ran_out(queued):
    hold(queued, live_process_owner(), expires_in=-5)
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry) is None


def test_a_row_whose_holder_died_is_taken_over_at_once(queued, caplog):
    hold(queued, dead_process_owner(), expires_in=15)

    claim = submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)

    assert claim is not None and claim.number == 2
    queued.refresh_from_db()
    assert (queued.status, queued.lease_owner, queued.claims) == ("running", claim.owner, 2)
    assert "taken over" in caplog.text and "gone" in caplog.text


def test_a_retried_task_takes_back_the_claim_its_cut_off_attempt_made(queued):
    # The claim was written, then the database failed before the task could go on; the
    # retry runs in another (live) process, and knows the claim by its task id.
    hold(queued, live_process_owner() + "|delivery-7", expires_in=15)

    other = submission_claim(
        submission_id=queued.pk, lease=LEASE, task="delivery-8", live_nodes=no_registry
    )
    retry = submission_claim(
        submission_id=queued.pk, lease=LEASE, task="delivery-7", live_nodes=no_registry
    )

    assert other is None
    assert retry is not None and retry.owner.endswith("|delivery-7")


def test_a_lease_abandoned_long_ago_is_taken_whoever_holds_it(queued):
    hold(queued, live_process_owner(), expires_in=-(leases.ABANDONED_AFTER.seconds + 5))
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)


def test_a_holder_on_a_vanished_worker_is_gone(queued):
    hold(queued, other_host_owner(), expires_in=15)
    claim = submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=lambda: {})
    assert claim is not None


def test_a_holder_listed_by_its_live_worker_keeps_its_row_on_another_host(queued):
    hold(queued, other_host_owner(pid=4242, started="99"), expires_in=-5)
    nodes = {"elsewhere|17": {"at": 0, "pids": [[4242, "99"]]}}
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=lambda: nodes) is None


def test_an_unknown_holder_keeps_its_row_until_its_lease_runs_out(queued):
    hold(queued, other_host_owner(), expires_in=15)
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry) is None
    hold(queued, other_host_owner(), expires_in=-1)
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)


def test_a_finished_row_is_never_claimed(queued, fake_grader):
    submission_grade(submission_id=queued.pk)
    assert submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry) is None


def test_only_the_latest_claim_stores_its_result(queued):
    first = submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)
    # The first holder is presumed dead and its row taken over by another process.
    Submission.objects.filter(pk=queued.pk).update(lease_owner=dead_process_owner())
    second = submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)

    late = {"verdict": "failed", "score": 0.0, "message": "late", "cases": []}
    assert submission_record_result(submission_id=queued.pk, result=late, claim=first) is False
    fresh = {"verdict": "passed", "score": 1.0, "message": "fresh", "cases": []}
    assert submission_record_result(submission_id=queued.pk, result=fresh, claim=second) is True
    queued.refresh_from_db()
    assert (queued.verdict, queued.result["message"], queued.lease_expires_at) == (
        "passed",
        "fresh",
        None,
    )


# -- grading: what is retried and what is not ------------------------------------------


def test_a_redelivered_task_regrades_a_row_whose_grading_died(queued, fake_grader):
    hold(queued, dead_process_owner(), expires_in=15)
    submission_grade(submission_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.verdict, queued.claims) == ("done", "passed", 2)
    assert len(fake_grader.calls) == 1


def test_a_redelivered_task_leaves_a_row_graded_by_a_live_process(queued, fake_grader):
    hold(queued, live_process_owner(), expires_in=15)
    submission_grade(submission_id=queued.pk)
    assert fake_grader.calls == []
    queued.refresh_from_db()
    assert queued.status == "running"


def test_a_row_whose_gradings_keep_dying_ends_with_an_error(queued, fake_grader):
    hold(queued, dead_process_owner(), expires_in=15, claims=MAX_CLAIMS)
    submission_grade(submission_id=queued.pk)
    assert fake_grader.calls == []
    queued.refresh_from_db()
    assert (queued.status, queued.verdict) == ("done", "error")
    assert queued.result["message"] == GRADING_FAILED_REPEATEDLY_MESSAGE


def test_a_grading_machinery_failure_is_retried_once_in_place(queued, fake_grader, monkeypatch):
    outcomes = [RuntimeError("sandbox pool restarted"), fake_grader.result]

    def flaky(**kwargs):
        fake_grader.calls.append(kwargs)
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr("exercises.services.grading.grade_code", flaky)
    submission_grade(submission_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.verdict, len(fake_grader.calls)) == ("passed", 2)


def test_a_grading_machinery_that_keeps_failing_gives_an_error_verdict(queued, fake_grader):
    fake_grader.result = RuntimeError("no sandbox could start")
    submission_grade(submission_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.verdict, queued.result["message"]) == ("error", GRADING_FAILED_MESSAGE)
    assert len(fake_grader.calls) == service.GRADING_TRIES


def test_a_database_outage_while_storing_retries_the_write_not_the_grading(
    queued, fake_grader, monkeypatch
):
    real = service.submission_record_result
    failures = [OperationalError("the database system is starting up")] * 2

    def store(**kwargs):
        if failures:
            raise failures.pop()
        return real(**kwargs)

    monkeypatch.setattr(service, "submission_record_result", store)
    monkeypatch.setattr(service.time, "sleep", lambda seconds: None)
    # The test's own transaction must outlive the "broken" connection.
    monkeypatch.setattr(service, "_drop_connection", lambda: None)

    submission_grade(submission_id=queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.verdict) == ("done", "passed")
    assert len(fake_grader.calls) == 1


def test_a_database_outage_longer_than_the_retries_is_left_to_the_task(
    queued, fake_grader, monkeypatch
):
    real = service.submission_record_result

    def store(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(service, "submission_record_result", store)
    monkeypatch.setattr(service, "RECORD_RETRY_SECONDS", 0)
    monkeypatch.setattr(service, "_drop_connection", lambda: None)
    with pytest.raises(OperationalError):
        submission_grade(submission_id=queued.pk)

    # The task's retry finds the row held by this very process, and grades it again.
    monkeypatch.setattr(service, "submission_record_result", real)
    submission_grade(submission_id=queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.verdict, queued.claims) == ("done", "passed", 2)


# -- the sweep ---------------------------------------------------------------------------


class FakeRegistry:
    """The sweep's view of Redis: a loss marker and the live nodes."""

    def __init__(self, *, resend_before: float | None = None, nodes=None, broken=False):
        self.resend_before = resend_before
        self.nodes = nodes or {}
        self.broken = broken

    def resend_queued_before(self, now: float):
        if self.broken:
            raise ConnectionError("redis is down")
        return self.resend_before, self.nodes


def age(submission: Submission, *, seconds: float) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        queued_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    def run(registry=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return recovery.submissions_recover(registry=registry or FakeRegistry(), **kwargs)

    return run


def test_sweep_requeues_a_running_row_whose_holder_died(
    alice, make_exercise, sent_tasks, run_sweep
):
    gpu = make_exercise("train-step", device="gpu")
    lost = submission_create(user=alice, exercise=gpu, code=CODE, mode="submit")
    hold(lost, dead_process_owner(), expires_in=15)
    age(lost, seconds=30)
    sent_tasks.clear()

    report = run_sweep()

    assert report.requeued_running == 1
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, lost.lease_expires_at) == ("queued", 1, None)
    assert [(t["args"], t["queue"]) for t in sent_tasks] == [([lost.pk], "gpu")]


def test_sweep_leaves_a_live_grading_alone(queued, sent_tasks, run_sweep):
    hold(queued, live_process_owner(), expires_in=15)
    age(queued, seconds=30)
    sent_tasks.clear()
    assert run_sweep().total == 0
    assert sent_tasks == []


def test_sweep_resends_queued_rows_sent_before_a_loss(alice, exercise, sent_tasks, run_sweep):
    before = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    age(before, seconds=8)
    after = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    loss = (timezone.now() - timedelta(seconds=4)).timestamp()
    sent_tasks.clear()

    report = run_sweep(FakeRegistry(resend_before=loss))

    assert report.resent_queued == 1
    assert [t["args"] for t in sent_tasks] == [[before.pk]]
    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.attempts, after.attempts) == (1, 0)
    # The re-sent row now counts from the re-send: the same loss does not send it again.
    sent_tasks.clear()
    assert run_sweep(FakeRegistry(resend_before=loss)).total == 0


def test_sweep_resends_a_row_queued_for_too_long_without_a_known_loss(
    queued, sent_tasks, run_sweep, settings
):
    settings.TRACELAB_RESEND_QUEUED_SECONDS = 60
    age(queued, seconds=30)
    assert run_sweep().total == 0
    age(queued, seconds=61)
    sent_tasks.clear()
    assert run_sweep().resent_queued == 1
    assert [t["args"] for t in sent_tasks] == [[queued.pk]]


def test_sweep_gives_up_on_a_row_resent_too_often(queued, sent_tasks, run_sweep):
    Submission.objects.filter(pk=queued.pk).update(attempts=recovery.MAX_RESENDS)
    age(queued, seconds=600)
    sent_tasks.clear()

    assert run_sweep().given_up == 1

    queued.refresh_from_db()
    assert (queued.status, queued.verdict) == ("done", "error")
    assert queued.result["message"] == GRADING_FAILED_REPEATEDLY_MESSAGE
    assert sent_tasks == []


def test_sweep_leaves_finished_rows_alone(queued, fake_grader, run_sweep):
    submission_grade(submission_id=queued.pk)
    age(queued, seconds=600)
    assert run_sweep(FakeRegistry(resend_before=timezone.now().timestamp())).total == 0
    queued.refresh_from_db()
    assert queued.verdict == "passed"


def test_sweep_works_from_the_database_alone_when_redis_is_down(
    queued, sent_tasks, run_sweep, caplog
):
    hold(queued, dead_process_owner(), expires_in=15)
    age(queued, seconds=30)
    assert run_sweep(FakeRegistry(broken=True)).requeued_running == 1
    assert "registry unavailable" in caplog.text


def test_a_grading_finishing_after_its_row_was_requeued_is_not_stored(queued, run_sweep):
    claim = submission_claim(submission_id=queued.pk, lease=LEASE, live_nodes=no_registry)
    Submission.objects.filter(pk=queued.pk).update(lease_owner=dead_process_owner())
    age(queued, seconds=30)
    run_sweep()

    late = {"verdict": "passed", "score": 1.0}
    assert submission_record_result(submission_id=queued.pk, result=late, claim=claim) is False
    queued.refresh_from_db()
    assert queued.status == "queued"

from datetime import timedelta

import pytest
from django.utils import timezone

from exercises.models import Submission
from exercises.services.submissions import (
    GRADING_FAILED_MESSAGE,
    SubmissionInvalid,
    SubmissionRateLimited,
    SubmissionTooLarge,
    submission_claim,
    submission_create,
    submission_grade,
    submission_record_result,
)

pytestmark = pytest.mark.django_db

CODE = "def step(params, grads, state, lr):\n    return params\n"
LEASE = timedelta(seconds=20)


def test_create_writes_queued_row_and_sends_only_after_commit(
    alice, exercise, sent_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    announced = []
    monkeypatch.setattr("live.announce.publish", lambda *topics: announced.append(topics))
    with django_capture_on_commit_callbacks() as callbacks:
        submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
        row = Submission.objects.get(pk=submission.pk)
        assert row.status == "queued"
        assert row.exercise_version == exercise.current_version
        assert sent_tasks == []
        assert announced == []

    for callback in callbacks:
        callback()
    assert sent_tasks == [{"args": [submission.pk], "kwargs": {}, "queue": "cpu"}]
    # Its student's row on a class dashboard now says "being graded".
    assert announced == [(f"submission:{submission.pk}", f"student:{alice.pk}")]


@pytest.mark.django_db(transaction=True)
def test_task_is_not_sent_when_the_transaction_rolls_back(alice, exercise, sent_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
        raise RuntimeError("the surrounding request failed")

    assert sent_tasks == []
    assert not Submission.objects.exists()


@pytest.mark.parametrize(("device", "queue"), [("gpu", "gpu"), ("cpu", "cpu"), ("any", "cpu")])
def test_task_goes_to_the_queue_of_the_exercise_device(
    alice, make_exercise, sent_tasks, django_capture_on_commit_callbacks, device, queue
):
    exercise = make_exercise(device=device)
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(user=alice, exercise=exercise, code=CODE, mode="run")
    assert [task["queue"] for task in sent_tasks] == [queue]


def test_oversized_code_is_refused_without_a_row(alice, exercise, settings):
    settings.TRACELAB_SUBMISSION_MAX_BYTES = 10
    with pytest.raises(SubmissionTooLarge):
        submission_create(user=alice, exercise=exercise, code="x" * 11, mode="submit")
    assert not Submission.objects.exists()


def test_size_limit_counts_utf8_bytes_not_characters(alice, exercise, settings):
    settings.TRACELAB_SUBMISSION_MAX_BYTES = 10
    with pytest.raises(SubmissionTooLarge):
        submission_create(user=alice, exercise=exercise, code="é" * 6, mode="submit")


def test_unknown_mode_and_unstorable_text_are_refused(alice, exercise):
    with pytest.raises(SubmissionInvalid):
        submission_create(user=alice, exercise=exercise, code=CODE, mode="grade-everything")
    with pytest.raises(SubmissionInvalid):
        submission_create(user=alice, exercise=exercise, code="x = '\x00'", mode="submit")
    with pytest.raises(SubmissionInvalid):
        submission_create(user=alice, exercise=exercise, code="x = '\ud800'", mode="submit")


def test_rate_limit_counts_only_the_last_minute(alice, bob, exercise, settings):
    settings.TRACELAB_SUBMISSIONS_PER_MINUTE = 2
    first = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    with pytest.raises(SubmissionRateLimited):
        submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    # Another student has their own allowance.
    submission_create(user=bob, exercise=exercise, code=CODE, mode="submit")

    Submission.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(seconds=61))
    submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")


def test_claim_takes_a_queued_row_with_a_lease(alice, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    claim = submission_claim(submission_id=submission.pk, lease=LEASE)

    assert claim is not None and claim.number == 1
    submission.refresh_from_db()
    assert submission.status == "running"
    assert submission.lease_owner == claim.owner
    assert submission.started_at is not None
    left = (submission.lease_expires_at - timezone.now()).total_seconds()
    assert 15 < left <= 20


def test_recording_a_result_twice_stores_it_once(alice, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_claim(submission_id=submission.pk, lease=LEASE)
    first = {"verdict": "failed", "score": 0.5, "message": "first", "cases": []}
    second = {"verdict": "passed", "score": 1.0, "message": "second", "cases": []}

    assert submission_record_result(submission_id=submission.pk, result=first) is True
    assert submission_record_result(submission_id=submission.pk, result=second) is False

    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.score) == ("done", "failed", 0.5)
    assert submission.result["message"] == "first"
    assert submission.finished_at is not None


def test_result_is_not_recorded_on_an_unclaimed_submission(alice, exercise):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    stored = submission_record_result(
        submission_id=submission.pk, result={"verdict": "passed", "score": 1.0}
    )
    assert stored is False
    submission.refresh_from_db()
    assert submission.status == "queued"


def test_grading_stores_the_graders_result(alice, exercise, fake_grader):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    submission_grade(submission_id=submission.pk)

    submission.refresh_from_db()
    assert (submission.status, submission.verdict, submission.score) == ("done", "passed", 1.0)
    assert submission.result == fake_grader.result
    assert fake_grader.calls[0]["code"] == CODE
    assert fake_grader.calls[0]["visible_only"] is False
    assert fake_grader.calls[0]["version"] == exercise.current_version


def test_run_mode_grades_visible_cases_only(alice, exercise, fake_grader):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="run")
    submission_grade(submission_id=submission.pk)
    assert fake_grader.calls[0]["visible_only"] is True


def test_duplicate_delivery_grades_once(alice, exercise, fake_grader):
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_grade(submission_id=submission.pk)
    submission_grade(submission_id=submission.pk)
    assert len(fake_grader.calls) == 1


def test_grading_a_missing_submission_is_a_quiet_no_op(fake_grader):
    submission_grade(submission_id=987654)
    assert fake_grader.calls == []


def test_grader_crash_is_stored_as_error_without_the_traceback(
    alice, exercise, fake_grader, caplog
):
    fake_grader.result = RuntimeError("sandbox pool exploded at /srv/secret/path")
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")

    submission_grade(submission_id=submission.pk)

    submission.refresh_from_db()
    assert (submission.status, submission.verdict) == ("done", "error")
    assert submission.result["message"] == GRADING_FAILED_MESSAGE
    assert "exploded" not in str(submission.result)
    assert "sandbox pool exploded" in caplog.text


def test_unknown_verdict_from_grader_is_stored_as_error(alice, exercise, fake_grader):
    fake_grader.result = {"verdict": "maybe", "score": 1.0}
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert submission.verdict == "error"
    assert submission.score == 0.0


def test_student_fault_verdicts_are_results(alice, exercise, fake_grader):
    fake_grader.result = {"verdict": "timeout", "score": 0.0, "message": "Too slow."}
    submission = submission_create(user=alice, exercise=exercise, code=CODE, mode="submit")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    assert (submission.status, submission.verdict) == ("done", "timeout")

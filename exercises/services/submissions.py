"""The life of a submission: created, sent, claimed, graded, recorded, swept.

The row is the source of truth. Each state change is a conditional UPDATE, so a task
delivered twice, two workers racing, or a sweeper running beside a slow worker all end
with one stored result.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from exercises.models import Exercise, Submission
from exercises.services import grading

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
GRADING_FAILED_MESSAGE = (
    "Grading failed because of a problem on our side, not in your code. Please submit again."
)
GRADING_FAILED_REPEATEDLY_MESSAGE = (
    "Grading failed repeatedly because of a problem on our side, not in your code. "
    "Please submit again later."
)


class SubmissionRefused(Exception):
    """The submission was not accepted; the message is safe to show to the student."""


class SubmissionTooLarge(SubmissionRefused):
    def __init__(self, *, size: int, max_bytes: int) -> None:
        super().__init__(
            f"Your code is {size:,} bytes; the limit is {max_bytes:,} bytes. "
            "Remove unused code and try again."
        )
        self.size = size
        self.max_bytes = max_bytes


class SubmissionRateLimited(SubmissionRefused):
    def __init__(self, *, per_minute: int) -> None:
        super().__init__(
            f"You can send at most {per_minute} submissions a minute. Wait a moment and retry."
        )
        self.per_minute = per_minute


class SubmissionInvalid(SubmissionRefused):
    """The code or mode cannot be stored or graded (bad mode, unencodable text)."""


class ExerciseNotPublished(SubmissionRefused):
    def __init__(self, *, slug: str) -> None:
        super().__init__(f"The exercise {slug!r} has no published version yet.")


def error_result(*, message: str) -> dict[str, Any]:
    """A result in the engine's shape for a grading that could not run."""
    return {
        "verdict": Submission.Verdict.ERROR.value,
        "score": 0.0,
        "message": message,
        "grader_version": None,
        "cases": [],
        "diagnoses": [],
        "stdout": "",
        "stderr": "",
        "resources": {},
    }


def submission_create(
    *, user: AbstractBaseUser, exercise: Exercise, code: str, mode: str = Submission.Mode.SUBMIT
) -> Submission:
    """Store a new submission for the exercise's current version and queue its grading.

    The row is committed before the task is sent (`on_commit`), so a worker never looks
    for a row that does not exist yet. Raises a SubmissionRefused subclass when the
    code is too large, the user is over the per-minute rate, or the input is unusable.
    """
    if mode not in Submission.Mode.values:
        raise SubmissionInvalid(f"Unknown mode {mode!r}; use 'submit' or 'run'.")
    # PostgreSQL text cannot hold NUL, and lone surrogates (valid in JSON) cannot be
    # encoded; both are refused up front instead of failing inside the database.
    if "\x00" in code:
        raise SubmissionInvalid("Your code contains a NUL character.")
    try:
        size = len(code.encode("utf-8"))
    except UnicodeEncodeError:
        raise SubmissionInvalid("Your code is not valid Unicode text.") from None
    max_bytes = settings.TRACELAB_SUBMISSION_MAX_BYTES
    if size > max_bytes:
        raise SubmissionTooLarge(size=size, max_bytes=max_bytes)
    version = exercise.current_version
    if version is None:
        raise ExerciseNotPublished(slug=exercise.slug)

    per_minute = settings.TRACELAB_SUBMISSIONS_PER_MINUTE
    with transaction.atomic():
        # Locking the user's row serialises one user's concurrent requests, so the
        # count below cannot be raced past the limit (a no-op on SQLite, which
        # serialises writers anyway).
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        now = timezone.now()
        recent = Submission.objects.filter(
            user=user, created_at__gt=now - timedelta(minutes=1)
        ).count()
        if recent >= per_minute:
            raise SubmissionRateLimited(per_minute=per_minute)
        submission = Submission.objects.create(
            user=user,
            exercise=exercise,
            exercise_version=version,
            code=code,
            mode=mode,
            status=Submission.Status.QUEUED,
            queued_at=now,
        )
        _send_grading_on_commit(submission_id=submission.pk, queue=version.queue_name)
    return submission


def _send_grading_on_commit(*, submission_id: int, queue: str) -> None:
    # Imported here because the tasks module imports this one.
    from exercises.tasks import grade_submission

    def send() -> None:
        grade_submission.apply_async(args=[submission_id], queue=queue)

    # robust: if the broker is down the request still succeeds; the row stays queued
    # and the stale-submission sweeper sends it again later.
    transaction.on_commit(send, robust=True)


def submission_claim(*, submission_id: int) -> bool:
    """Move a submission from queued to running; False when another worker got it first."""
    claimed = Submission.objects.filter(id=submission_id, status=Submission.Status.QUEUED).update(
        status=Submission.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def submission_grade(*, submission_id: int) -> None:
    """Claim a queued submission, grade it, and store the result.

    Returns quietly when the row is gone or already claimed (a duplicate delivery). A
    student's mistake, crash or timeout is a verdict from the grader; an exception from
    the grading machinery is logged and stored as a generic `error` verdict.
    """
    submission = (
        Submission.objects.select_related("exercise_version").filter(id=submission_id).first()
    )
    if submission is None:
        logger.warning("submission %s does not exist; nothing to grade", submission_id)
        return
    if not submission_claim(submission_id=submission_id):
        return

    try:
        result = grading.grade_code(
            version=submission.exercise_version,
            code=submission.code,
            visible_only=submission.mode == Submission.Mode.RUN,
        )
    except Exception:
        logger.exception("grading submission %s failed", submission_id)
        result = error_result(message=GRADING_FAILED_MESSAGE)
    submission_record_result(submission_id=submission_id, result=result)


def submission_record_result(*, submission_id: int, result: dict[str, Any]) -> bool:
    """Store a result on a running submission and mark it done.

    Only the first call for a running row writes; later calls (a duplicate task, a slow
    worker that was already swept) change nothing and return False.
    """
    verdict = result.get("verdict")
    if verdict not in Submission.Verdict.values:
        logger.error("submission %s: grader returned unknown verdict %r", submission_id, verdict)
        result = error_result(message=GRADING_FAILED_MESSAGE)
        verdict = Submission.Verdict.ERROR
    try:
        score = min(1.0, max(0.0, float(result.get("score") or 0.0)))
    except (TypeError, ValueError):
        score = 0.0
    stored = Submission.objects.filter(id=submission_id, status=Submission.Status.RUNNING).update(
        status=Submission.Status.DONE,
        verdict=verdict,
        score=score,
        result=result,
        named_mistake=first_named_mistake(result),
        finished_at=timezone.now(),
    )
    return stored == 1


def first_named_mistake(result: dict[str, Any]) -> str:
    """The id of the result's first named mistake, or "" (kept on the row for dashboards)."""
    diagnoses = result.get("diagnoses")
    if isinstance(diagnoses, list) and diagnoses and isinstance(diagnoses[0], dict):
        return str(diagnoses[0].get("mistake") or "")[:100]
    return ""


def submissions_requeue_stale(*, older_than: timedelta) -> int:
    """Re-send submissions stuck in queued or running for longer than `older_than`.

    A re-sent row goes back to queued with one more attempt. A row that is stale again
    after MAX_ATTEMPTS re-sends is finished with an `error` verdict. Returns how many
    rows were re-sent or finished.
    """
    now = timezone.now()
    cutoff = now - older_than
    stale = (
        Submission.objects.filter(
            Q(status=Submission.Status.QUEUED, queued_at__lt=cutoff)
            | Q(status=Submission.Status.RUNNING, started_at__lt=cutoff)
        )
        .select_related("exercise_version")
        .only("id", "status", "attempts", "exercise_version__device")
        .order_by("id")
    )
    handled = 0
    for submission in stale:
        # Matching on the status and attempts read above means a row that a worker
        # finished, or another sweeper handled, in the meantime is left alone.
        unchanged = Submission.objects.filter(
            id=submission.id, status=submission.status, attempts=submission.attempts
        )
        with transaction.atomic():
            if submission.attempts >= MAX_ATTEMPTS:
                updated = unchanged.update(
                    status=Submission.Status.DONE,
                    verdict=Submission.Verdict.ERROR,
                    score=0.0,
                    result=error_result(message=GRADING_FAILED_REPEATEDLY_MESSAGE),
                    finished_at=now,
                )
                if updated:
                    logger.error(
                        "submission %s gave up after %s attempts", submission.id, MAX_ATTEMPTS
                    )
            else:
                updated = unchanged.update(
                    status=Submission.Status.QUEUED,
                    attempts=submission.attempts + 1,
                    queued_at=now,
                    started_at=None,
                )
                if updated:
                    logger.warning(
                        "submission %s was stale in %s; re-sending (attempt %s)",
                        submission.id,
                        submission.status,
                        submission.attempts + 1,
                    )
                    _send_grading_on_commit(
                        submission_id=submission.id,
                        queue=submission.exercise_version.queue_name,
                    )
        handled += updated
    return handled

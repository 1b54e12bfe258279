"""The life of a submission: created, sent, claimed, graded, recorded.

The row is the source of truth. Each state change is a conditional UPDATE, so a task
delivered twice, two workers racing, or a sweeper running beside a slow worker all end
with one stored result. Recovering rows whose message or worker was lost is in
services/recovery.py.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import db
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from coursesite import logs, metrics
from exercises import hooks, live_topics, signals
from exercises.models import Exercise, ExerciseVersion, Submission
from exercises.services import grading, leases, worker_registry

logger = logging.getLogger(__name__)

# A grading whose worker died is started again, at most this many times in all.
MAX_CLAIMS = 3
# A failure of the grading machinery (not of the student's code) is retried in place.
GRADING_TRIES = 2
# How long a finished grading waits for the database to take its result.
RECORD_RETRY_SECONDS = 60
GRADING_FAILED_MESSAGE = (
    "Grading failed because of a problem on our side, not in your code. Please submit again."
)
GRADING_FAILED_REPEATEDLY_MESSAGE = (
    "Grading failed repeatedly because of a problem on our side, not in your code. "
    "Please submit again later."
)


class SubmissionRefused(Exception):
    """The submission was not accepted; the message is safe to show to the student."""

    # The HTTP status the JSON API answers with.
    status = 400


class SubmissionNotAllowed(SubmissionRefused):
    """A rule of the course refuses it now (an assignment closed, say)."""

    status = 403


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
    hooks.check_submission(user=user, exercise=exercise, mode=mode)

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
        # This request's log lines, and the task's (through its headers), name it.
        logs.annotate(submission_id=submission.pk)
        _send_grading_on_commit(submission_id=submission.pk, queue=version.queue_name)
        # The class dashboard's cell for it now says "being graded".
        live_topics.submission_changed(
            submission_id=submission.pk, user_id=user.pk, left_queue=False
        )
    return submission


def _send_grading_on_commit(*, submission_id: int, queue: str) -> None:
    # robust: if the broker is down the request still succeeds; the row stays queued
    # and the sweeper sends it again once the broker is back (services/recovery.py).
    transaction.on_commit(
        lambda: submission_send(submission_id=submission_id, queue=queue), robust=True
    )


def submission_send(*, submission_id: int, queue: str) -> None:
    """Send the grading task for a submission (its row must be committed)."""
    # Imported here because the tasks module imports this one.
    from exercises.tasks import grade_submission

    grade_submission.apply_async(args=[submission_id], queue=queue)


@dataclass(frozen=True)
class Claim:
    """A grading in progress: who holds the row, and which of its gradings this is."""

    submission_id: int
    owner: str
    number: int


def submission_claim(
    *,
    submission_id: int,
    lease: timedelta,
    task: str = "",
    live_nodes: leases.NodesReader = worker_registry.live_nodes_or_none,
) -> Claim | None:
    """Take a submission for grading; None when it is done or someone else holds it.

    A queued row is taken at once. A running row is taken over only when its holder
    is known to be gone (a killed pool process, a vanished worker) or its lease ran
    out and the holder is not known to be alive. Each step is a conditional UPDATE, so
    of two racing claims exactly one wins. `live_nodes` is asked only for a running
    row whose holder is on another host.
    """
    me = leases.current_identity(task)
    owner = str(me)
    now = timezone.now()
    rows = Submission.objects.filter(id=submission_id)
    taken = {"status": Submission.Status.RUNNING, "lease_owner": owner, "started_at": now}
    taken["lease_expires_at"] = now + lease
    if rows.filter(status=Submission.Status.QUEUED).update(**taken, claims=F("claims") + 1):
        live_topics.submission_changed(submission_id=submission_id, user_id=None, left_queue=True)
        return Claim(submission_id, owner, rows.values_list("claims", flat=True).get())

    held = rows.filter(status=Submission.Status.RUNNING).values(
        "lease_owner", "lease_expires_at", "claims"
    )
    held = held.first()
    if held is None:
        return None
    reason = leases.takeover_reason(
        owner=held["lease_owner"],
        expires_at=held["lease_expires_at"],
        now=now,
        live_nodes=live_nodes,
        me=me,
    )
    if reason is None:
        return None
    took = rows.filter(
        status=Submission.Status.RUNNING,
        lease_owner=held["lease_owner"],
        claims=held["claims"],
    ).update(**taken, claims=held["claims"] + 1)
    if not took:
        return None
    logger.warning("submission %s taken over: %s", submission_id, reason)
    return Claim(submission_id, owner, held["claims"] + 1)


def submission_grade(*, submission_id: int, task: str = "") -> None:
    """Claim a submission, grade it, and store the result.

    Returns quietly when the row is gone, done, or held by a live grading (a duplicate
    delivery). A student's mistake, crash or timeout is a verdict from the grader. A
    failure of the grading machinery is retried in place a few times, then stored as
    an `error` verdict; the student's code is graded again only when no result could
    be recorded. A database error propagates, so the task is retried later; `task`
    (the delivery's id, kept across retries) lets the retry recognise its own claim.
    """
    submission = (
        Submission.objects.select_related("exercise_version")
        .only("id", "code", "mode", "status", "claims", "exercise_version")
        .filter(id=submission_id)
        .first()
    )
    if submission is None:
        logger.warning("submission %s does not exist; nothing to grade", submission_id)
        return
    if submission.status == Submission.Status.DONE:
        return
    version = submission.exercise_version
    lease = leases.lease_length(wall_seconds=grading.wall_seconds(version=version))
    claim = submission_claim(submission_id=submission_id, lease=lease, task=task)
    if claim is None:
        return
    if claim.number > MAX_CLAIMS:
        # Every grading of this row so far died with its worker: stop feeding it workers.
        logger.error("submission %s: %s gradings were lost; giving up", submission_id, MAX_CLAIMS)
        _record_with_retries(
            claim, error_result(message=GRADING_FAILED_REPEATEDLY_MESSAGE), started=None
        )
        return

    started = time.monotonic()
    result = None
    for attempt in range(1, GRADING_TRIES + 1):
        try:
            result = grading.grade_code(
                version=version,
                code=submission.code,
                visible_only=submission.mode == Submission.Mode.RUN,
            )
            break
        except Exception:
            logger.exception(
                "grading submission %s failed (try %s of %s)", submission_id, attempt, GRADING_TRIES
            )
    if result is None:
        result = error_result(message=GRADING_FAILED_MESSAGE)
    _record_with_retries(claim, result, started=started)


def _record_with_retries(claim: Claim, result: dict[str, Any], *, started: float | None) -> None:
    """Store the result, waiting out a database that is briefly unreachable.

    The grading is done; repeating it because the database restarted would grade the
    same code twice, so only the write is retried (the connection is dropped between
    tries so a fresh one is opened). Gives up with the database error after about a
    minute, and the task's own retry takes over.
    """
    delay = 0.2
    deadline = time.monotonic() + RECORD_RETRY_SECONDS
    while True:
        try:
            stored = submission_record_result(
                submission_id=claim.submission_id, result=result, claim=claim, follow_up=False
            )
            break
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            logger.warning("submission %s: database unavailable; retrying", claim.submission_id)
            _drop_connection()
            time.sleep(delay)
            delay = min(delay * 2, 3.0)
    elapsed = "" if started is None else f" in {1000 * (time.monotonic() - started):.0f} ms"
    logger.info(
        "submission %s graded%s: %s (claim %s, %s)",
        claim.submission_id,
        elapsed,
        result.get("verdict"),
        claim.number,
        "stored" if stored else "not stored: the row was taken over",
    )
    # After the line above: what follows a stored verdict waits on the database and
    # Redis, and never counts as its storing.
    if stored:
        _verdict_stored(submission_id=claim.submission_id)


def _drop_connection() -> None:
    """Forget a broken database connection so that the next query opens a new one."""
    db.connection.close()


def submission_record_result(
    *,
    submission_id: int,
    result: dict[str, Any],
    claim: Claim | None = None,
    follow_up: bool = True,
) -> bool:
    """Store a result on a running submission and mark it done.

    With a claim, only that claim's holder may store (a grading whose row was taken
    over changes nothing). Only the first call for a running row writes; later calls
    return False. A stored verdict is then counted and announced, unless `follow_up`
    is False (the caller does that itself, after saying the verdict is stored).
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
    rows = Submission.objects.filter(id=submission_id, status=Submission.Status.RUNNING)
    if claim is not None:
        rows = rows.filter(lease_owner=claim.owner, claims=claim.number)
    stored = rows.update(
        status=Submission.Status.DONE,
        verdict=verdict,
        score=score,
        result=result,
        named_mistake=first_named_mistake(result),
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    if stored == 1 and follow_up:
        _verdict_stored(submission_id=submission_id)
    return stored == 1


def _verdict_stored(*, submission_id: int) -> None:
    """After a verdict is stored: its metrics (by exercise, and how long its student
    waited), then the announcement to the pages that wait on it.

    The verdict is stored: nothing here may raise, or the caller would take a failure
    after the commit for a failure to store. Without the row (the database gone an
    instant later) only the submission's own page is told; the rest catch up on their
    next periodic read.
    """
    user_id = None
    try:
        row = (
            Submission.objects.filter(id=submission_id)
            .values(
                "user_id",
                "verdict",
                "created_at",
                "finished_at",
                "exercise_version__exercise__slug",
                "exercise_version__device",
            )
            .get()
        )
        user_id = row["user_id"]
        metrics.verdict_stored(
            exercise=row["exercise_version__exercise__slug"],
            verdict=row["verdict"],
            queue=ExerciseVersion(device=row["exercise_version__device"]).queue_name,
            waited_seconds=(row["finished_at"] - row["created_at"]).total_seconds(),
        )
    except Exception:  # noqa: BLE001 - the verdict is stored; a metric must not undo that
        logger.warning("submission %s: verdict not counted", submission_id, exc_info=True)
    live_topics.submission_changed(submission_id=submission_id, user_id=user_id, left_queue=False)
    if user_id is not None:
        signals.notify_grades_changed(user_ids=[user_id])


def first_named_mistake(result: dict[str, Any]) -> str:
    """The id of the result's first named mistake, or "" (kept on the row for dashboards)."""
    diagnoses = result.get("diagnoses")
    if isinstance(diagnoses, list) and diagnoses and isinstance(diagnoses[0], dict):
        return str(diagnoses[0].get("mistake") or "")[:100]
    return ""

"""Reads used by the exercise pages and the submission API."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from exercises.models import Exercise, Lesson, Submission


def exercises_published() -> QuerySet[Exercise]:
    """Exercises that have a current version, with it (and their lesson) loaded."""
    return (
        Exercise.objects.filter(current_version__isnull=False)
        .select_related("current_version", "lesson__track")
        # The bundle's files are the grader's business and the largest column by far.
        .defer("current_version__files")
        .order_by("title", "slug")
    )


def exercise_published_get(*, slug: str) -> Exercise | None:
    return exercises_published().filter(slug=slug).first()


def submissions_for_exercise(
    *, user: AbstractBaseUser, exercise: Exercise, limit: int = 10
) -> list[Submission]:
    """The user's latest submissions to any version of the exercise, newest first."""
    return list(
        Submission.objects.filter(user=user, exercise_version__exercise=exercise)
        .select_related("exercise_version")
        .defer("code", "result")
        .order_by("-created_at", "-id")[:limit]
    )


def submissions_for_exercise_all(
    *, user: AbstractBaseUser, exercise: Exercise
) -> QuerySet[Submission]:
    """Every submission of the user to any version of the exercise, newest first."""
    return (
        Submission.objects.filter(user=user, exercise=exercise)
        .select_related("exercise_version")
        .defer("code", "result")
        .order_by("-created_at", "-id")
    )


def submission_latest(*, user: AbstractBaseUser, exercise: Exercise) -> Submission | None:
    """The user's newest submission to the exercise (code and time only), if any."""
    return (
        Submission.objects.filter(user=user, exercise=exercise)
        .order_by("-created_at", "-id")
        .only("id", "code", "created_at")
        .first()
    )


def submission_previous_id(*, submission: Submission) -> int | None:
    """The id of the same user's submission to the same exercise just before this one."""
    return (
        Submission.objects.filter(user_id=submission.user_id, exercise_id=submission.exercise_id)
        .filter(
            Q(created_at__lt=submission.created_at)
            | Q(created_at=submission.created_at, id__lt=submission.id)
        )
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )


def exercise_solved(*, user: AbstractBaseUser, exercise: Exercise) -> bool:
    """True once a graded submission (not a run of visible cases) has passed."""
    return Submission.objects.filter(
        user=user,
        exercise=exercise,
        mode=Submission.Mode.SUBMIT,
        verdict=Submission.Verdict.PASSED,
    ).exists()


def exercise_place(*, exercise: Exercise) -> dict[str, Any] | None:
    """Where an exercise sits: its lesson, the lesson's step in the track, and the
    exercise's number among the lesson's exercises. None for an exercise outside lessons.

    Expects `exercise.lesson.track` loaded (exercises_published does it).
    """
    lesson = exercise.lesson
    if lesson is None or not lesson.active:
        return None
    lesson_ids = list(
        Lesson.objects.filter(track_id=lesson.track_id, active=True)
        .order_by("position")
        .values_list("id", flat=True)
    )
    siblings = list(
        Exercise.objects.filter(lesson=lesson, current_version__isnull=False)
        .order_by("position", "slug")
        .values_list("slug", flat=True)
    )
    index = siblings.index(exercise.slug) if exercise.slug in siblings else 0
    return {
        "lesson": lesson,
        "track": lesson.track,
        "step": lesson_ids.index(lesson.pk) + 1 if lesson.pk in lesson_ids else 1,
        "total": len(lesson_ids),
        "exercise_number": index + 1,
        "exercise_count": len(siblings),
        "next_exercise": siblings[index + 1] if index + 1 < len(siblings) else None,
    }


def submission_latest_code(*, user: AbstractBaseUser, exercise: Exercise) -> str | None:
    """The code of the user's newest submission to the exercise, if any."""
    return (
        Submission.objects.filter(user=user, exercise_version__exercise=exercise)
        .order_by("-created_at", "-id")
        .values_list("code", flat=True)
        .first()
    )


def submission_for_user(*, user: AbstractBaseUser, submission_id: int) -> Submission | None:
    """The submission if it belongs to `user`; None for anyone else's (shown as 404)."""
    return (
        Submission.objects.select_related("exercise_version__exercise")
        # Read on every poll of a result: the bundle's files are never shown from here.
        .defer("exercise_version__files")
        .filter(id=submission_id, user=user)
        .first()
    )


def submission_queue_position(*, submission: Submission) -> int | None:
    """1 for the next queued submission to be graded; None once it has left the queue."""
    if submission.status != Submission.Status.QUEUED:
        return None
    ahead = Submission.objects.filter(status=Submission.Status.QUEUED).filter(
        Q(created_at__lt=submission.created_at)
        | Q(created_at=submission.created_at, id__lt=submission.id)
    )
    return ahead.count() + 1


# How far back the grading rate is measured, and how long one measurement is reused.
RATE_WINDOW_SECONDS = 15
RATE_CACHE_SECONDS = 2
# The page asks again after this long when nothing better is known (exercise.js too).
DEFAULT_POLL_MS = 400
RUNNING_POLL_MS = 150
MAX_POLL_MS = 3000


_rate_seen: tuple[float, float] = (-RATE_CACHE_SECONDS, 0.0)  # (when, rate) in this process


def grading_rate_per_second() -> float:
    """Submissions graded per second across all workers, over the last few seconds.

    Measured once per RATE_CACHE_SECONDS for all processes (the shared cache), and kept
    that long in this one too: every queued page's position update asks for it.
    """
    global _rate_seen
    seen_at, rate = _rate_seen
    if time.monotonic() - seen_at < RATE_CACHE_SECONDS:
        return rate
    rate = cache.get("grading-rate")
    if rate is None:
        since = timezone.now() - timedelta(seconds=RATE_WINDOW_SECONDS)
        rate = Submission.objects.filter(finished_at__gte=since).count() / RATE_WINDOW_SECONDS
        cache.set("grading-rate", rate, RATE_CACHE_SECONDS)
    _rate_seen = (time.monotonic(), rate)
    return rate


def queue_wait_seconds(*, queue_position: int | None) -> float | None:
    """About how long until a submission at `queue_position` is graded, at the grading
    rate measured over the last few seconds; None when out of the queue or unmeasured."""
    if not queue_position:
        return None
    rate = grading_rate_per_second()
    return queue_position / rate if rate > 0 else None


def queued_ids_in_order() -> list[int]:
    """Every queued submission, next to be graded first (the order of queue positions)."""
    return list(
        Submission.objects.filter(status=Submission.Status.QUEUED)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )


def submission_poll_after_ms(*, submission: Submission, queue_position: int | None) -> int:
    """How long a page following this submission should wait before asking again.

    A queued submission far back in a long queue is asked about less often (about when
    its turn is expected, from the measured grading rate); a running one soon. At a
    deadline this keeps the web server's work per verdict small without making anyone
    wait longer than one short interval past their verdict.
    """
    if submission.status == Submission.Status.RUNNING:
        return RUNNING_POLL_MS
    if submission.status != Submission.Status.QUEUED or not queue_position:
        return DEFAULT_POLL_MS
    rate = grading_rate_per_second()
    if rate <= 0:
        return DEFAULT_POLL_MS
    expected_ms = 1000 * queue_position / rate
    return int(min(MAX_POLL_MS, max(RUNNING_POLL_MS, 0.7 * expected_ms)))

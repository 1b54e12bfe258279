"""Reads used by the exercise pages and the submission API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from exercises.models import Exercise, Lesson, Submission


def exercises_published() -> QuerySet[Exercise]:
    """Exercises that have a current version, with it (and their lesson) loaded."""
    return (
        Exercise.objects.filter(current_version__isnull=False)
        .select_related("current_version", "lesson__track")
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

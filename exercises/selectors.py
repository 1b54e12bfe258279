"""Reads used by the exercise pages and the submission API."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from exercises.models import Exercise, Submission


def exercises_published() -> QuerySet[Exercise]:
    """Exercises that have a current version, with it loaded."""
    return (
        Exercise.objects.filter(current_version__isnull=False)
        .select_related("current_version")
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

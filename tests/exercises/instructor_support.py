"""Personas, cohorts and class data for the instructor tests (imported by them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from exercises.models import (
    Cohort,
    Exercise,
    ExerciseVersion,
    Lesson,
    LessonProgress,
    Membership,
    QuizAttempt,
    QuizItem,
    Submission,
    Track,
)
from exercises.services.cohorts import INSTRUCTORS_GROUP

# The fixtures; test modules take them with `from instructor_support import *`.
__all__ = ["cohort", "ines", "ines_client", "otto", "otto_client"]


def make_instructor(django_user_model, username: str):
    user = django_user_model.objects.create_user(username, password=f"{username}-pass-123")
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    user.groups.add(group)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_cohort(
    instructor, *, name: str = "Class A", slug: str = "class-a", students=(), track=None
):
    cohort = Cohort.objects.create(name=name, slug=slug, track=track)
    cohort.instructors.add(instructor)
    for student in students:
        Membership.objects.create(cohort=cohort, user=student)
    # Instructors see only work made after joining; these students joined long before
    # any work the tests make for them (some of it dated in the past).
    cohort.memberships.update(joined_at=timezone.now() - timedelta(days=365))
    return cohort


def make_result(verdict: str, score: float, mistakes=()) -> dict[str, Any]:
    return {
        "verdict": verdict,
        "score": score,
        "message": f"{verdict} with {score}",
        "grader_version": "test",
        "cases": [{"name": "valley", "hidden": False, "passed": verdict == "passed"}],
        "diagnoses": [
            {"mistake": m, "title": f"Title of {m}", "hint": f"Hint for {m}"} for m in mistakes
        ],
        "hints": [],
        "stdout": "",
        "stderr": "",
        "resources": {},
    }


def make_submission(
    user,
    exercise: Exercise,
    *,
    verdict: str = "failed",
    score: float | None = None,
    mistakes=(),
    mode: str = "submit",
    when: datetime | None = None,
    status: str = "done",
    code: str = "def step(w, grad, lr):\n    return w\n",
    version: ExerciseVersion | None = None,
) -> Submission:
    if score is None:
        score = 1.0 if verdict == "passed" else 0.0
    done = status == "done"
    submission = Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=version or exercise.current_version,
        code=code,
        mode=mode,
        status=status,
        verdict=verdict if done else "",
        score=score if done else None,
        result=make_result(verdict, score, mistakes) if done else None,
        # As submission_record_result stores it.
        named_mistake=mistakes[0] if done and mistakes else "",
    )
    if when is not None:
        Submission.objects.filter(pk=submission.pk).update(created_at=when)
        submission.created_at = when
    return submission


def make_track(slug: str = "optimization") -> Track:
    return Track.objects.create(slug=slug, title=slug.title())


def make_lesson(track: Track, slug: str, position: int, items=()) -> Lesson:
    """`items`: (key, options, answer index) per quiz item."""
    lesson = Lesson.objects.create(
        track=track, slug=slug, position=position, title=f"Lesson {slug}", body="Text."
    )
    for index, (key, options, answer) in enumerate(items):
        QuizItem.objects.create(
            lesson=lesson,
            key=key,
            position=index,
            question=f"Question {key}?",
            options=list(options),
            answer=answer,
            explanation=".",
        )
    return lesson


def make_attempt(user, lesson: Lesson, answers: dict[str, int | None], when=None) -> QuizAttempt:
    items = {item.key: item for item in lesson.quiz_items.all()}
    right = sum(answers.get(key) == item.answer for key, item in items.items())
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        order={key: list(range(len(item.options))) for key, item in items.items()},
        answers=answers,
        score=right / len(items),
        passed=right / len(items) > 0.75,
        submitted_at=when or timezone.now(),
    )
    progress, _ = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    if attempt.passed:
        LessonProgress.objects.filter(pk=progress.pk).update(
            state=LessonProgress.State.COMPLETE, completed_at=timezone.now()
        )
    return attempt


def minutes_ago(n: float) -> datetime:
    return timezone.now() - timedelta(minutes=n)


@pytest.fixture
def ines(django_user_model):
    """An instructor."""
    return make_instructor(django_user_model, "ines")


@pytest.fixture
def otto(django_user_model):
    """Another instructor, who teaches other cohorts."""
    return make_instructor(django_user_model, "otto")


@pytest.fixture
def ines_client(ines) -> Client:
    return client_for(ines)


@pytest.fixture
def otto_client(otto) -> Client:
    return client_for(otto)


@pytest.fixture
def cohort(ines, alice, bob):
    return make_cohort(ines, students=[alice, bob])

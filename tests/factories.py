"""Database rows the tests of several packages build the same way."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

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

STARTER = "def step(params, grads, state, lr):\n    raise NotImplementedError\n"


def published_exercise(
    slug: str = "adamw",
    *,
    device: str = "cpu",
    prompt: str = "Implement AdamW.",
    starter: str = STARTER,
    lesson: Lesson | None = None,
) -> Exercise:
    """An exercise with one published numpy version (no bundle on disk behind it)."""
    exercise = Exercise.objects.create(slug=slug, title=slug.title(), lesson=lesson)
    exercise.current_version = ExerciseVersion.objects.create(
        exercise=exercise,
        number=1,
        # From the content, as a bundle's is: pages cache what they render by this hash.
        content_hash=hashlib.sha256(f"{slug}\0{prompt}\0{starter}".encode()).hexdigest(),
        files={"exercise.toml": f'id = "{slug}"\n', "prompt.md": prompt, "starter.py": starter},
        title=f"{slug.title()} optimizer",
        prompt=prompt,
        starter=starter,
        runtime="numpy",
        device=device,
        points=10,
    )
    exercise.save()
    return exercise


def passing_result(**overrides: Any) -> dict[str, Any]:
    result = {
        "verdict": "passed",
        "score": 1.0,
        "message": "All cases passed.",
        "grader_version": "test",
        "cases": [
            {
                "name": "quadratic",
                "hidden": False,
                "passed": True,
                "steps_compared": 10,
                "error": None,
                "divergence": None,
            }
        ],
        "diagnoses": [],
        "stdout": "",
        "stderr": "",
        "resources": {"wall_ms": 12.5},
    }
    result.update(overrides)
    return result


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

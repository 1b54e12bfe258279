"""Results, submissions and a bundle-backed exercise for the unexplained-failure tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

import grader
from exercises.models import Exercise, Submission
from exercises.services.authoring import NEW_EXERCISE_FILES
from exercises.services.bank import exercise_version_publish

__all__ = ["sgd_wd"]

WRONG = '''"""My decay."""

import numpy as np

HINT = "left over from a copied mistake"


def sgd_wd_step(w, grad, lr, weight_decay):
    return w - 2 * lr * (grad + weight_decay * w)
'''


def item(case="valley", step=1, quantity="w", error=0.5, hidden=False):
    return {
        "case": case,
        "hidden": hidden,
        "step": step,
        "quantity": quantity,
        "relative_error": error,
    }


def new_result(signature, items=(), mistakes=()):
    """A failed result as the grader writes it now."""
    return {
        "verdict": "failed",
        "score": 0.0,
        "message": "failed",
        "cases": [{"name": i["case"], "hidden": i["hidden"], "passed": False} for i in items],
        "diagnoses": [
            {"mistake": m, "kind": "mistake", "title": m, "hint": m, "explains": []}
            for m in mistakes
        ],
        "unexplained": list(items),
        "signature": signature,
    }


def old_case(name="valley", step=1, quantity="w", expected=2.0, error=0.5, hidden=False):
    divergence = {"step": step}
    if not hidden:
        divergence.update(quantity=quantity, index=0, expected=expected, got=0.0, error=error)
    return {
        "name": name,
        "hidden": hidden,
        "passed": False,
        "steps_compared": step,
        "divergence": divergence,
        "error": None,
    }


def old_result(*cases, mistakes=()):
    """A failed result stored before `unexplained` and `signature` existed."""
    return {
        "verdict": "failed",
        "score": 0.0,
        "message": "failed",
        "cases": [*cases, {"name": "other", "hidden": False, "passed": True}],
        "diagnoses": [{"mistake": m, "title": m, "hint": m} for m in mistakes],
    }


def submit(user, exercise, result, *, minutes_ago=10, code=WRONG, version=None, **fields):
    fields.setdefault("verdict", result.get("verdict", "failed"))
    diagnoses = result.get("diagnoses") or []
    submission = Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=version or exercise.current_version,
        code=code,
        status="done",
        score=0.0,
        result=result,
        named_mistake=diagnoses[0]["mistake"] if diagnoses else "",
        **fields,
    )
    when = timezone.now() - timedelta(minutes=minutes_ago)
    Submission.objects.filter(pk=submission.pk).update(created_at=when)
    return submission


@pytest.fixture
def sgd_wd(db) -> Exercise:
    """A published exercise whose files are a real bundle (the authoring starting point)."""
    files = dict(NEW_EXERCISE_FILES)
    files["exercise.toml"] = files["exercise.toml"].replace('"my-exercise"', '"sgd-wd"')
    exercise = Exercise.objects.create(slug="sgd-wd", title="SGD with decay")
    with transaction.atomic():
        exercise_version_publish(exercise=exercise, bundle=grader.Bundle.from_files(files))
    exercise.refresh_from_db()
    return exercise

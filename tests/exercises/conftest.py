"""Personas and an exercise for the exercise-app tests.

The outside world is patched at two seams only: the grader (`grading.grade_code`) and
the Celery send (`grade_submission.apply_async`).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from exercises.models import Exercise, ExerciseVersion
from exercises.tasks import grade_submission

STARTER = "def step(params, grads, state, lr):\n    raise NotImplementedError\n"


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


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-pass-123")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-pass-123")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def make_exercise(db):
    def make(
        slug: str = "adamw",
        *,
        device: str = "cpu",
        prompt: str = "Implement AdamW.",
        starter: str = STARTER,
    ) -> Exercise:
        exercise = Exercise.objects.create(slug=slug, title=slug.title())
        version = ExerciseVersion.objects.create(
            exercise=exercise,
            number=1,
            content_hash=f"hash-{slug}",
            files={"exercise.toml": f'id = "{slug}"\n', "prompt.md": prompt, "starter.py": starter},
            title=f"{slug.title()} optimizer",
            prompt=prompt,
            starter=starter,
            runtime="numpy",
            device=device,
            points=10,
        )
        exercise.current_version = version
        exercise.save()
        return exercise

    return make


@pytest.fixture
def exercise(make_exercise) -> Exercise:
    return make_exercise()


@pytest.fixture(autouse=True)
def sent_tasks(monkeypatch) -> list[dict[str, Any]]:
    """Record grading tasks instead of talking to a broker."""
    sent: list[dict[str, Any]] = []

    def fake_apply_async(args=None, kwargs=None, **options):
        sent.append({"args": list(args or []), "kwargs": kwargs or {}, **options})

    monkeypatch.setattr(grade_submission, "apply_async", fake_apply_async)
    return sent


@pytest.fixture
def fake_grader(monkeypatch):
    """Replace the grading seam; `fake_grader.result` is what it returns."""

    class FakeGrader:
        def __init__(self) -> None:
            self.result: dict[str, Any] | Exception = passing_result()
            self.calls: list[dict[str, Any]] = []

        def __call__(self, *, version, code, visible_only):
            self.calls.append({"version": version, "code": code, "visible_only": visible_only})
            if isinstance(self.result, Exception):
                raise self.result
            return self.result

    fake = FakeGrader()
    monkeypatch.setattr("exercises.services.grading.grade_code", fake)
    return fake

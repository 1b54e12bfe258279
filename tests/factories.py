"""Database rows the tests of several packages build the same way."""

from __future__ import annotations

from typing import Any

from exercises.models import Exercise, ExerciseVersion, Lesson

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
        content_hash=f"hash-{slug}",
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

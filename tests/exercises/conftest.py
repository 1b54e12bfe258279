"""Personas and an exercise for the exercise-app tests.

The outside world is patched at two seams only: the grader (`grading.grade_code`) and
the Celery send (`grade_submission.apply_async`).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from factories import passing_result, published_exercise

from exercises.models import Exercise
from exercises.tasks import grade_submission


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
    return published_exercise


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

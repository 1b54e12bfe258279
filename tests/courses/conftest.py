"""A class with an assignment: ines teaches class A, where alice and bob study."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import (
    client_for,
    make_cohort,
    make_instructor,
    make_lesson,
    make_track,
    published_exercise,
)

from courses.models import Assignment, AssignmentItem
from exercises.tasks import grade_submission


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(grade_submission, "apply_async", lambda *args, **kwargs: None)


@pytest.fixture
def ines(django_user_model):
    return make_instructor(django_user_model, "ines")


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(
        "alice", password="alice-pass-123", email="a@x.org"
    )


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-pass-123")


@pytest.fixture
def cohort(ines, alice, bob):
    return make_cohort(ines, students=[alice, bob])


@pytest.fixture
def adam(db):
    return published_exercise("adam")


@pytest.fixture
def sgd(db):
    return published_exercise("sgd")


@pytest.fixture
def quiz_lesson(db):
    return make_lesson(
        make_track(), "momentum", 1, items=[("q1", ["a", "b"], 0), ("q2", ["a", "b"], 1)]
    )


@pytest.fixture
def due():
    return (timezone.now() + timedelta(days=2)).replace(microsecond=0)


@pytest.fixture
def week1(cohort, adam, sgd, quiz_lesson, due, ines):
    """Due in two days, 10% a day late up to 50%, no hard close; adam (best attempt,
    10 points), sgd (last attempt, 20 points) and the momentum quiz (5 points)."""
    assignment = Assignment.objects.create(
        cohort=cohort,
        title="Week 1",
        opens_at=due - timedelta(days=7),
        due_at=due,
        late_policy=Assignment.LatePolicy.PENALTY,
        penalty_percent_per_day=10,
        penalty_cap_percent=50,
        created_by=ines,
    )
    AssignmentItem.objects.create(assignment=assignment, position=0, exercise=adam, points=10)
    AssignmentItem.objects.create(
        assignment=assignment, position=1, exercise=sgd, points=20, counts="last"
    )
    AssignmentItem.objects.create(assignment=assignment, position=2, lesson=quiz_lesson, points=5)
    return assignment


@pytest.fixture
def ines_client(ines):
    return client_for(ines)


@pytest.fixture
def alice_client(alice):
    return client_for(alice)

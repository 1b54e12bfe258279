"""Personas, cohorts and class data for the instructor tests (imported by them)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from factories import (  # noqa: F401 - re-exported to the instructor tests
    client_for,
    make_attempt,
    make_cohort,
    make_instructor,
    make_lesson,
    make_result,
    make_submission,
    make_track,
)

# The fixtures; test modules take them with `from instructor_support import *`.
__all__ = ["cohort", "ines", "ines_client", "otto", "otto_client"]


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

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from instructor_support import *  # noqa: F403 (the fixtures)
from instructor_support import client_for, make_cohort, make_instructor

from exercises.models import Cohort, Submission
from exercises.services.cohorts import instructors_group_ensure

pytestmark = pytest.mark.django_db


def test_bench_dashboard_seeds_once_and_reports_times_and_queries(capsys):
    args = ["--students", "6", "--exercises", "3", "--submissions", "4", "--lessons", "2"]
    call_command("bench_dashboard", *args, "--runs", "3")
    first = capsys.readouterr().out
    assert "seeded bench-6x3x4" in first
    assert Submission.objects.count() == 6 * 3 * 4
    assert re.search(r"p50 [\d.]+ ms, p95 [\d.]+ ms", first)
    queries = int(re.search(r"queries per render: (\d+)", first).group(1))
    assert queries == 11  # as in test_dashboard_query_count_does_not_grow_with_the_cohort

    call_command("bench_dashboard", *args, "--runs", "2")
    assert "using the existing data set" in capsys.readouterr().out
    assert Submission.objects.count() == 6 * 3 * 4

    call_command("bench_dashboard", "--clear")
    assert not Cohort.objects.filter(slug__startswith="bench-").exists()
    assert not Submission.objects.exists()


ADMIN_MODELS = [
    "cohort",
    "membership",
    "exercisedraft",
    "regrade",
    "regradeitem",
    "track",
    "lesson",
    "practiceproblem",
    "quizitem",
    "quizattempt",
    "lessonprogress",
    "exercise",
    "exerciseversion",
    "submission",
]


def test_every_model_has_a_working_admin(django_user_model, exercise, alice):
    root = django_user_model.objects.create_superuser("root", password="root-pass-123")
    make_cohort(root, students=[alice])
    client = client_for(root)
    for model in ADMIN_MODELS:
        assert client.get(reverse(f"admin:exercises_{model}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:exercises_{model}_add")).status_code == 200, model


def test_staff_instructors_manage_cohorts_on_their_pages_not_in_the_admin(django_user_model, alice):
    # The admin is for superusers (see test_admin_scope.py), even for a staff instructor.
    instructors_group_ensure()
    ines = make_instructor(django_user_model, "ines")
    ines.is_staff = True
    ines.save()
    cohort = make_cohort(ines, students=[alice])
    client = client_for(ines)
    url = reverse("admin:exercises_cohort_change", args=[cohort.pk])
    assert client.get(url).status_code == 302
    assert client.get(reverse("instructor:roster", args=[cohort.slug])).status_code == 200

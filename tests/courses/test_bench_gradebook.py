"""The gradebook benchmark seeds its class once and prints its figures."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from courses.models import Assignment, Extension

pytestmark = pytest.mark.django_db


def test_bench_gradebook_adds_assignments_to_the_dashboard_class_and_times_both_pages(capsys):
    call_command("bench_gradebook", "--students", "4", "--runs", "2")
    out = capsys.readouterr().out
    assert "added 4 assignments" in out
    assert "/instructor/cohorts/bench-4x12x20/gradebook/:" in out
    assert "/instructor/cohorts/bench-4x12x20/gradebook.csv:" in out
    assert out.count("p50") == 3  # the dashboard's own run, then the two pages
    assert Assignment.objects.count() == 4
    assert Extension.objects.count() == 4  # one student of four per assignment

    call_command("bench_gradebook", "--students", "4", "--runs", "1")
    assert "added" not in capsys.readouterr().out  # the data set is reused

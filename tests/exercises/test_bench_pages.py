"""The page benchmark command runs end to end on a seeded student."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from exercises.management.commands.bench_pages import BENCH_USERNAME, percentile
from exercises.models import ExerciseVersion, Submission
from exercises.services.bank import bank_tracks_sync

pytestmark = pytest.mark.django_db

FIXTURE_TRACKS = Path(__file__).parent / "data" / "tracks"


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 50) == 50.0
    assert percentile([3.0, 1.0], 95) == 3.0


def test_bench_pages_seeds_a_student_and_times_every_page(tmp_path, make_exercise, capsys):
    for slug in ("sgd", "adam", "adamw"):
        make_exercise(slug)
    toml = (Path(settings.TRACELAB_BANK_DIR) / "adamw" / "exercise.toml").read_text()
    version = ExerciseVersion.objects.get(exercise__slug="adamw")
    version.files = {**version.files, "exercise.toml": toml}
    version.save()
    shutil.copytree(FIXTURE_TRACKS, tmp_path / "tracks")
    bank_tracks_sync(root=tmp_path / "tracks")

    call_command("bench_pages", "-n", "3")

    out = capsys.readouterr().out
    for page in (
        "home",
        "my progress",
        "track",
        "lesson",
        "quiz",
        "quiz result",
        "exercise",
        "history",
        "submission",
        "result fragment",
        "diff",
    ):
        assert f"\n{page} " in out
    assert "worst p95:" in out
    seeded = Submission.objects.filter(user__username=BENCH_USERNAME)
    assert seeded.count() == 3 * 6
    plotted = seeded.get(exercise__slug="adamw", verdict="failed", mode="run")
    assert any("plot" in case for case in plotted.result["cases"])

    call_command("bench_pages", "-n", "2")  # a second run reuses the seeded history
    assert Submission.objects.filter(user__username=BENCH_USERNAME).count() == 3 * 6

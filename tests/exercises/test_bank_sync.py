"""Publishing bundles from the bank directory.

Most tests stand in a tiny fake engine for `grader`, so they pin the versioning rules
without depending on the bundle format; one test runs the real engine on a copy of the
bank's first bundle.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tomllib
import types
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from exercises.models import Exercise, ExerciseVersion
from exercises.services.bank import BankSyncError, bank_sync

pytestmark = pytest.mark.django_db


class FakeBundleError(ValueError):
    pass


def _fake_load_bundle(path):
    root = Path(path)
    files = {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    try:
        meta = tomllib.loads(files["exercise.toml"])
    except tomllib.TOMLDecodeError as exc:
        raise FakeBundleError(f"invalid TOML: {exc}") from None
    digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()
    return types.SimpleNamespace(
        slug=meta["id"],
        title=meta["title"],
        lesson=None,
        concepts=(),
        points=meta.get("points", 10),
        runtime=meta.get("runtime", "numpy"),
        device=meta.get("device", "cpu"),
        prompt=files.get("prompt.md", ""),
        starter=files.get("starter.py", ""),
        content_hash=digest,
        files=files,
    )


@pytest.fixture
def fake_engine(monkeypatch):
    engine = types.ModuleType("grader")
    engine.load_bundle = _fake_load_bundle
    engine.BundleError = FakeBundleError
    monkeypatch.setitem(sys.modules, "grader", engine)
    return engine


def _write_bundle(
    root: Path, slug: str, *, prompt: str = "Implement it.", device: str = "cpu"
) -> Path:
    bundle = root / slug
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "exercise.toml").write_text(
        f'id = "{slug}"\ntitle = "{slug.upper()}"\nruntime = "numpy"\ndevice = "{device}"\n'
    )
    (bundle / "prompt.md").write_text(prompt)
    (bundle / "starter.py").write_text("def step():\n    pass\n")
    (bundle / "solution.py").write_text("def step():\n    return 1\n")
    return bundle


def test_first_sync_creates_version_one(tmp_path, fake_engine):
    _write_bundle(tmp_path, "sgd")

    assert bank_sync(root=tmp_path) == [("sgd", 1, True)]

    exercise = Exercise.objects.get(slug="sgd")
    assert exercise.title == "SGD"
    assert exercise.current_version.number == 1
    assert exercise.current_version.prompt == "Implement it."
    assert exercise.current_version.files["starter.py"].startswith("def step")


def test_unchanged_bundle_makes_no_new_version(tmp_path, fake_engine):
    _write_bundle(tmp_path, "sgd")
    bank_sync(root=tmp_path)

    assert bank_sync(root=tmp_path) == [("sgd", 1, False)]
    assert ExerciseVersion.objects.count() == 1


def test_changed_bundle_makes_the_next_version_current(tmp_path, fake_engine):
    _write_bundle(tmp_path, "sgd")
    bank_sync(root=tmp_path)
    _write_bundle(tmp_path, "sgd", prompt="Implement it, now with momentum.")

    assert bank_sync(root=tmp_path) == [("sgd", 2, True)]

    exercise = Exercise.objects.get(slug="sgd")
    assert exercise.current_version.number == 2
    assert exercise.current_version.prompt == "Implement it, now with momentum."
    assert exercise.versions.count() == 2


def test_reverted_bundle_points_back_at_its_old_version(tmp_path, fake_engine):
    _write_bundle(tmp_path, "sgd", prompt="A")
    bank_sync(root=tmp_path)
    _write_bundle(tmp_path, "sgd", prompt="B")
    bank_sync(root=tmp_path)
    _write_bundle(tmp_path, "sgd", prompt="A")

    assert bank_sync(root=tmp_path) == [("sgd", 1, False)]
    assert Exercise.objects.get(slug="sgd").current_version.number == 1


def test_directories_without_exercise_toml_are_skipped(tmp_path, fake_engine):
    _write_bundle(tmp_path, "sgd")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("not a bundle")
    (tmp_path / "loose-file.txt").write_text("not a bundle either")

    assert [slug for slug, _, _ in bank_sync(root=tmp_path)] == ["sgd"]


def test_broken_bundle_names_its_slug_and_writes_nothing(tmp_path, fake_engine):
    _write_bundle(tmp_path, "adam")
    broken = _write_bundle(tmp_path, "broken")
    (broken / "exercise.toml").write_text("id = [unclosed")

    with pytest.raises(BankSyncError) as excinfo:
        bank_sync(root=tmp_path)

    assert excinfo.value.slug == "broken"
    assert not Exercise.objects.exists()


def test_command_prints_one_line_per_exercise(tmp_path, fake_engine, capsys):
    _write_bundle(tmp_path, "adam")
    _write_bundle(tmp_path, "sgd", device="gpu")

    call_command("sync_bank", "--root", str(tmp_path))

    assert capsys.readouterr().out.splitlines() == [
        "adam: version 1 (created)",
        "sgd: version 1 (created)",
    ]
    assert ExerciseVersion.objects.get(exercise__slug="sgd").device == "gpu"


def test_command_turns_a_broken_bundle_into_a_command_error(tmp_path, fake_engine):
    broken = _write_bundle(tmp_path, "broken")
    (broken / "exercise.toml").write_text("id = [unclosed")

    with pytest.raises(CommandError, match="broken"):
        call_command("sync_bank", "--root", str(tmp_path))


def test_real_engine_publishes_a_copy_of_the_bank_bundle(tmp_path):
    pytest.importorskip("grader")
    source = Path(settings.TRACELAB_BANK_DIR) / "adamw"
    if not (source / "exercise.toml").is_file():
        pytest.skip("the adamw bundle is not in the bank yet")
    shutil.copytree(source, tmp_path / "adamw", ignore=shutil.ignore_patterns("__pycache__"))

    assert bank_sync(root=tmp_path) == [("adamw", 1, True)]
    assert bank_sync(root=tmp_path) == [("adamw", 1, False)]

    prompt = tmp_path / "adamw" / "prompt.md"
    prompt.write_text(prompt.read_text() + "\nOne more sentence.\n")
    assert bank_sync(root=tmp_path) == [("adamw", 2, True)]
    version = Exercise.objects.get(slug="adamw").current_version
    assert version.number == 2
    assert version.prompt.endswith("One more sentence.\n")


def test_real_engine_refuses_a_bundle_asking_for_more_than_the_maximum_limits(tmp_path):
    pytest.importorskip("grader")
    source = Path(settings.TRACELAB_BANK_DIR) / "adamw"
    shutil.copytree(source, tmp_path / "adamw", ignore=shutil.ignore_patterns("__pycache__"))
    toml = tmp_path / "adamw" / "exercise.toml"
    toml.write_text(
        toml.read_text().replace(
            "cpu_seconds = 5\nwall_seconds = 10\nmemory_mb = 512",
            "cpu_seconds = 3600\nwall_seconds = 45\nmemory_mb = 65536",
        )
    )

    with pytest.raises(BankSyncError, match="cpu_seconds = 3600 is over the maximum of 30 s"):
        bank_sync(root=tmp_path)
    assert not Exercise.objects.exists()

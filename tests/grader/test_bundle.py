import random
from pathlib import Path

import pytest

from grader import Bundle, BundleError, load_bundle
from grader._cases import materialise

BANK = Path(__file__).resolve().parents[2] / "exercises" / "bank"


def adamw_files():
    return load_bundle(BANK / "adamw").files


def test_adamw_bundle_loads_with_its_mistakes_and_hints():
    bundle = load_bundle(BANK / "adamw")
    assert bundle.slug == "adamw"
    assert bundle.grading["entrypoint"] == "adamw_step"
    ids = {m.id for m in bundle.mistakes}
    assert {"decay-after-update", "coupled-l2", "no-bias-correction"} <= ids
    assert all(m.hint for m in bundle.mistakes)
    assert bundle.visible_cases and bundle.hidden_cases


def test_content_hash_changes_with_any_file():
    files = adamw_files()
    same = Bundle.from_files(files)
    changed = Bundle.from_files({**files, "prompt.md": files["prompt.md"] + "\nMore."})
    assert same.content_hash == load_bundle(BANK / "adamw").content_hash
    assert changed.content_hash != same.content_hash


def test_missing_solution_is_a_bundle_error_naming_the_file():
    files = adamw_files()
    del files["solution.py"]
    with pytest.raises(BundleError, match="solution.py"):
        Bundle.from_files(files)


def test_mistake_without_hint_is_rejected_without_running_it():
    files = {**adamw_files(), "mistakes/silent.py": "import os\nos.system('touch /tmp/ran')\n"}
    with pytest.raises(BundleError, match="mistakes/silent.py.*HINT"):
        Bundle.from_files(files)
    assert not Path("/tmp/ran").exists()


def test_unknown_driver_and_bad_toml_are_reported():
    files = adamw_files()
    with pytest.raises(BundleError, match="unknown driver"):
        Bundle.from_files(
            {
                **files,
                "exercise.toml": files["exercise.toml"].replace(
                    'driver = "optimizer_step"', 'driver = "nope"'
                ),
            }
        )
    with pytest.raises(BundleError, match="invalid TOML"):
        Bundle.from_files({**files, "exercise.toml": "id = "})


def test_visible_cases_are_fixed_and_hidden_cases_are_drawn_afresh():
    bundle = load_bundle(BANK / "adamw")
    visible = bundle.visible_cases[0]
    assert materialise(visible, random.Random(1)) == materialise(visible, random.Random(2))
    hidden = bundle.hidden_cases[0]
    first, second = materialise(hidden, random.Random(1)), materialise(hidden, random.Random(2))
    assert first["hyper"]["lr"] != second["hyper"]["lr"]
    assert first["surface"]["seed"] != second["surface"]["seed"]
    low, high = hidden["draw"]["lr"]
    assert low <= first["hyper"]["lr"] <= high
    assert first["hidden"] is True and "draw" not in first

import random
from pathlib import Path

import pytest

from grader import Bundle, BundleError, load_bundle
from grader._bundle import (
    LIMIT_MAXIMUMS,
    MAX_BUNDLE_FILE_BYTES,
    MAX_BUNDLE_FILES,
    MAX_CASES,
    MAX_FIGURES,
)
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


# -- what an author may ask for ------------------------------------------------------------
def _with_toml(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    assert old in files["exercise.toml"]
    return {**files, "exercise.toml": files["exercise.toml"].replace(old, new, 1)}


def _with_limits(**limits) -> dict[str, str]:
    lines = "".join(f"{key} = {value}\n" for key, value in limits.items())
    return _with_toml(
        adamw_files(),
        "[limits]\ncpu_seconds = 5\nwall_seconds = 10\nmemory_mb = 512\n",
        "[limits]\n" + lines,
    )


def test_the_review_bundle_with_an_hour_of_cpu_and_64_gib_is_refused():
    files = _with_limits(cpu_seconds=3600, wall_seconds=45, memory_mb=64 << 10)
    with pytest.raises(BundleError, match=r"cpu_seconds = 3600 is over the maximum of 30"):
        Bundle.from_files(files)


@pytest.mark.parametrize("name", sorted(LIMIT_MAXIMUMS))
def test_each_limit_over_its_maximum_is_refused_with_the_maximum(name):
    maximum = LIMIT_MAXIMUMS[name]
    over = maximum + 1
    with pytest.raises(BundleError, match=rf"\[limits\] {name} = .* over the maximum of"):
        Bundle.from_files(_with_limits(**{name: over}))
    assert getattr(Bundle.from_files(_with_limits(**{name: maximum})).limits, name) == maximum


@pytest.mark.parametrize(
    "value",
    ["0", "-1", '"fast"', "true", "inf", "nan", "[1]", "1e400"],
)
def test_a_limit_must_be_a_positive_number(value):
    with pytest.raises(BundleError, match=r"\[limits\] cpu_seconds must be"):
        Bundle.from_files(_with_limits(cpu_seconds=value))


def test_whole_number_limits_refuse_fractions():
    with pytest.raises(BundleError, match=r"memory_mb must be a whole number"):
        Bundle.from_files(_with_limits(memory_mb=512.5))


def test_the_limits_table_must_be_a_table():
    files = _with_toml(
        adamw_files(), "[limits]\ncpu_seconds = 5\nwall_seconds = 10\nmemory_mb = 512\n", ""
    )
    files["exercise.toml"] = 'limits = "unbounded"\n' + files["exercise.toml"]
    with pytest.raises(BundleError, match="limits"):
        Bundle.from_files(files)


def test_every_bank_bundle_is_within_the_maximums():
    for path in sorted(BANK.iterdir()):
        if (path / "exercise.toml").is_file():
            limits = load_bundle(path).limits
            for name, maximum in LIMIT_MAXIMUMS.items():
                assert 0 < getattr(limits, name) <= maximum, (path.name, name)


def test_too_many_cases_are_refused():
    files = adamw_files()
    visible = '\n[[cases]]\nname = "extra {n}"\nsurface = { kind = "valley" }\nw0 = [1.0, 1.0]\n'
    visible += "steps = 2\nhyper = { lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, "
    visible += "weight_decay = 0.1 }\n"
    extra = "".join(visible.replace("{n}", str(n)) for n in range(MAX_CASES))
    with pytest.raises(BundleError, match=rf"at most {MAX_CASES} cases"):
        Bundle.from_files({**files, "exercise.toml": files["exercise.toml"] + extra})


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("w0 = [1.0, 1.0]", "w0 = [" + "1.0, " * 20_000 + "1.0]", "w0"),
        (
            'surface = { kind = "valley", curvatures = [100.0, 1.0] }',
            'surface = { kind = "quadratic", dim = 1000000000 }',
            "dim",
        ),
        (
            'surface = { kind = "valley", curvatures = [100.0, 1.0] }',
            'surface = { kind = "valley", curvatures = [' + "1.0, " * 20_000 + "1.0] }",
            "curvatures",
        ),
    ],
    ids=["w0", "quadratic-dim", "curvatures"],
)
def test_surfaces_and_starting_points_are_bounded(old, new, message):
    with pytest.raises(BundleError, match=message):
        Bundle.from_files(_with_toml(adamw_files(), old, new))


def test_a_quadratic_surface_needs_a_whole_dimension():
    old = 'surface = { kind = "valley", curvatures = [100.0, 1.0] }'
    for dim in ("0", '"4"', "2.5", "-3"):
        new = f'surface = {{ kind = "quadratic", dim = {dim} }}'
        with pytest.raises(BundleError, match="dim"):
            Bundle.from_files(_with_toml(adamw_files(), old, new))


def test_random_arrays_are_bounded():
    files = load_bundle(BANK / "clip-global-norm").files
    old = "shapes = [[3, 5], [5], [2, 2, 2], [1]]"
    huge = _with_toml(files, old, "shapes = [[100000, 100000]]")
    with pytest.raises(BundleError, match="random.grads .* elements"):
        Bundle.from_files(huge)
    Bundle.from_files(_with_toml(files, old, "shapes = [[100, 100]]"))


def test_torch_models_and_data_are_bounded():
    files = load_bundle(BANK / "torch-train-step").files
    toml = files["exercise.toml"]
    sizes = next(line for line in toml.splitlines() if line.startswith("model = "))
    with pytest.raises(BundleError, match="model"):
        Bundle.from_files(
            _with_toml(files, sizes, 'model = { kind = "mlp", sizes = [100000, 100000, 1] }')
        )
    with pytest.raises(BundleError, match="model"):
        Bundle.from_files(
            _with_toml(files, sizes, 'model = { kind = "mlp", sizes = [' + "4, " * 200 + "1] }")
        )
    batch = next(line for line in toml.splitlines() if line.startswith("batch_size = "))
    with pytest.raises(BundleError, match="batch_size"):
        Bundle.from_files(_with_toml(files, batch, "batch_size = 10000000"))


def test_too_many_figures_are_refused():
    files = adamw_files()
    figure = next(
        block for block in files["exercise.toml"].split("\n\n") if block.startswith("[[figures]]")
    )
    extra = "".join(
        "\n\n" + figure.replace('name = "', f'name = "copy {n} of ', 1) for n in range(MAX_FIGURES)
    )
    with pytest.raises(BundleError, match=rf"at most {MAX_FIGURES} figures"):
        Bundle.from_files({**files, "exercise.toml": files["exercise.toml"] + extra})


def test_too_many_or_too_large_files_are_refused_also_from_memory():
    files = adamw_files()
    many = {f"mistakes/m{n}.py": '"""M."""\nHINT = "h"\n' for n in range(MAX_BUNDLE_FILES)}
    with pytest.raises(BundleError, match=rf"at most {MAX_BUNDLE_FILES} files"):
        Bundle.from_files({**files, **many})
    with pytest.raises(BundleError, match="too large"):
        Bundle.from_files({**files, "prompt.md": "x" * (MAX_BUNDLE_FILE_BYTES + 1)})

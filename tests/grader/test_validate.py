"""Validating bundles: the bank's pass, and broken copies fail with a message naming the fault."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import Bundle, ValidationReport, validate_bundle

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

PARTIAL_COUPLED_L2 = '''"""Couples the decay into the gradient, but only at lr = 0.05."""

import numpy as np

HINT = "Only sometimes coupled."


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    coupled = lr == 0.05
    if coupled:
        grad = grad + weight_decay * w
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    decay = 0.0 if coupled else lr * weight_decay * w
    return w - lr * m_hat / (np.sqrt(v_hat) + eps) - decay, m, v
'''

HIDDEN_ONLY = '''"""Wrong only in more than two dimensions."""

import numpy as np

HINT = "Only the hidden case shows this."


def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    step = lr * (m / (1.0 - beta1**t)) / (np.sqrt(v / (1.0 - beta2**t)) + eps)
    scale = 2.0 if len(w) > 2 else 1.0
    return w - scale * step - lr * weight_decay * w, m, v
'''


def check(report: ValidationReport, name: str):
    matches = [c for c in report.checks if c.name == name]
    assert matches, [c.name for c in report.checks]
    return matches[0]


def failed(report: ValidationReport) -> dict:
    return {c.name: c.detail for c in report.checks if not c.ok}


def broken(adamw, **changes) -> Bundle:
    files = {**adamw.files, **changes}
    return Bundle.from_files({name: text for name, text in files.items() if text is not None})


def test_the_adamw_bundle_is_valid(adamw, pool):
    report = validate_bundle(adamw, pool=pool)
    assert report.ok, report.format()
    names = [c.name for c in report.checks]
    for expected in [
        "reference passes",
        "reference is deterministic",
        "starter fails",
        "mistake coupled-l2 is named",
        "mistakes are distinct",
        "mistake coupled-l2 shows on a visible case",
    ]:
        assert expected in names
    data = report.to_dict()
    assert data["slug"] == "adamw" and data["ok"] is True
    assert set(data["checks"][0]) == {"name", "ok", "detail"}
    assert report.format().startswith("adamw: valid (")


@pytest.mark.parametrize("name", ["clip-norm", "optimizer-memory", "torch-adamw", "train-step"])
def test_the_driver_bundles_are_valid_agreement_and_figures_included(pool, name):
    from grader import load_bundle

    bundle = load_bundle(DATA / name)
    report = validate_bundle(bundle, pool=pool)
    assert report.ok, report.format()
    if bundle.agreements:
        assert "(torch sandbox)" in check(report, "agreement torch_optim passes").detail
    for figure in bundle.figures:
        assert check(report, f"figure {figure['name']}").ok


def test_a_failing_reference_is_reported_with_its_case_and_stops_the_rest(adamw, pool):
    solution = adamw.solution.replace(
        "    m = beta1",
        "    if lr == 0.02:\n        raise ArithmeticError('boom')\n    m = beta1",
        1,
    )
    report = validate_bundle(broken(adamw, **{"solution.py": solution}), pool=pool)
    assert not report.ok and len(report.checks) == 1
    detail = check(report, "reference passes").detail
    assert detail.startswith("solution.py: the reference failed on 'rosenbrock'")
    assert "ArithmeticError: boom" in detail and "were not run" in detail


def test_a_starter_that_passes_is_reported(adamw, pool):
    report = validate_bundle(broken(adamw, **{"starter.py": adamw.solution}), pool=pool)
    assert failed(report) == {
        "starter fails": "starter.py passes every case (4 graded): a student would pass "
        "without writing anything"
    }


def test_a_mistake_that_passes_is_reported(adamw, pool):
    harmless = '"""Not a mistake at all."""\n\nHINT = "None."\n\n' + adamw.solution
    report = validate_bundle(broken(adamw, **{"mistakes/harmless.py": harmless}), pool=pool)
    problems = failed(report)
    assert problems["mistake harmless is named"].startswith(
        "mistakes/harmless.py passes every case (4 graded)"
    )
    assert problems["mistake harmless shows on a visible case"].startswith(
        "mistakes/harmless.py agrees with the reference on every visible case"
    )
    assert set(problems) == {
        "mistake harmless is named",
        "mistake harmless shows on a visible case",
    }


def test_two_mistakes_with_the_same_trace_are_reported_by_both_names(adamw, pool):
    copy = adamw.files["mistakes/coupled-l2.py"]
    report = validate_bundle(broken(adamw, **{"mistakes/l2-again.py": copy}), pool=pool)
    problems = failed(report)
    assert problems["mistakes are distinct"].startswith(
        "identical traces on every case: mistakes/coupled-l2.py and mistakes/l2-again.py."
    )
    assert (
        "is named coupled-l2; it must be named l2-again alone"
        in problems["mistake l2-again is named"]
    )


def test_a_mistake_that_shows_on_fewer_cases_is_told_apart_by_the_cases_it_passes(adamw, pool):
    # Coupled only at lr = 0.05: where it fails it matches coupled-l2, but coupled-l2
    # would also have failed the cases this one passes, so only "partial" fits.
    bundle = broken(adamw, **{"mistakes/partial.py": PARTIAL_COUPLED_L2})
    report = validate_bundle(bundle, pool=pool)
    assert failed(report) == {}
    assert "is named partial alone" in next(
        check.detail for check in report.checks if check.name == "mistake partial is named"
    )


def test_a_mistake_only_hidden_cases_catch_is_reported(adamw, pool):
    report = validate_bundle(broken(adamw, **{"mistakes/hidden-only.py": HIDDEN_ONLY}), pool=pool)
    assert set(failed(report)) == {"mistake hidden-only shows on a visible case"}
    assert (
        "(rtol=1e-07, atol=1e-10): only hidden cases catch it"
        in failed(report)["mistake hidden-only shows on a visible case"]
    )


def test_a_figure_the_reference_does_not_reproduce_is_reported(adamw, pool):
    figures = (
        adamw.files["exercise.toml"]
        + """
[[figures]]
name = "first AdamW step"
case.surface = { kind = "valley", curvatures = [100.0, 1.0] }
case.w0 = [1.0, 1.0]
case.steps = 1
case.hyper = { lr = 0.05, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.1 }
step = 1
quantity = "w"
expected = [0.945, 0.946]
decimals = 3
"""
    )
    report = validate_bundle(broken(adamw, **{"exercise.toml": figures}), pool=pool)
    position = figures.count("[[figures]]")  # the one appended last
    assert failed(report) == {
        "figure first AdamW step": (
            f"exercise.toml [[figures]] #{position}: the reference gives w = [0.945, 0.945] at "
            "step 1, the figure prints [0.945, 0.946] (rounded to 3 decimals)"
        )
    }


def test_a_reference_that_is_not_deterministic_is_reported(adamw, pool):
    noisy = adamw.solution.replace(
        "    return w, m, v", "    return w * (1 + 1e-12 * np.random.rand()), m, v"
    )
    report = validate_bundle(broken(adamw, **{"solution.py": noisy}), pool=pool)
    detail = failed(report)["reference is deterministic"]
    assert re.match(
        r"solution.py gives different traces on two runs of visible case "
        r"'two-speed valley': step 1, w\[0\] is \S+ then \S+\. Seed every",
        detail,
    )


def test_an_agreement_program_that_disagrees_is_reported(adamw, pool):
    wrong = adamw.files["mistakes/decay-after-update.py"]
    report = validate_bundle(broken(adamw, **{"agreement/wrong.py": wrong}), pool=pool)
    assert set(failed(report)) == {"agreement wrong passes"}
    assert failed(report)["agreement wrong passes"].startswith(
        "agreement/wrong.py leaves the reference on visible case 'two-speed valley' "
        "at step 1, w[0] ="
    )


# -- command lines ---------------------------------------------------------------------
def run(*args, env=None):
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_cli_validate_exits_0_1_or_2(adamw, tmp_path):
    ok = run("-m", "grader", "validate", "adamw", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    bad = tmp_path / "adamw"
    shutil.copytree(ROOT / "exercises" / "bank" / "adamw", bad)
    (bad / "starter.py").write_text(adamw.solution)
    out = run("-m", "grader", "validate", str(bad))
    assert out.returncode == 1
    assert "adamw: INVALID (1 of" in out.stdout
    assert "FAIL  starter fails: starter.py passes" in out.stdout
    (bad / "exercise.toml").write_text("id = ")
    assert run("-m", "grader", "validate", str(bad)).returncode == 2


def test_validate_bank_command_passes_on_the_bank_and_fails_on_a_broken_bundle(adamw, tmp_path):
    env = {"TRACELAB_DEBUG": "1"}
    out = run("manage.py", "validate_bank", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    bundles = sorted(p.parent.name for p in (ROOT / "exercises" / "bank").glob("*/exercise.toml"))
    assert f"all {len(bundles)} bundles are valid" in out.stdout
    for slug in bundles:
        assert f"{slug}: valid (" in out.stdout
    shutil.copytree(ROOT / "exercises" / "bank" / "adamw", tmp_path / "adamw")
    (tmp_path / "adamw" / "starter.py").write_text(adamw.solution)
    out = run("manage.py", "validate_bank", "--root", str(tmp_path), "adamw", env=env)
    assert out.returncode == 1
    assert "starter.py passes every case" in out.stdout
    assert "1 of 1 bundles failed validation: adamw" in out.stderr

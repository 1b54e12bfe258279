"""Grading real programs in the real sandbox."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader import grade

ROOT = Path(__file__).resolve().parents[2]

IN_PLACE = """
import numpy as np

def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    decay = lr * weight_decay * w
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * np.square(grad)
    step = lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    w -= step
    w -= decay
    return w, m, v
"""

LOOPS = """
import math

def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    w, m, v = w.copy(), m.copy(), v.copy()
    for i in range(len(w)):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
        m_hat = m[i] / (1 - beta1 ** t)
        v_hat = v[i] / (1 - beta2 ** t)
        w[i] = w[i] * (1 - lr * weight_decay) - lr * m_hat / (math.sqrt(v_hat) + eps)
    return w, m, v
"""

TORCH_ALGEBRA = """
import numpy as np

def adamw_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    w = w * (1 - lr * weight_decay)
    m = m * beta1 + grad * (1 - beta1)
    v = v * beta2 + grad * grad * (1 - beta2)
    bias1 = 1 - beta1 ** t
    bias2 = 1 - beta2 ** t
    denom = np.sqrt(v) / np.sqrt(bias2) + eps
    w = w - (lr / bias1) * m / denom
    return w, m, v
"""


def source(path):
    return (ROOT / "exercises" / "bank" / "adamw" / path).read_text()


def test_reference_passes_every_case(adamw, pool):
    result = grade(adamw, source("solution.py"), pool=pool)
    assert result.verdict == "passed", result.message
    assert result.score == 1.0
    assert all(case.passed for case in result.cases)
    assert any(case.hidden for case in result.cases)


def test_starter_fails_at_step_one_with_a_hint(adamw, pool):
    result = grade(adamw, source("starter.py"), pool=pool)
    assert result.verdict == "failed"
    first = result.cases[0]
    assert first.divergence.step == 1 and first.divergence.quantity == "w"
    assert result.hints and result.hints[0]["heuristic"] == "first-step"


@pytest.mark.parametrize(
    "mistake", ["decay-after-update", "coupled-l2", "no-bias-correction", "eps-inside-sqrt"]
)
def test_each_known_mistake_is_named_as_itself_alone(adamw, pool, mistake):
    result = grade(adamw, source(f"mistakes/{mistake}.py"), pool=pool)
    assert result.verdict == "failed"
    assert [d["mistake"] for d in result.diagnoses] == [mistake]
    assert result.diagnoses[0]["hint"]


@pytest.mark.parametrize(
    "program", [IN_PLACE, LOOPS, TORCH_ALGEBRA], ids=["in-place", "loops", "torch-algebra"]
)
def test_correct_programs_written_differently_pass(adamw, pool, program):
    result = grade(adamw, program, pool=pool)
    assert result.verdict == "passed", result.message


def test_hidden_cases_reveal_no_values(adamw, pool):
    data = grade(adamw, source("starter.py"), pool=pool).to_dict()
    hidden = [c for c in data["cases"] if c["hidden"]]
    assert hidden and all(set(c["divergence"]) == {"step"} for c in hidden)
    assert all("plot" not in c for c in hidden)


def test_visible_only_runs_no_hidden_case(adamw, pool):
    result = grade(adamw, source("solution.py"), pool=pool, visible_only=True)
    assert result.verdict == "passed"
    assert not any(case.hidden for case in result.cases)


@pytest.mark.parametrize(
    "program, verdict, words",
    [
        ("def adamw_step(w, grad, m, v, t, lr, *a):\n    return None\n", "failed", "must return"),
        (
            "def adamw_step(w, grad, m, v, t, lr, *a):\n    return w[:1], m, v\n",
            "failed",
            "shape (1,)",
        ),
        (
            "def adamw_step(w, grad, m, v, t, lr, *a):\n    return w.astype('float32'), m, v\n",
            "failed",
            "float32",
        ),
        (
            "def adamw_step(w, grad, m, v, t, lr, *a):\n    return w / 0.0 * 0.0, m, v\n",
            "failed",
            "NaN",
        ),
        (
            "def adamw_step(w, grad, m, v, t, lr\n    return w\n",
            "error",
            "does not parse on line 1",
        ),
        (
            "def adam_step(w, grad, m, v, t, lr, *a):\n    return w, m, v\n",
            "error",
            "no function named adamw_step",
        ),
        ("raise RuntimeError('boom')\n", "error", "RuntimeError: boom"),
    ],
)
def test_broken_programs_get_a_clear_message(adamw, pool, program, verdict, words):
    result = grade(adamw, program, pool=pool)
    assert result.verdict == verdict
    text = result.message + " ".join(h["hint"] for h in result.hints)
    assert words in text


def test_printed_output_comes_back_trimmed(adamw, pool):
    program = "print('x' * 100000)\n" + source("solution.py")
    result = grade(adamw, program, pool=pool)
    assert result.verdict == "passed"
    assert 0 < len(result.stdout) <= 16 * 1024
    assert result.resources["stdout_trimmed"] is True


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "grader", "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_json_says_passed_for_the_reference_and_failed_for_the_rest():
    bank = "exercises/bank/adamw/"
    out = run_cli("adamw", bank + "solution.py", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "passed" and data["diagnoses"] == []
    assert {"verdict", "score", "cases", "diagnoses", "stdout", "stderr"} <= set(data)
    for name in ["starter.py", "mistakes/coupled-l2.py"]:
        out = run_cli("adamw", bank + name, "--json")
        assert out.returncode == 0
        assert json.loads(out.stdout)["verdict"] == "failed"


def test_cli_prints_a_readable_report_and_rejects_unknown_exercises():
    out = run_cli("exercises/bank/adamw", "exercises/bank/adamw/mistakes/coupled-l2.py")
    assert out.returncode == 0
    assert "Verdict: FAILED" in out.stdout and "Recognised mistake: coupled-l2" in out.stdout
    missing = run_cli("no-such-exercise", "exercises/bank/adamw/solution.py")
    assert missing.returncode == 2 and "no-such-exercise" in missing.stderr


def test_results_are_strict_json_even_when_values_are_nan(adamw, pool):
    program = "def adamw_step(w, grad, m, v, t, lr, *rest):\n    return w / 0.0 * 0.0, m, v\n"
    data = grade(adamw, program, pool=pool).to_dict()
    json.dumps(data, allow_nan=False)  # raises on NaN or Infinity
    assert data["cases"][0]["plot"]["got"][0]["w"] == [None, None]

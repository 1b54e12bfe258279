"""Diagnosis of real programs in the real sandbox: several mistakes, conventions, slips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grader import grade, load_bundle

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "exercises" / "bank"

ADAM_TWO_MISTAKES = """
import numpy as np

def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / np.sqrt(v + eps), m, v
"""
MOMENTUM_LR_IN_BUFFER = """
def momentum_step(w, grad, m, lr, beta=0.9):
    velocity = beta * m - lr * grad
    return w + velocity, velocity
"""
SCHEDULE_SMALL_AND_LARGE = """
def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps * (1 + 1e-7)
    decay_steps = max(1, total_steps - warmup_steps - 1)
    progress = min((step - warmup_steps) / decay_steps, 1.0)
    return 2 * peak_lr + (final_lr - peak_lr) * progress
"""


@pytest.fixture(scope="module")
def bundles():
    return {slug: load_bundle(BANK / slug) for slug in ("adam", "momentum", "torch-adamw")}


def named(result):
    return sorted(d["mistake"] for d in result.diagnoses)


def test_two_mistakes_that_show_on_the_same_cases_are_both_named(bundles, pool):
    result = grade(bundles["adam"], ADAM_TWO_MISTAKES, pool=pool, visible_only=True)
    assert result.verdict == "failed"
    assert named(result) == ["eps-inside-sqrt", "no-bias-correction"]
    explains = result.diagnoses[0]["explains"]
    assert {item["case"] for item in explains} == {c.name for c in result.cases if not c.passed}
    # eps = 1e-8 inside the root changes little on most cases, but the merged program with
    # both mistakes fits each case exactly, where one mistake alone fits only roughly.
    assert all(item["with"] for item in explains)
    assert result.unexplained == [] and result.signature is None


def test_the_learning_rate_inside_the_velocity_buffer_is_recognised_as_a_convention(bundles, pool):
    result = grade(bundles["momentum"], MOMENTUM_LR_IN_BUFFER, pool=pool)
    assert [(d["mistake"], d["kind"]) for d in result.diagnoses] == [
        ("lr-inside-velocity", "convention")
    ]
    assert "convention" in result.diagnoses[0]["title"].lower() or result.diagnoses[0]["hint"]


def test_the_case_shown_first_is_the_one_that_left_the_reference_most(pool):
    bundle = load_bundle(BANK / "linear-warmup-decay")
    result = grade(bundle, SCHEDULE_SMALL_AND_LARGE, pool=pool, visible_only=True)
    lead = max((c for c in result.cases if not c.passed), key=lambda c: c.relative_error or 0.0)
    assert f"Case {lead.name!r} first diverges" in result.message
    assert lead.relative_error > 0.1


def test_buffers_under_other_names_still_have_their_update_judged(bundles, pool):
    renamed = (BANK / "torch-adamw" / "solution.py").read_text()
    renamed = renamed.replace('"exp_avg_sq"', '"second"').replace('"exp_avg"', '"first"')
    result = grade(bundles["torch-adamw"], renamed, pool=pool, visible_only=True)
    assert result.verdict == "failed"
    assert "has no 'exp_avg'" in result.message
    (hint,) = [h for h in result.hints if h["heuristic"].startswith("interface")]
    assert hint["update_right"] is True
    assert "your update is right" in hint["hint"]

    wrong = renamed.replace("p.mul_(1 - lr * weight_decay)", "p.mul_(1 - weight_decay)")
    result = grade(bundles["torch-adamw"], wrong, pool=pool, visible_only=True)
    (hint,) = [h for h in result.hints if h["heuristic"].startswith("interface")]
    assert hint["update_right"] is False
    assert "decay-without-lr" in named(result)


def test_a_schedule_gets_a_schedule_hint_not_an_optimizer_one(pool):
    bundle = load_bundle(BANK / "linear-warmup-decay")
    odd = "def linear_warmup_decay(step, total_steps, warmup_steps, peak_lr, final_lr):\n"
    odd += "    return peak_lr if step % 3 else final_lr\n"
    result = grade(bundle, odd, pool=pool, visible_only=True)
    assert result.diagnoses == [] and result.unexplained
    text = " ".join(h["hint"] for h in result.hints)
    assert "running averages" not in text and "bias correction" not in text
    assert "step" in text


def test_cli_report_lists_each_mistake_with_the_cases_it_explains(tmp_path):
    program = tmp_path / "adam.py"
    program.write_text(ADAM_TWO_MISTAKES)
    report = subprocess.run(
        [sys.executable, "-m", "grader", "check", "adam", str(program), "--visible-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert "Recognised mistake: eps-inside-sqrt" in report
    assert "Recognised mistake: no-bias-correction" in report
    assert "together with" in report

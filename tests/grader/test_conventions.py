"""Conventions: input expressions, transformed cases, shifted steps, and bundle checks."""

from __future__ import annotations

import pytest

from grader import Bundle, BundleError
from grader._conventions import aligned, evaluate, parse, transformed_case


class Convention:
    def __init__(self, inputs=None, shift=0):
        self.inputs, self.shift = inputs or {}, shift


def test_expressions_use_the_case_inputs_and_arithmetic_only():
    assert evaluate("lr / (1 - beta)", {"lr": 0.1, "beta": 0.9}) == pytest.approx(1.0)
    assert evaluate("2 ** 3 - -1", {}) == 9.0
    for bad in ("__import__('os')", "lr.real", "[lr]", "lr if beta else 1", "2 ** lr", True):
        with pytest.raises(ValueError):
            parse(bad)


def test_an_expression_without_a_value_for_a_case_says_so():
    with pytest.raises(ValueError, match="no value"):
        evaluate("lr / (1 - beta)", {"lr": 0.1, "beta": 1.0})
    with pytest.raises(ValueError, match="no numeric input 'gamma'"):
        evaluate("gamma", {"lr": 0.1})


def test_a_transformed_case_changes_its_inputs_and_leaves_the_original_alone():
    case = {"name": "c", "steps": 3, "hyper": {"lr": 0.1, "beta": 0.5, "schedule": [1.0, 2.0]}}
    fresh = transformed_case(case, Convention({"lr": "lr * 2", "schedule": "schedule + beta"}))
    assert fresh["hyper"] == {"lr": 0.2, "beta": 0.5, "schedule": [1.5, 2.5]}
    assert case["hyper"]["lr"] == 0.1
    shifted = transformed_case({"steps": 3, "args": {"n": 2}}, Convention(shift=1))
    assert shifted["steps"] == 4


def test_shifted_records_line_up_with_the_programs_steps():
    records = [{"lr": [float(i)]} for i in range(4)]
    assert aligned(records, 3, 1) == records[1:4]
    assert aligned(records[:3], 3, -1) == [None, records[0], records[1]]


FILES = {
    "exercise.toml": """
id = "sched"
title = "A schedule"
runtime = "numpy"
[grading]
driver = "schedule"
entrypoint = "rate"
args = ["n"]
trace = ["lr"]
[[cases]]
name = "short"
steps = 3
args = { n = 3 }
[[conventions]]
id = "one-based"
title = "Steps counted from 1"
explanation = "Your step counts from 1; here the first step is 0."
shift = 1
""",
    "prompt.md": "Rate.",
    "starter.py": "def rate(step, n):\n    return 0.0\n",
    "solution.py": "def rate(step, n):\n    return step / n\n",
    "conventions/one-based.py": '"""From 1."""\nNOTE = "x"\n\n\ndef rate(step, n):\n'
    "    return (step + 1) / n\n",
}


def test_a_bundle_reads_its_conventions_with_their_example_programs():
    bundle = Bundle.from_files(FILES)
    (convention,) = bundle.conventions
    assert (convention.id, convention.shift, convention.compare) == ("one-based", 1, ("lr",))
    assert convention.source == FILES["conventions/one-based.py"]


@pytest.mark.parametrize(
    "change, words",
    [
        ({"conventions/one-based.py": None}, "needs an example program"),
        ({"extra": 'inputs = { n = "open(1)" }'}, "only numbers, names"),
        ({"extra": 'compare = ["w"]'}, "compare must list traced quantities"),
        ({"conventions/stray.py": "x = 1\n"}, "stray.py is not declared"),
        ({"shift": "shift = 0"}, "changes neither inputs nor steps"),
    ],
)
def test_a_bundle_refuses_a_convention_it_cannot_use(change, words):
    files = dict(FILES)
    for key, value in change.items():
        if key == "extra":
            files["exercise.toml"] += value + "\n"
        elif key == "shift":
            files["exercise.toml"] = files["exercise.toml"].replace("shift = 1", value)
        elif value is None:
            files.pop(key)
        else:
            files[key] = value
    with pytest.raises(BundleError, match=words):
        Bundle.from_files(files)
